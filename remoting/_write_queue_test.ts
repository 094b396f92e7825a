/**
 * Tests of the connection write queue: what `take` returns is exactly the frames of
 * `encodeCommand` in order, for small frames sharing an arena, big frames of their own and
 * arenas filling up; taken bytes stay intact while later frames are queued.
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { concatBytes } from "../common/mod.ts";
import { encodeCommand } from "./frame_codec.ts";
import { createRequest } from "./remoting_command.ts";
import type { RemotingCommand } from "./remoting_command.ts";
import { RequestCode } from "./request_code.ts";
import { WriteQueue } from "./_write_queue.ts";

function command(i: number, bodyBytes: number): RemotingCommand {
  return createRequest(RequestCode.SEND_MESSAGE_V2, {
    opaque: i,
    serializeType: i % 2 === 0 ? "ROCKETMQ" : "JSON",
    extFields: { a: "group", b: `topic-${i}`, remark: "ünïcode" },
    body: bodyBytes === 0 ? undefined : new Uint8Array(bodyBytes).fill(i & 255),
  });
}

Deno.test("WriteQueue.take() returns the encoded frames in order, small and big mixed", () => {
  const queue = new WriteQueue();
  const sizes = [0, 10, 20_000, 300, 5_000, 70_000, 1, 0, 9_000];
  const commands = sizes.map((size, i) => command(i, size));
  for (const cmd of commands) queue.push(cmd);
  const expected = concatBytes(commands.map(encodeCommand));
  equal(queue.bytes, expected.length);
  deepEqual(queue.take().slice(), expected);
  ok(queue.isEmpty);
  equal(queue.bytes, 0);
});

Deno.test("WriteQueue keeps taken bytes intact while later frames are queued", () => {
  const queue = new WriteQueue();
  let previous: { bytes: Uint8Array; expected: Uint8Array } | undefined;
  for (let round = 0; round < 60; round++) {
    const commands = Array.from({ length: 1 + (round % 7) }, (_, i) => command(round + i, 900));
    // Frames are queued while the previous take is being written: it must not change.
    for (const cmd of commands) queue.push(cmd);
    if (previous !== undefined) deepEqual(previous.bytes.slice(), previous.expected);
    previous = { bytes: queue.take(), expected: concatBytes(commands.map(encodeCommand)) };
    deepEqual(previous.bytes.slice(), previous.expected);
  }
});

Deno.test("WriteQueue.push() of an unencodable command throws and queues nothing", () => {
  const queue = new WriteQueue();
  const bad = { ...command(2, 0), code: 70_000 };
  queue.push(command(1, 10));
  const before = queue.bytes;
  throws(() => queue.push({ ...bad, remark: "x".repeat(0x1000000) }), RangeError);
  equal(queue.bytes, before);
  deepEqual(queue.take().slice(), encodeCommand(command(1, 10)));
});
