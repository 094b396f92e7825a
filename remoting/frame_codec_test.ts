/**
 * Tests of frame encoding and the streaming decoder against the frame layout
 * of remoting-protocol.md section 1: split at every byte, many frames per
 * chunk, limits and malformed lengths.
 */
import { concatBytes } from "../common/mod.ts";
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { DecodeError } from "../common/mod.ts";
import { decodeFrame, encodeCommand, FrameDecoder } from "./frame_codec.ts";
import { createRequest, createResponse } from "./remoting_command.ts";
import type { RemotingCommand } from "./remoting_command.ts";
import { RequestCode } from "./request_code.ts";

function sample(i: number, serializeType: "JSON" | "ROCKETMQ"): RemotingCommand {
  return createRequest(RequestCode.SEND_MESSAGE_V2, {
    opaque: i,
    serializeType,
    extFields: { a: "group", b: `topic-${i}` },
    body: i % 3 === 0 ? undefined : new Uint8Array(i * 7).fill(i),
  });
}

const concat = concatBytes;

Deno.test("encodeCommand() writes length, type byte and header length as documented", () => {
  const cmd = sample(1, "ROCKETMQ");
  const frame = encodeCommand(cmd);
  const view = new DataView(frame.buffer);
  equal(view.getUint32(0), frame.length - 4);
  equal(frame[4], 1);
  const headerLength = view.getUint32(4) & 0xffffff;
  equal(frame.length, 8 + headerLength + 7);
  deepEqual(frame.subarray(8 + headerLength), new Uint8Array(7).fill(1));
  const json = encodeCommand(sample(3, "JSON"));
  equal(json[4], 0);
  equal(new DataView(json.buffer).getUint32(0), json.length - 4);
});

Deno.test("encodeCommand() falls back to a JSON header for codes wider than 16 bits", () => {
  const pop = createRequest(RequestCode.POP_MESSAGE, { serializeType: "ROCKETMQ" });
  const frame = encodeCommand(pop);
  equal(frame[4], 0);
  const back = decodeFrame(frame);
  equal(back.code, RequestCode.POP_MESSAGE);
  equal(back.serializeType, "JSON");
});

Deno.test("FrameDecoder.push() decodes the same commands at every split point", () => {
  const commands = [sample(1, "JSON"), sample(2, "ROCKETMQ"), sample(3, "ROCKETMQ")];
  const stream = concat(commands.map(encodeCommand));
  for (let split = 0; split <= stream.length; split++) {
    const decoder = new FrameDecoder();
    const got = [
      ...decoder.push(stream.subarray(0, split)),
      ...decoder.push(stream.subarray(split)),
    ];
    deepEqual(got, commands, `split at ${split}`);
    equal(decoder.bufferedBytes, 0);
  }
});

Deno.test("FrameDecoder.push() decodes one byte at a time and many frames per chunk", () => {
  const commands = Array.from({ length: 50 }, (_, i) => sample(i, i % 2 ? "JSON" : "ROCKETMQ"));
  const stream = concat(commands.map(encodeCommand));
  const single = new FrameDecoder();
  const got: RemotingCommand[] = [];
  for (let i = 0; i < stream.length; i++) got.push(...single.push(stream.subarray(i, i + 1)));
  deepEqual(got, commands);
  deepEqual(new FrameDecoder().push(stream), commands);
});

Deno.test("FrameDecoder.push() returns bodies that survive reuse of the caller's buffer", () => {
  const cmd = sample(5, "JSON");
  const frame = encodeCommand(cmd);
  const reused = new Uint8Array(frame.length);
  reused.set(frame);
  const decoder = new FrameDecoder();
  const [got] = decoder.push(reused);
  reused.fill(0);
  deepEqual(got?.body, cmd.body);
  // Several whole frames in one chunk: their bodies share one copy of the chunk.
  const many = [1, 2, 4, 5, 7].map((i) => sample(i, i % 2 === 0 ? "JSON" : "ROCKETMQ"));
  const frames = many.map(encodeCommand);
  const chunk = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  frames.reduce((pos, f) => (chunk.set(f, pos), pos + f.length), 0);
  const decoded = decoder.push(chunk);
  chunk.fill(0);
  deepEqual(decoded.map((c) => c.body), many.map((c) => c.body));
});

Deno.test("FrameDecoder.push() handles a frame far larger than its starting buffer", () => {
  const big = createRequest(RequestCode.SEND_MESSAGE, { body: new Uint8Array(300_000).fill(9) });
  const frame = encodeCommand(big);
  const decoder = new FrameDecoder();
  const got: RemotingCommand[] = [];
  for (let pos = 0; pos < frame.length; pos += 1000) {
    got.push(...decoder.push(frame.subarray(pos, pos + 1000)));
  }
  equal(got.length, 1);
  deepEqual(got[0]?.body, big.body);
});

Deno.test("FrameDecoder.push() throws DecodeError when the length is beyond the limit or too small", () => {
  const frame = encodeCommand(sample(2, "JSON"));
  throws(() => new FrameDecoder({ maxFrameBytes: frame.length - 5 }).push(frame), DecodeError);
  equal(new FrameDecoder({ maxFrameBytes: frame.length - 4 }).push(frame).length, 1);
  throws(() => new FrameDecoder().push(new Uint8Array([0xff, 0xff, 0xff, 0xff])), DecodeError);
  throws(() => new FrameDecoder().push(new Uint8Array([0, 0, 0, 3])), DecodeError);
  const split = new FrameDecoder();
  split.push(new Uint8Array([0x7f, 0xff]));
  throws(() => split.push(new Uint8Array([0xff, 0xff])), DecodeError);
});

Deno.test("FrameDecoder.push() throws DecodeError on a bad header length, type or header", () => {
  const past = new Uint8Array([0, 0, 0, 8, 0, 0, 0, 5, 1, 2, 3, 4]);
  throws(() => new FrameDecoder().push(past), DecodeError);
  const type = new Uint8Array([0, 0, 0, 6, 2, 0, 0, 2, 0x7b, 0x7d]);
  throws(() => new FrameDecoder().push(type), DecodeError);
  const json = new Uint8Array([0, 0, 0, 6, 0, 0, 0, 2, 0x7b, 0x7d]); // "{}" lacks code
  throws(() => new FrameDecoder().push(json), DecodeError);
  throws(
    () => decodeFrame(concat([encodeCommand(sample(1, "JSON")), new Uint8Array(1)])),
    DecodeError,
  );
});

Deno.test("FrameDecoder.push() keeps failing after a DecodeError", () => {
  const decoder = new FrameDecoder();
  throws(() => decoder.push(new Uint8Array([0, 0, 0, 0])), DecodeError);
  throws(() => decoder.push(encodeCommand(sample(1, "JSON"))), DecodeError);
});

Deno.test("decodeFrame() round-trips a response built by createResponse()", () => {
  const request = sample(4, "ROCKETMQ");
  const response = createResponse(request, 17, { remark: "No topic route info" });
  const back = decodeFrame(encodeCommand(response));
  equal(back.serializeType, "ROCKETMQ");
  equal(back.remark, "No topic route info");
  ok(back.extFields === undefined, "an empty binary map decodes as absent");
  deepEqual(decodeFrame(encodeCommand({ ...response, serializeType: "JSON" })).extFields, {});
});
