/**
 * Benchmarks of the frame codec with 1 KiB SEND_MESSAGE_V2 frames, the
 * broker's hottest decode path: encode one, decode one, and decode a 64 KiB
 * read holding many frames (as a socket read delivers them).
 *
 * Runs on: main thread
 * @module
 */
import { encodeCommand, FrameDecoder } from "./frame_codec.ts";
import { createRequest, createResponse } from "./remoting_command.ts";
import type { SerializeType } from "./remoting_command.ts";
import { RequestCode } from "./request_code.ts";
import { ResponseCode } from "./response_code.ts";

function sendV2(serializeType: SerializeType) {
  return createRequest(RequestCode.SEND_MESSAGE_V2, {
    serializeType,
    extFields: {
      a: "benchmark_producer",
      b: "BenchmarkTest",
      c: "TBW102",
      d: "4",
      e: "3",
      f: "0",
      g: "1795591446000",
      h: "0",
      i: "KEYS\u0001k1\u0002UNIQ_KEY\u00017F0000010B8B18B4AAC27C2E53FE0000\u0002WAIT\u0001true\u0002",
      j: "0",
      k: "false",
      m: "false",
    },
    body: new Uint8Array(1024).fill(0x61),
  });
}

/** The broker's SEND_MESSAGE_V2 answer (no body). */
function sendResponse(serializeType: SerializeType) {
  return createResponse(sendV2(serializeType), ResponseCode.SUCCESS, {
    extFields: {
      msgId: "7F00000100002A9F0000000000012345",
      queueId: "3",
      queueOffset: "123456",
      MSG_REGION: "DefaultRegion",
      TRACE_ON: "true",
    },
  });
}

for (const type of ["JSON", "ROCKETMQ"] as const) {
  const response = sendResponse(type);
  Deno.bench(`encodeCommand() SEND_MESSAGE_V2 response, ${type} header`, {
    group: "encode-response",
  }, () => {
    encodeCommand(response);
  });
}

for (const type of ["JSON", "ROCKETMQ"] as const) {
  const cmd = sendV2(type);
  const frame = encodeCommand(cmd);
  const count = Math.floor(64 * 1024 / frame.length);
  const batch = new Uint8Array(frame.length * count);
  for (let i = 0; i < count; i++) batch.set(frame, i * frame.length);
  const decoder = new FrameDecoder();

  Deno.bench(`encodeCommand() 1 KiB SEND_MESSAGE_V2, ${type} header`, { group: `encode` }, () => {
    encodeCommand(cmd);
  });
  Deno.bench(`FrameDecoder.push() one 1 KiB SEND_MESSAGE_V2, ${type} header`, {
    group: "decode",
  }, () => {
    decoder.push(frame);
  });
  Deno.bench(`FrameDecoder.push() ${count} frames in one 64 KiB read, ${type} header`, {
    group: "decode-batch",
    n: 200,
  }, () => {
    decoder.push(batch);
  });
}
