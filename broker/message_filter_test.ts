/**
 * Tests of tag-expression parsing and matching against Java's String.hashCode values.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { buildSubscriptionData, matchesTagsCode } from "./message_filter.ts";

Deno.test("buildSubscriptionData() splits a tag expression and hashes each tag", () => {
  const sub = buildSubscriptionData("t", " TagA || TagB ||  ", { subVersion: 7 });
  assert.deepEqual(sub.tagsSet, ["TagA", "TagB"]);
  assert.deepEqual(sub.codeSet, [2598919, 2598920]);
  assert.equal(sub.subVersion, 7);
  assert.equal(sub.subString, "TagA || TagB ||");
});

Deno.test("buildSubscriptionData() treats an empty expression as all tags", () => {
  const sub = buildSubscriptionData("t", "");
  assert.equal(sub.subString, "*");
  assert.deepEqual(sub.codeSet, []);
});

Deno.test("matchesTagsCode() accepts every tag for * and only listed tags otherwise", () => {
  const all = buildSubscriptionData("t", "*");
  const some = buildSubscriptionData("t", "TagA");
  assert.equal(matchesTagsCode(all, 12345), true);
  assert.equal(matchesTagsCode(undefined, 12345), true);
  assert.equal(matchesTagsCode(some, 2598919), true);
  assert.equal(matchesTagsCode(some, 2598920), false);
  assert.equal(matchesTagsCode(some, 0), false);
});
