/**
 * Tests of the typed extFields reader: required/optional fields, Java long clamping, and the
 * SEND_MESSAGE_V2 short-name mapping with a header captured from a Java 4.9.4 client.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { HeaderError, RequestHeader, sendHeaderWithLongNames } from "./request_header.ts";

Deno.test("RequestHeader.int() throws HeaderError when the field is missing or not a number", () => {
  const header = new RequestHeader({ queueId: "x" });
  assert.throws(() => header.int("queueId"), HeaderError);
  assert.throws(() => header.int("absent"), HeaderError);
  assert.throws(() => new RequestHeader({ q: "2147483648" }).int("q"), HeaderError);
});

Deno.test("RequestHeader.long() clamps Long.MAX_VALUE to the safe-integer range", () => {
  const header = new RequestHeader({ endTimestamp: "9223372036854775807", b: "-5" });
  assert.equal(header.long("endTimestamp"), Number.MAX_SAFE_INTEGER);
  assert.equal(header.long("b"), -5);
  assert.equal(header.optLong("none", 7), 7);
});

Deno.test("RequestHeader.bool() reads true/false and defaults when absent", () => {
  const header = new RequestHeader(new Map([["order", "true"], ["unitMode", "false"]]));
  assert.equal(header.bool("order", false), true);
  assert.equal(header.bool("unitMode", true), false);
  assert.equal(header.bool("none", true), true);
});

Deno.test("sendHeaderWithLongNames() maps V2 short keys to the long names", () => {
  const header = sendHeaderWithLongNames({
    a: "benchmark_producer",
    b: "BenchmarkTest",
    c: "TBW102",
    d: "4",
    e: "307",
    f: "0",
    g: "1795591300151",
    h: "0",
    j: "0",
    k: "false",
    m: "false",
  });
  assert.equal(header.string("producerGroup"), "benchmark_producer");
  assert.equal(header.string("topic"), "BenchmarkTest");
  assert.equal(header.int("queueId"), 307);
  assert.equal(header.long("bornTimestamp"), 1795591300151);
  assert.equal(header.bool("batch", true), false);
});

Deno.test("sendHeaderWithLongNames() keeps long names untouched", () => {
  const header = sendHeaderWithLongNames({ topic: "fx_v1", queueId: "3", producerGroup: "g" });
  assert.equal(header.string("topic"), "fx_v1");
  assert.equal(header.int("queueId"), 3);
});

Deno.test("RequestHeader.long() reads 15-digit and longer values exactly", () => {
  const header = new RequestHeader({ t: "999999999999999", u: "1234567890123456", v: " 42 " });
  assert.equal(header.long("t"), 999_999_999_999_999);
  assert.equal(header.long("u"), 1_234_567_890_123_456);
  assert.equal(header.long("v"), 42);
  assert.throws(() => new RequestHeader({ w: "1e3" }).long("w"), HeaderError);
});

Deno.test("sendHeaderWithLongNames() hides the short keys it renamed and keeps unknown keys", () => {
  const header = sendHeaderWithLongNames(new Map([["a", "g"], ["b", "T"], ["zz", "1"]]));
  assert.equal(header.has("a"), false);
  assert.equal(header.has("producerGroup"), true);
  assert.equal(header.string("topic"), "T");
  assert.equal(header.int("zz"), 1);
  assert.equal(header.optString("constructor"), undefined);
});
