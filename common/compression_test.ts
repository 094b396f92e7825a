/**
 * Goal: bodies compress to zlib streams Java's Inflater reads and inflate
 * back; bad input gives DecodeError. Method: round trips, the zlib header
 * for level 5, a hand-made stored-block stream, corrupt and oversized input.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { compressBody, uncompressBody } from "./compression.ts";
import { DecodeError } from "./errors.ts";
import { propertySeed } from "./_test_util.ts";

Deno.test("compressBody() writes a zlib stream that uncompressBody() reads back", () => {
  const body = new TextEncoder().encode("RocketMQ ".repeat(1000));
  const compressed = compressBody(body);
  assert.ok(compressed.length < body.length / 10);
  // zlib header: CMF 0x78 (deflate, 32 KiB window); FCHECK makes CMF*256+FLG divisible by 31.
  assert.equal(compressed[0], 0x78);
  assert.equal(((compressed[0]! << 8) | compressed[1]!) % 31, 0);
  assert.deepEqual(uncompressBody(compressed), body);
});

Deno.test("uncompressBody() reads a stored-block zlib stream built by hand", () => {
  // 78 01 | final stored block, LEN 3, NLEN ~3 | "abc" | Adler-32 of "abc" = 0x024d0127.
  const stream = Uint8Array.of(
    0x78,
    0x01,
    0x01,
    0x03,
    0x00,
    0xfc,
    0xff,
    0x61,
    0x62,
    0x63,
    0x02,
    0x4d,
    0x01,
    0x27,
  );
  assert.deepEqual(uncompressBody(stream), new TextEncoder().encode("abc"));
});

Deno.test("compressBody() round-trips random bodies at every level", () => {
  const seed = propertySeed("compressBody round trip");
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 5000 }),
      fc.integer({ min: 0, max: 9 }),
      (body, level) => {
        assert.deepEqual(uncompressBody(compressBody(body, level)), body);
      },
    ),
    { seed, numRuns: 200 },
  );
});

Deno.test("compressBody() throws RangeError when the level is out of range", () => {
  assert.throws(() => compressBody(new Uint8Array(1), 10), RangeError);
  assert.throws(() => compressBody(new Uint8Array(1), -1), RangeError);
});

Deno.test("uncompressBody() throws DecodeError when the stream is corrupt or too big", () => {
  assert.throws(() => uncompressBody(Uint8Array.of(1, 2, 3, 4)), DecodeError);
  const compressed = compressBody(new Uint8Array(1000));
  assert.throws(() => uncompressBody(compressed.subarray(0, compressed.length - 3)), DecodeError);
  assert.throws(() => uncompressBody(compressed, { maxBytes: 999 }), DecodeError);
  assert.equal(uncompressBody(compressed, { maxBytes: 1000 }).length, 1000);
});

Deno.test("uncompressBody() throws only DecodeError for random bytes", () => {
  const seed = propertySeed("uncompressBody random bytes");
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        uncompressBody(bytes);
      } catch (error) {
        assert.ok(error instanceof DecodeError, String(error));
      }
    }),
    { seed, numRuns: 500 },
  );
});
