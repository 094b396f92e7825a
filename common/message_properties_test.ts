/**
 * Goal: the properties string is written and read exactly as Java does.
 * Method: byte layout, Java's tolerance rules, the captured properties, and
 * seeded checks that `findProperty` agrees with `decodeProperties`.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeProperties,
  encodeProperties,
  findProperty,
  MessageConst,
  RESERVED_PROPERTY_NAMES,
  withProperties,
} from "./message_properties.ts";
import { propertySeed } from "./_test_util.ts";

Deno.test("encodeProperties() ends every pair with 0x02 when given a map or a record", () => {
  const expected = "KEYS\u0001k1 k2\u0002TAGS\u0001TagA\u0002";
  assert.equal(encodeProperties({ KEYS: "k1 k2", TAGS: "TagA" }), expected);
  assert.equal(encodeProperties(new Map([["KEYS", "k1 k2"], ["TAGS", "TagA"]])), expected);
  assert.equal(encodeProperties({}), "");
});

Deno.test("decodeProperties() skips pieces Java skips and tolerates a missing final 0x02", () => {
  const text =
    "A\u00011\u0002\u0001x\u0002B\u0001\u0002noSep\u0002C\u0001v\u0001w\u0002ab\u0002D\u00014";
  assert.deepEqual(
    [...decodeProperties(text)],
    [["A", "1"], ["C", "v\u0001w"], ["D", "4"]],
  );
  assert.equal(decodeProperties("").size, 0);
});

Deno.test("decodeProperties() keeps the later value when a name repeats", () => {
  const map = decodeProperties("K\u0001a\u0002K\u0001b\u0002");
  assert.equal(map.get("K"), "b");
  assert.equal(findProperty("K\u0001a\u0002K\u0001b\u0002", "K"), "b");
});

Deno.test("findProperty() finds a value without matching name prefixes or suffixes", () => {
  const text = "UNIQ_KEY\u0001AB\u0002KEYS\u0001x\u0002XKEYS\u0001y\u0002KEY\u0001z\u0002";
  assert.equal(findProperty(text, "KEYS"), "x");
  assert.equal(findProperty(text, "KEY"), "z");
  assert.equal(findProperty(text, "UNIQ_KEY"), "AB");
  assert.equal(findProperty(text, "TAGS"), undefined);
  assert.equal(findProperty(text, ""), undefined);
  assert.equal(findProperty("TAGS\u0001\u0002", "TAGS"), undefined);
});

Deno.test("findProperty() agrees with decodeProperties() for random strings", () => {
  const seed = propertySeed("findProperty vs decodeProperties");
  const piece = fc.constantFrom("A", "B", "AB", "\u0001", "\u0002", "x", "");
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 30 }),
      fc.constantFrom("A", "B", "AB"),
      (parts, name) => {
        const text = parts.join("");
        assert.equal(findProperty(text, name), decodeProperties(text).get(name));
      },
    ),
    { seed, numRuns: 2000 },
  );
});

Deno.test("decodeProperties() inverts encodeProperties() for random maps", () => {
  const seed = propertySeed("properties round trip");
  const text = fc.string({ minLength: 1, maxLength: 20 }).filter((s) =>
    !s.includes("\u0001") && !s.includes("\u0002")
  );
  fc.assert(
    fc.property(fc.dictionary(text, text, { maxKeys: 10 }), (record) => {
      assert.deepEqual(Object.fromEntries(decodeProperties(encodeProperties(record))), {
        ...record,
      });
    }),
    { seed, numRuns: 500 },
  );
});

Deno.test("withProperties() sets, replaces and removes pairs", () => {
  const text = encodeProperties({ KEYS: "a", TAGS: "t" });
  const changed = withProperties(text, { TAGS: undefined, UNIQ_KEY: "X", KEYS: "b" });
  assert.deepEqual(Object.fromEntries(decodeProperties(changed)), { KEYS: "b", UNIQ_KEY: "X" });
});

Deno.test("MessageConst names the wire names Java uses", () => {
  assert.equal(MessageConst.UNIQ_KEY, "UNIQ_KEY");
  assert.equal(MessageConst.WAIT, "WAIT");
  assert.equal(MessageConst.REAL_QID, "REAL_QID");
  assert.equal(MessageConst.TRANSACTION_ID, "__transactionId__");
  assert.equal(MessageConst.FIRST_POP_TIME, "1ST_POP_TIME");
  assert.ok(RESERVED_PROPERTY_NAMES.has("CONSUME_START_TIME"));
  assert.ok(!RESERVED_PROPERTY_NAMES.has("fx_idx"));
});
