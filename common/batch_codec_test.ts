/**
 * Goal: SEND_BATCH_MESSAGE bodies are read and written as the Java producer
 * writes them. Method: the byte layout, every batch in the Java 4.9.4
 * captures decoded and re-encoded to the same bytes, broken bodies, and a
 * seeded round trip plus random-bytes fuzzing.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeBatchBody, encodeBatchBody } from "./batch_codec.ts";
import { DecodeError } from "./errors.ts";
import { decodeProperties, encodeProperties } from "./message_properties.ts";
import {
  FIXTURES_AVAILABLE,
  FIXTURES_SKIP_NOTE,
  fromBase64,
  loadFrames,
  propertySeed,
} from "./_test_util.ts";

Deno.test("encodeBatchBody() writes size, zero magic and CRC, flag, body and properties", () => {
  const body = encodeBatchBody([{ body: Uint8Array.of(1, 2, 3), flag: 5, properties: { K: "v" } }]);
  const view = new DataView(body.buffer);
  assert.equal(body.length, 22 + 3 + 4);
  assert.equal(view.getInt32(0), body.length);
  assert.equal(view.getInt32(4), 0);
  assert.equal(view.getInt32(8), 0);
  assert.equal(view.getInt32(12), 5);
  assert.equal(view.getInt32(16), 3);
  assert.deepEqual([...body.subarray(20, 23)], [1, 2, 3]);
  assert.equal(view.getInt16(23), 4);
  assert.equal(new TextDecoder().decode(body.subarray(25)), "K\u0001v\u0002");
});

Deno.test({
  name:
    `decodeBatchBody() matches every Java batch and re-encodes it byte for byte${FIXTURES_SKIP_NOTE}`,
  ignore: !FIXTURES_AVAILABLE,
  fn() {
    let checked = 0;
    for (const frame of loadFrames()) {
      if (frame.batchMessages === undefined) continue;
      const body = fromBase64(frame.body);
      const entries = decodeBatchBody(body);
      assert.equal(entries.length, frame.batchMessages.length);
      entries.forEach((entry, i) => {
        const expected = frame.batchMessages![i]!;
        assert.equal(entry.magicCode, Number(expected.magicCode));
        assert.equal(entry.bodyCRC, expected.bodyCRC);
        assert.equal(entry.flag, expected.flag);
        assert.deepEqual(entry.body, fromBase64(expected.body));
        assert.deepEqual(
          Object.fromEntries(decodeProperties(entry.properties)),
          expected.properties,
        );
        checked++;
      });
      assert.deepEqual(encodeBatchBody(entries), body);
    }
    assert.ok(checked > 50, `only ${checked} entries checked`);
  },
});

Deno.test("decodeBatchBody() throws DecodeError when an entry is broken", () => {
  const good = encodeBatchBody([{ body: Uint8Array.of(1), flag: 0, properties: "A\u0001b\u0002" }]);
  const broken = (edit: (view: DataView) => void): Uint8Array => {
    const copy = good.slice();
    edit(new DataView(copy.buffer));
    return copy;
  };
  assert.throws(() => decodeBatchBody(good.subarray(0, good.length - 1)), DecodeError);
  assert.throws(() => decodeBatchBody(broken((v) => v.setInt32(0, 99))), DecodeError);
  assert.throws(() => decodeBatchBody(broken((v) => v.setInt32(16, -1))), DecodeError);
  assert.throws(() => decodeBatchBody(broken((v) => v.setInt16(21, -5))), DecodeError);
  assert.deepEqual(decodeBatchBody(new Uint8Array(0)), []);
});

Deno.test("encodeBatchBody() throws RangeError when properties exceed 32767 bytes", () => {
  assert.throws(
    () => encodeBatchBody([{ body: new Uint8Array(0), flag: 0, properties: "x".repeat(32_768) }]),
    RangeError,
  );
});

Deno.test("decodeBatchBody() inverts encodeBatchBody() and rejects random bytes with DecodeError only", () => {
  const seed = propertySeed("batch body");
  const entry = fc.record({
    body: fc.uint8Array({ maxLength: 300 }),
    flag: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    properties: fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.string({ minLength: 1, maxLength: 8 }),
      { maxKeys: 4 },
    )
      .map((record) => encodeProperties(record)),
  });
  fc.assert(
    fc.property(
      fc.array(entry, { maxLength: 6 }),
      fc.uint8Array({ maxLength: 200 }),
      (entries, noise) => {
        const decoded = decodeBatchBody(encodeBatchBody(entries));
        assert.deepEqual(
          decoded.map(({ body, flag, properties }) => ({ body, flag, properties })),
          entries.map((e) => ({ ...e })),
        );
        try {
          decodeBatchBody(noise);
        } catch (error) {
          assert.ok(error instanceof DecodeError, String(error));
        }
      },
    ),
    { seed, numRuns: 500 },
  );
});
