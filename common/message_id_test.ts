/**
 * Goal: offset ids and UNIQ_KEYs have Java's layout. Method: hand-built
 * bytes, the ids in the Java 4.9.4 captures (CHECK_TRANSACTION_STATE and
 * send responses), a fake clock for the UNIQ_KEY time and counter fields.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { ManualClock } from "./clock.ts";
import { DecodeError } from "./errors.ts";
import {
  bytesToHex,
  createOffsetMessageId,
  createUniqueId,
  decodeOffsetMessageId,
  hexToBytes,
  parseUniqueId,
  UniqueIdGenerator,
} from "./message_id.ts";
import { FIXTURES_AVAILABLE, FIXTURES_SKIP_NOTE, loadFrames } from "./_test_util.ts";

Deno.test("createOffsetMessageId() writes ip, port and offset as upper-case hex", () => {
  const id = createOffsetMessageId({ host: "127.0.0.1", port: 10911 }, 515973);
  assert.equal(id, "7F00000100002A9F000000000007DF85");
  const v6 = createOffsetMessageId({ host: "::1", port: 1 }, 2 ** 40);
  assert.equal(v6.length, 56);
  assert.equal(v6, `${"0".repeat(31)}1000000010000010000000000`);
});

Deno.test("decodeOffsetMessageId() inverts createOffsetMessageId() for IPv4 and IPv6", () => {
  for (const address of [{ host: "10.0.0.7", port: 10911 }, { host: "fe80::1", port: 65535 }]) {
    for (const offset of [0, 1, 0x7fffffff, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      assert.deepEqual(decodeOffsetMessageId(createOffsetMessageId(address, offset)), {
        address,
        offset,
      });
    }
  }
  assert.deepEqual(decodeOffsetMessageId("7f00000100002a9f000000000007df85").offset, 515973);
});

Deno.test("decodeOffsetMessageId() throws DecodeError when the id is malformed", () => {
  for (
    const bad of [
      "",
      "7F00000100002A9F",
      "ZZ00000100002A9F000000000007DF85",
      "7F00000100002A9FFFFFFFFFFFFFFFFF",
    ]
  ) {
    assert.throws(() => decodeOffsetMessageId(bad), DecodeError, bad);
  }
});

Deno.test("hexToBytes() inverts bytesToHex() and rejects odd or non-hex text", () => {
  assert.equal(bytesToHex(Uint8Array.of(0, 0xab, 0xff)), "00ABFF");
  assert.deepEqual(hexToBytes("00abFF"), Uint8Array.of(0, 0xab, 0xff));
  assert.throws(() => hexToBytes("abc"), DecodeError);
  assert.throws(() => hexToBytes("zz"), DecodeError);
});

Deno.test({
  name: `decodeOffsetMessageId() reads the ids a Java broker made${FIXTURES_SKIP_NOTE}`,
  ignore: !FIXTURES_AVAILABLE,
  fn() {
    let checked = 0;
    for (const frame of loadFrames()) {
      const offsetMsgId = frame.extFields?.["offsetMsgId"];
      if (frame.codeName === "CHECK_TRANSACTION_STATE" && offsetMsgId !== undefined) {
        const decoded = decodeOffsetMessageId(offsetMsgId);
        assert.equal(String(decoded.offset), frame.extFields?.["commitLogOffset"]);
        assert.deepEqual(decoded.address, { host: "127.0.0.1", port: 10911 });
        assert.equal(createOffsetMessageId(decoded.address, decoded.offset), offsetMsgId);
        checked++;
      }
    }
    assert.ok(checked > 10, `only ${checked} ids checked`);
  },
});

Deno.test("UniqueIdGenerator.next() lays out ip, pid, hash, month time and counter", () => {
  const start = new Date(2026, 10, 1).getTime(); // local start of November, as Java's Calendar
  const clock = new ManualClock(start + 2_100_100_860);
  const generator = new UniqueIdGenerator({
    ip: "127.0.0.1",
    pid: 0x10d79,
    classLoaderHash: 0x5ffd2b27,
    clock,
  });
  assert.equal(generator.next(), "7F0000010D795FFD2B277D2CFEFC0000");
  clock.advance(1);
  assert.equal(generator.next(), "7F0000010D795FFD2B277D2CFEFD0001");
});

Deno.test("UniqueIdGenerator.next() wraps the counter at 16 bits and restarts time each month", () => {
  const clock = new ManualClock(new Date(2026, 0, 31, 23, 59).getTime());
  const generator = new UniqueIdGenerator({ classLoaderHash: -1, clock });
  const first = generator.next();
  for (let i = 0; i < 65535; i++) generator.next();
  const wrapped = generator.next();
  assert.equal(wrapped.slice(-4), "0000");
  assert.equal(first.slice(20, 28), wrapped.slice(20, 28));
  clock.advance(120_000); // into February: the time field restarts near zero
  const next = generator.next();
  assert.equal(next.slice(20, 28), (60_000).toString(16).toUpperCase().padStart(8, "0"));
});

Deno.test("parseUniqueId() reads back the fields a generator wrote", () => {
  const now = new Date(2026, 10, 25, 12).getTime();
  const generator = new UniqueIdGenerator({
    ip: "10.1.2.3",
    pid: 4242,
    classLoaderHash: -123,
    clock: new ManualClock(now),
  });
  const id = generator.next();
  assert.match(id, /^[0-9A-F]{32}$/);
  assert.deepEqual(parseUniqueId(id, { now: now + 5000 }), {
    ip: "10.1.2.3",
    pid: 4242,
    classLoaderHash: -123,
    time: now,
    counter: 0,
  });
  const v6 = new UniqueIdGenerator({ ip: "::1", clock: new ManualClock(now) }).next();
  assert.equal(v6.length, 56);
  assert.equal(parseUniqueId(v6, { now }).ip, "::1");
  assert.throws(() => parseUniqueId("ABC"), DecodeError);
});

Deno.test("parseUniqueId() takes the previous month when the time would be in the future", () => {
  const made = new Date(2026, 9, 30, 8).getTime();
  const id = new UniqueIdGenerator({ clock: new ManualClock(made) }).next();
  // Read early in November, an offset of ~29 days must belong to October.
  assert.equal(parseUniqueId(id, { now: new Date(2026, 10, 2).getTime() }).time, made);
});

Deno.test({
  name: `parseUniqueId() reads the UNIQ_KEYs of Java producers${FIXTURES_SKIP_NOTE}`,
  ignore: !FIXTURES_AVAILABLE,
  fn() {
    let checked = 0;
    for (const frame of loadFrames()) {
      for (const message of frame.messages ?? []) {
        const id = message.properties["UNIQ_KEY"];
        if (id === undefined) continue;
        // Read a second after storing: with "now" equal to the id's own time Java (and we)
        // would pick the previous month, as getNearlyTimeFromID compares with >=.
        const info = parseUniqueId(id, { now: message.storeTimestamp + 1000 });
        assert.equal(info.ip, "127.0.0.1");
        // Java takes the month start in its local zone; the capture machine ran in UTC.
        const skew = new Date(message.bornTimestamp).getTimezoneOffset() * 60_000;
        assert.ok(Math.abs(info.time - skew - message.bornTimestamp) < 60_000 * 60, id);
        checked++;
      }
    }
    assert.ok(checked > 100, `only ${checked} ids checked`);
  },
});

Deno.test("createUniqueId() gives distinct 32-char hex ids", () => {
  const ids = new Set(Array.from({ length: 100 }, () => createUniqueId()));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.match(id, /^[0-9A-F]{32}$/);
});

Deno.test("createOffsetMessageId() writes offsets up to 2^53 - 1 as a big-endian int64", () => {
  for (const offset of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
    const id = createOffsetMessageId({ host: "127.0.0.1", port: 10911 }, offset);
    assert.equal(id.slice(16), BigInt(offset).toString(16).toUpperCase().padStart(16, "0"));
  }
});

Deno.test("createOffsetMessageId() follows a change of store host (the host hex is cached)", () => {
  const a = { host: "10.0.0.7", port: 10911 };
  const b = { host: "10.0.0.7", port: 10921 };
  for (const host of [a, b, a, { ...b }]) {
    assert.deepEqual(decodeOffsetMessageId(createOffsetMessageId(host, 77)), {
      address: host,
      offset: 77,
    });
  }
});
