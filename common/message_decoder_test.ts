/**
 * Goal: readers of stored records accept exactly the valid ones and fail
 * only with DecodeError (or an "invalid" summary), never a crash or a hang.
 * Method: hand-broken records, options, summaries, and seeded fuzzing with
 * random bytes and with mutated valid records.
 *
 * Runs on: main thread
 * @module
 */
import { concatBytes } from "./bytes.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compressBody } from "./compression.ts";
import { DecodeError } from "./errors.ts";
import {
  encodeBlankRecord,
  encodeStoredMessage,
  type MessageToStore,
  storedRecordSize,
} from "./message_codec.ts";
import {
  decodeStoredMessage,
  decodeStoredMessages,
  readRecordSummary,
  verifyBodyCrc,
} from "./message_decoder.ts";
import { encodeProperties } from "./message_properties.ts";
import { MessageSysFlag } from "./message_sys_flag.ts";
import { propertySeed } from "./_test_util.ts";

function record(overrides: Partial<MessageToStore> = {}): Uint8Array {
  const msg: MessageToStore = {
    topic: "T",
    queueId: 1,
    flag: 0,
    body: new TextEncoder().encode("body-bytes"),
    properties: encodeProperties({ TAGS: "A", KEYS: "k" }),
    sysFlag: 0,
    bornTimestamp: 1000,
    bornHost: { host: "127.0.0.1", port: 1 },
    storeHost: { host: "127.0.0.1", port: 2 },
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    queueOffset: 9,
    commitLogOffset: 500,
    storeTimestamp: 2000,
    ...overrides,
  };
  const out = new Uint8Array(storedRecordSize(msg));
  encodeStoredMessage(msg, out, 0);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

Deno.test("decodeStoredMessage() throws DecodeError when the record is broken", () => {
  const good = record();
  const view = (bytes: Uint8Array) => new DataView(bytes.buffer);
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["truncated", good.subarray(0, good.length - 1)],
    [
      "bad magic",
      (() => {
        const b = good.slice();
        view(b).setInt32(4, 1);
        return b;
      })(),
    ],
    [
      "size too big",
      (() => {
        const b = good.slice();
        view(b).setInt32(0, good.length + 1);
        return b;
      })(),
    ],
    [
      "size too small",
      (() => {
        const b = good.slice();
        view(b).setInt32(0, good.length - 1);
        return b;
      })(),
    ],
    [
      "negative body length",
      (() => {
        const b = good.slice();
        view(b).setInt32(84, -1);
        return b;
      })(),
    ],
    [
      "body past end",
      (() => {
        const b = good.slice();
        view(b).setInt32(84, 9999);
        return b;
      })(),
    ],
    [
      "blank",
      (() => {
        const b = new Uint8Array(100);
        encodeBlankRecord(b, 0, 100);
        return b;
      })(),
    ],
  ];
  for (const [name, bytes] of cases) {
    assert.throws(() => decodeStoredMessage(bytes), DecodeError, name);
  }
  assert.throws(() => decodeStoredMessage(good, -1), DecodeError);
  assert.throws(() => decodeStoredMessage(good, 1.5), DecodeError);
});

Deno.test("decodeStoredMessages() reads records back to back and rejects trailing garbage", () => {
  const body = concat(record({ queueOffset: 1 }), record({ queueOffset: 2, topic: "Other" }));
  const messages = decodeStoredMessages(body);
  assert.deepEqual(messages.map((m) => [m.queueOffset, m.topic]), [[1, "T"], [2, "Other"]]);
  assert.deepEqual(decodeStoredMessages(new Uint8Array(0)), []);
  assert.throws(() => decodeStoredMessages(concat(body, Uint8Array.of(0, 0, 0))), DecodeError);
});

Deno.test("decodeStoredMessage() skips the body when readBody is false", () => {
  const { message, size } = decodeStoredMessage(record(), 0, { readBody: false });
  assert.equal(message.body.length, 0);
  assert.equal(size, record().length);
  assert.equal(message.properties.get("TAGS"), "A");
});

Deno.test("decodeStoredMessage() inflates a zlib body only when asked", () => {
  const plain = new TextEncoder().encode("x".repeat(5000));
  const bytes = record({ body: compressBody(plain), sysFlag: MessageSysFlag.COMPRESSED_FLAG });
  assert.deepEqual(decodeStoredMessage(bytes, 0, { uncompress: true }).message.body, plain);
  assert.ok(decodeStoredMessage(bytes).message.body.length < 100);
  const zlibType = record({ body: compressBody(plain), sysFlag: 0x301 });
  assert.deepEqual(decodeStoredMessage(zlibType, 0, { uncompress: true }).message.body, plain);
  const lz4 = record({ body: compressBody(plain), sysFlag: 0x101 });
  assert.throws(() => decodeStoredMessage(lz4, 0, { uncompress: true }), DecodeError);
  const corrupt = record({ body: Uint8Array.of(1, 2, 3), sysFlag: 1 });
  assert.throws(() => decodeStoredMessage(corrupt, 0, { uncompress: true }), DecodeError);
});

Deno.test("readRecordSummary() gives positions and fields without copying the body", () => {
  const first = record();
  const bytes = concat(first, record({ body: Uint8Array.of(9, 9), queueOffset: 10 }));
  const summary = readRecordSummary(bytes, first.length);
  assert.ok(typeof summary === "object");
  assert.equal(summary.totalSize, bytes.length - first.length);
  assert.equal(summary.queueOffset, 10);
  assert.equal(summary.physicalOffset, 500);
  assert.equal(summary.storeTimestamp, 2000);
  assert.equal(summary.topic, "T");
  assert.equal(summary.properties, encodeProperties({ TAGS: "A", KEYS: "k" }));
  assert.deepEqual(
    [...bytes.subarray(summary.bodyOffset, summary.bodyOffset + summary.bodyLength)],
    [9, 9],
  );
  assert.ok(verifyBodyCrc(bytes, summary));
});

Deno.test("readRecordSummary() says invalid for zeros, truncation and a CRC mismatch when checked", () => {
  assert.equal(readRecordSummary(new Uint8Array(200), 0), "invalid");
  assert.equal(readRecordSummary(record().subarray(0, 50), 0), "invalid");
  assert.equal(readRecordSummary(record(), 10_000), "invalid");
  const damaged = record();
  damaged[90] = damaged[90]! ^ 0xff; // inside the body
  assert.ok(typeof readRecordSummary(damaged, 0) === "object");
  assert.equal(readRecordSummary(damaged, 0, { checkCrc: true }), "invalid");
  assert.ok(typeof readRecordSummary(record(), 0, { checkCrc: true }) === "object");
});

function expectOnlyDecodeError(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof DecodeError, `unexpected ${String(error)}`);
  }
}

Deno.test("decodeStoredMessages() throws only DecodeError for random bytes", () => {
  const seed = propertySeed("stored message random bytes");
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(400), (bytes, at) => {
      expectOnlyDecodeError(() => decodeStoredMessages(bytes, { uncompress: true }));
      expectOnlyDecodeError(() => decodeStoredMessage(bytes, at));
      const summary = readRecordSummary(bytes, at, { checkCrc: true });
      assert.ok(summary === "blank" || summary === "invalid" || typeof summary === "object");
    }),
    { seed, numRuns: 2000 },
  );
});

Deno.test("decodeStoredMessage() throws only DecodeError for mutated valid records", () => {
  const seed = propertySeed("stored message mutations");
  const base = concat(record({ sysFlag: 1, body: compressBody(new Uint8Array(64)) }), record());
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }),
      fc.nat(base.length),
      (edits, cut) => {
        const bytes = base.slice(0, cut === 0 ? base.length : cut);
        for (const [pos, value] of edits) if (pos < bytes.length) bytes[pos] = value;
        expectOnlyDecodeError(() => decodeStoredMessages(bytes, { uncompress: true }));
        const summary = readRecordSummary(bytes, 0, { checkCrc: true });
        assert.ok(summary === "blank" || summary === "invalid" || typeof summary === "object");
      },
    ),
    { seed, numRuns: 2000 },
  );
});
