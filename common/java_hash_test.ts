/**
 * Goal: `javaStringHashCode` is bit-identical to Java `String.hashCode()`.
 * Method: known values (including Java's famous `Integer.MIN_VALUE` string),
 * non-ASCII text and surrogate pairs, and a seeded comparison against a
 * BigInt reference of `h = 31h + c mod 2^32`.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { javaStringHashCode, tagsHashCode } from "./java_hash.ts";
import { propertySeed } from "./_test_util.ts";

Deno.test("javaStringHashCode() matches Java for known strings", () => {
  const vectors: [string, number][] = [
    ["", 0],
    ["a", 97],
    ["TagA", 2598919],
    ["TagB", 2598920],
    ["hello", 99162322],
    ["Hello World", -862545276],
    ["TagA||TagB", 1789476431],
    ["polygenelubricants", -2147483648],
  ];
  for (const [text, expected] of vectors) assert.equal(javaStringHashCode(text), expected, text);
});

Deno.test("javaStringHashCode() hashes UTF-16 code units when text is non-ASCII", () => {
  assert.equal(javaStringHashCode("héllo"), 103094734);
  assert.equal(javaStringHashCode("中文标签"), 622041809);
  // U+1F600 is the surrogate pair D83D DE00: 0xD83D * 31 + 0xDE00.
  assert.equal(javaStringHashCode("😀"), 1772899);
  assert.equal(javaStringHashCode("tag😀x"), -826375781);
  // A lone surrogate is a code unit like any other.
  assert.equal(javaStringHashCode("\ud83d"), 0xd83d);
});

Deno.test("javaStringHashCode() equals a BigInt reference for random strings", () => {
  const seed = propertySeed("javaStringHashCode");
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 64 }), (text) => {
      let h = 0n;
      for (let i = 0; i < text.length; i++) {
        h = (h * 31n + BigInt(text.charCodeAt(i))) & 0xffffffffn;
      }
      assert.equal(javaStringHashCode(text), Number(BigInt.asIntN(32, h)));
    }),
    { seed, numRuns: 500 },
  );
});

Deno.test("tagsHashCode() is 0 when there is no tag and hashCode otherwise", () => {
  assert.equal(tagsHashCode(undefined), 0);
  assert.equal(tagsHashCode(""), 0);
  assert.equal(tagsHashCode("TagA"), 2598919);
  assert.equal(tagsHashCode("polygenelubricants"), -2147483648);
});
