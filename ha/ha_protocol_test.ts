/**
 * Tests of the HA codec. Goal: every frame round-trips whole and fed one
 * byte at a time; malformed input only ever throws `DecodeError`. Method:
 * fixed vectors plus fast-check properties (seed printed on failure).
 *
 * Runs on: main thread (tests)
 * @module
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import { DecodeError } from "../common/mod.ts";
import {
  decodeFrameBody,
  encodeData,
  encodeDataFrames,
  encodeDataHeader,
  encodeHello,
  encodeReport,
  encodeWelcome,
  type HaFrame,
  HaFrameDecoder,
} from "./ha_protocol.ts";

function decodeAll(bytes: Uint8Array, step: number, views = false): HaFrame[] {
  const decoder = new HaFrameDecoder();
  const out: HaFrame[] = [];
  const take = () => views ? decoder.nextView() : decoder.next();
  for (let pos = 0; pos < bytes.length; pos += step) {
    decoder.push(bytes.subarray(pos, pos + step));
    for (let f = take(); f !== undefined; f = take()) {
      // A view is only valid until the next push: keep a copy.
      out.push(f.type === "data" ? { ...f, bytes: f.bytes.slice() } : f);
    }
  }
  return out;
}

const SHARD1 = 2 ** 48;

Deno.test("HaFrameDecoder decodes every frame type whole and byte by byte", () => {
  const data = new Uint8Array([1, 2, 3, 4, 5]);
  const frames = [
    encodeHello([0, SHARD1 + 77]),
    encodeReport([123, SHARD1]),
    encodeWelcome([{ min: 0, max: 10, start: 5, window: 5, crc: 0xdeadbeef }, {
      min: SHARD1,
      max: SHARD1 + 9,
      start: SHARD1,
      window: 0,
      crc: 0,
    }]),
    encodeData(1, SHARD1 + 3, data),
    encodeData(0, 0, new Uint8Array(0)),
  ];
  const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let pos = 0;
  for (const f of frames) {
    all.set(f, pos);
    pos += f.length;
  }
  const expected: HaFrame[] = [
    { type: "hello", version: 1, offsets: [0, SHARD1 + 77] },
    { type: "report", offsets: [123, SHARD1] },
    {
      type: "welcome",
      shards: [{ min: 0, max: 10, start: 5, window: 5, crc: 0xdeadbeef }, {
        min: SHARD1,
        max: SHARD1 + 9,
        start: SHARD1,
        window: 0,
        crc: 0,
      }],
    },
    { type: "data", shard: 1, offset: SHARD1 + 3, bytes: data },
    { type: "data", shard: 0, offset: 0, bytes: new Uint8Array(0) },
  ];
  deepEqual(decodeAll(all, all.length), expected);
  deepEqual(decodeAll(all, 1), expected);
  deepEqual(decodeAll(all, 7), expected);
  deepEqual(decodeAll(all, all.length, true), expected);
  deepEqual(decodeAll(all, 1, true), expected);
  deepEqual(decodeAll(all, 7, true), expected);
});

Deno.test("encodeDataHeader() gives the same bytes as the head of encodeData()", () => {
  const bytes = new Uint8Array(100).fill(9);
  const whole = encodeData(3, 4096, bytes);
  deepEqual(encodeDataHeader(3, 4096, 100), whole.subarray(0, 19));
  equal(new DataView(whole.buffer).getInt32(0), whole.length - 4);
});

Deno.test("encodeDataFrames() gives the encodeData() frames of every run cut at the frame size", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          shard: fc.integer({ min: 0, max: 3 }),
          offset: fc.integer({ min: 0, max: 2 ** 50 }),
          bytes: fc.uint8Array({ minLength: 0, maxLength: 300 }),
        }),
        { maxLength: 4 },
      ),
      fc.integer({ min: 1, max: 128 }),
      (runs, frameBytes) => {
        const expected: Uint8Array[] = [];
        for (const run of runs) {
          for (let at = 0; at < run.bytes.length; at += frameBytes) {
            const part = run.bytes.subarray(at, at + frameBytes);
            expected.push(encodeData(run.shard, run.offset + at, part));
          }
        }
        const all = new Uint8Array(expected.reduce((n, f) => n + f.length, 0));
        let pos = 0;
        for (const f of expected) {
          all.set(f, pos);
          pos += f.length;
        }
        deepEqual(encodeDataFrames(runs, frameBytes), all);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("decodeFrameBody() throws DecodeError on malformed frames", () => {
  throws(() => decodeFrameBody(new Uint8Array(0)), DecodeError);
  throws(() => decodeFrameBody(new Uint8Array([9])), DecodeError);
  throws(() => decodeFrameBody(encodeReport([1, 2]).subarray(4, 15)), DecodeError);
  const data = encodeData(0, 0, new Uint8Array(4));
  throws(() => decodeFrameBody(data.subarray(4, data.length - 1)), DecodeError);
  const decoder = new HaFrameDecoder();
  decoder.push(new Uint8Array([0x7f, 0, 0, 0, 1]));
  throws(() => decoder.next(), DecodeError);
});

Deno.test("HaFrameDecoder throws only DecodeError on random bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const decoder = new HaFrameDecoder();
      decoder.push(bytes);
      try {
        for (let i = 0; i < 100 && decoder.next() !== undefined; i++) { /* drain */ }
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("encodeReport() round-trips any list of safe offsets", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { maxLength: 64 }),
      (offsets) => {
        const f = encodeReport(offsets);
        deepEqual(decodeFrameBody(f.subarray(4)), { type: "report", offsets });
      },
    ),
    { numRuns: 200 },
  );
});
