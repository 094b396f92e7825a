/**
 * Tests of the benchmark body: filler, stamp round trip, unstamped bodies.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { benchBody, readStamp, STAMP_BYTES, stampBody } from "./body_stamp.ts";

Deno.test("benchBody() is the asked size and does not compress when filled", () => {
  const body = benchBody(4099);
  assert.equal(body.length, 4099);
  assert.ok(deflateSync(body).length > 4000);
  assert.deepEqual(benchBody(64, 7), benchBody(64, 7));
  assert.throws(() => benchBody(STAMP_BYTES - 1), RangeError);
});

Deno.test("readStamp() returns the time written by stampBody() when the body is stamped", () => {
  const body = benchBody(1024);
  stampBody(body, 1_795_591_218_016.125);
  assert.equal(readStamp(body), 1_795_591_218_016.125);
  const view = new Uint8Array(2048);
  view.set(body, 100);
  assert.equal(readStamp(view.subarray(100, 1124)), 1_795_591_218_016.125);
});

Deno.test("readStamp() returns undefined when the body has no stamp", () => {
  assert.equal(readStamp(new Uint8Array(8)), undefined);
  assert.equal(
    readStamp(new TextEncoder().encode("Hello RocketMQ, a Java benchmark body")),
    undefined,
  );
});
