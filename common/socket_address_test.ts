/**
 * Goal: addresses parse, format and encode as RocketMQ writes them.
 * Method: IPv4 and IPv6 examples, byte layouts, bad input, and a seeded
 * round trip of random addresses through bytes.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { DecodeError } from "./errors.ts";
import {
  decodeSocketAddress,
  encodeSocketAddress,
  formatSocketAddress,
  ipFromBytes,
  ipToBytes,
  isIPv6,
  parseSocketAddress,
  socketAddressByteLength,
} from "./socket_address.ts";
import { propertySeed } from "./_test_util.ts";

Deno.test("parseSocketAddress() reads IPv4 and bracketed or bare IPv6 forms", () => {
  assert.deepEqual(parseSocketAddress("127.0.0.1:10911"), { host: "127.0.0.1", port: 10911 });
  assert.deepEqual(parseSocketAddress("[::1]:9876"), { host: "::1", port: 9876 });
  assert.deepEqual(parseSocketAddress("fe80::1:9876"), { host: "fe80::1", port: 9876 });
  assert.deepEqual(parseSocketAddress("[::ffff:10.0.0.1]:1"), { host: "::ffff:10.0.0.1", port: 1 });
});

Deno.test("parseSocketAddress() throws DecodeError when the text is not ip:port", () => {
  for (
    const bad of [
      "",
      "127.0.0.1",
      "127.0.0.1:",
      "256.0.0.1:1",
      "1.2.3.4:65536",
      "host:80",
      "[::1]",
      ":80",
      "1.2.3.4:-1",
      "[1::2::3]:1",
    ]
  ) {
    assert.throws(() => parseSocketAddress(bad), DecodeError, bad);
  }
});

Deno.test("formatSocketAddress() brackets IPv6 hosts only", () => {
  assert.equal(formatSocketAddress({ host: "10.1.2.3", port: 80 }), "10.1.2.3:80");
  assert.equal(formatSocketAddress({ host: "::1", port: 80 }), "[::1]:80");
  assert.ok(isIPv6("::1"));
  assert.ok(!isIPv6("1.2.3.4"));
});

Deno.test("encodeSocketAddress() writes address bytes then a big-endian int32 port", () => {
  const v4 = new Uint8Array(8);
  assert.equal(encodeSocketAddress({ host: "127.0.0.1", port: 10911 }, v4, 0), 8);
  assert.deepEqual([...v4], [127, 0, 0, 1, 0, 0, 0x2a, 0x9f]);
  const v6 = new Uint8Array(21);
  assert.equal(encodeSocketAddress({ host: "2001:db8::ff00:42:8329", port: 1 }, v6, 1), 20);
  assert.deepEqual(
    [...v6.subarray(1)],
    [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29, 0, 0, 0, 1],
  );
  assert.equal(socketAddressByteLength({ host: "::", port: 0 }), 20);
  assert.throws(
    () => encodeSocketAddress({ host: "1.2.3.4", port: 1 }, new Uint8Array(7), 0),
    RangeError,
  );
});

Deno.test("ipFromBytes() writes IPv6 in RFC 5952 compressed form", () => {
  assert.equal(ipFromBytes(ipToBytes("0:0:0:0:0:0:0:1")), "::1");
  assert.equal(ipFromBytes(ipToBytes("2001:DB8:0:0:1:0:0:1")), "2001:db8::1:0:0:1");
  assert.equal(ipFromBytes(ipToBytes("2001:db8:0:1:1:1:1:1")), "2001:db8:0:1:1:1:1:1");
  assert.equal(ipFromBytes(new Uint8Array(16)), "::");
  assert.throws(() => ipFromBytes(new Uint8Array(5)), DecodeError);
});

Deno.test("decodeSocketAddress() throws DecodeError when bytes run out", () => {
  assert.throws(() => decodeSocketAddress(new Uint8Array(7), 0, 4), DecodeError);
  assert.throws(() => decodeSocketAddress(new Uint8Array(20), 1, 16), DecodeError);
  assert.throws(
    () => decodeSocketAddress(Uint8Array.of(1, 2, 3, 4, 0xff, 0, 0, 0), 0, 4),
    DecodeError,
  );
});

Deno.test("decodeSocketAddress() inverts encodeSocketAddress() for random addresses", () => {
  const seed = propertySeed("socket address round trip");
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join("."));
  const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => ipFromBytes(b));
  fc.assert(
    fc.property(fc.oneof(v4, v6), fc.integer({ min: 0, max: 65535 }), (host, port) => {
      const bytes = new Uint8Array(20);
      const length = encodeSocketAddress({ host, port }, bytes, 0);
      const decoded = decodeSocketAddress(bytes, 0, length === 8 ? 4 : 16);
      assert.deepEqual(decoded, { host, port });
      assert.deepEqual(parseSocketAddress(formatSocketAddress(decoded)), decoded);
    }),
    { seed, numRuns: 500 },
  );
});

Deno.test("parseSocketAddress() and ipToBytes() return fresh values when the input was parsed before", () => {
  const first = parseSocketAddress("10.1.2.3:10911");
  first.host = "changed";
  first.port = 1;
  assert.deepEqual(parseSocketAddress("10.1.2.3:10911"), { host: "10.1.2.3", port: 10911 });
  const bytes = ipToBytes("10.1.2.3");
  bytes[0] = 99;
  assert.deepEqual(ipToBytes("10.1.2.3"), new Uint8Array([10, 1, 2, 3]));
  const target = new Uint8Array(8);
  encodeSocketAddress({ host: "10.1.2.3", port: 1 }, target, 0);
  assert.deepEqual(target, new Uint8Array([10, 1, 2, 3, 0, 0, 0, 1]));
  assert.throws(() => parseSocketAddress("10.1.2.300:1"), DecodeError);
  assert.throws(() => parseSocketAddress("10.1.2.300:1"), DecodeError);
});

Deno.test("parseSocketAddress() still parses correctly after more distinct inputs than its cache holds", () => {
  for (let i = 0; i < 3000; i++) {
    const host = `10.${(i >> 8) & 255}.${i & 255}.1`;
    assert.deepEqual(parseSocketAddress(`${host}:${i}`), { host, port: i });
  }
  assert.deepEqual(ipToBytes("10.0.5.1"), new Uint8Array([10, 0, 5, 1]));
});
