/**
 * Goal: tag subscriptions parse and match like the Java client
 * (`FilterAPI.buildSubscriptionData`, `PullAPIWrapper`) and broker
 * (`ExpressionMessageFilter.isMatchedByConsumeQueue`). Method: table checks
 * against known `String.hashCode()` values.
 */
import assert from "node:assert/strict";
import {
  isTagExpressionType,
  parseTagExpression,
  tagCodeMatches,
  tagMatches,
} from "./tag_expression.ts";
import { javaStringHashCode, tagsHashCode } from "../java_hash.ts";

Deno.test("parseTagExpression() subscribes to all when the expression is *, empty or absent", () => {
  for (const text of ["*", "", undefined]) {
    assert.deepEqual(parseTagExpression(text), { all: true, tags: [], codes: [] });
  }
});

Deno.test("parseTagExpression() trims parts, drops empty ones and removes duplicates", () => {
  const parsed = parseTagExpression(" TagA ||TagB|| ||TagA||\tTagC\u0000");
  assert.equal(parsed.all, false);
  assert.deepEqual(parsed.tags, ["TagA", "TagB", "TagC"]);
  assert.deepEqual(parsed.codes, [2598919, 2598920, 2598921]);
});

Deno.test("parseTagExpression() keeps a lone | inside a tag and treats * with others as a tag", () => {
  assert.deepEqual(parseTagExpression("a|b ||| c").tags, ["a|b", "| c"]);
  assert.deepEqual(parseTagExpression("TagA || *").tags, ["TagA", "*"]);
  assert.equal(parseTagExpression(" * ").all, false);
});

Deno.test("parseTagExpression() gives no tags and all false when the expression is blank", () => {
  const blank = parseTagExpression("   ");
  assert.deepEqual(blank, { all: false, tags: [], codes: [] });
  assert.equal(tagCodeMatches(blank, tagsHashCode("TagA")), false);
  assert.equal(tagMatches(blank, "TagA"), true);
});

Deno.test("parseTagExpression() keeps one code when two tags collide", () => {
  assert.equal(javaStringHashCode("Aa"), javaStringHashCode("BB"));
  const parsed = parseTagExpression("Aa || BB");
  assert.deepEqual(parsed.tags, ["Aa", "BB"]);
  assert.deepEqual(parsed.codes, [javaStringHashCode("Aa")]);
});

Deno.test("tagMatches() needs an exact tag unless the subscription is all", () => {
  const sub = parseTagExpression("TagA || TagB");
  assert.equal(tagMatches(sub, "TagB"), true);
  assert.equal(tagMatches(sub, "tagb"), false);
  assert.equal(tagMatches(sub, undefined), false);
  assert.equal(tagMatches(parseTagExpression("*"), undefined), true);
});

Deno.test("tagCodeMatches() compares the low 32 bits of the tags code", () => {
  const sub = parseTagExpression("TagA || Aa");
  assert.equal(tagCodeMatches(sub, tagsHashCode("TagA")), true);
  assert.equal(tagCodeMatches(sub, tagsHashCode("BB")), true, "a collision passes on the broker");
  assert.equal(tagMatches(sub, "BB"), false, "and is dropped on the client");
  assert.equal(tagCodeMatches(sub, 2598919 + 2 ** 32), true);
  assert.equal(tagCodeMatches(sub, 0), false);
  assert.equal(tagCodeMatches(parseTagExpression("*"), 12345), true);
});

Deno.test("isTagExpressionType() is true for TAG, empty and absent types only", () => {
  assert.equal(isTagExpressionType(undefined), true);
  assert.equal(isTagExpressionType(""), true);
  assert.equal(isTagExpressionType("TAG"), true);
  assert.equal(isTagExpressionType("SQL92"), false);
  assert.equal(isTagExpressionType("tag"), false);
});
