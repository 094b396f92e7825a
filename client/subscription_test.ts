/**
 * Subscription building (Java FilterAPI rules) and the client tag re-check.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { buildSubscriptionData, matchesSubscription } from "./subscription.ts";

Deno.test("buildSubscriptionData() treats empty and * as all tags", () => {
  for (const expr of [undefined, "", " * ", "*"]) {
    const sub = buildSubscriptionData("T", expr, 5);
    assert.equal(sub.subString, "*");
    assert.deepEqual(sub.tagsSet, []);
    assert.deepEqual(sub.codeSet, []);
    assert.equal(sub.subVersion, 5);
  }
});

Deno.test("buildSubscriptionData() splits on || and hashes each tag as Java String.hashCode", () => {
  const sub = buildSubscriptionData("T", "TagA || TagB ||  || TagA", 1);
  assert.deepEqual(sub.tagsSet, ["TagA", "TagB"]);
  assert.deepEqual(sub.codeSet, [2598919, 2598920]);
});

Deno.test("matchesSubscription() keeps exact tags only and passes everything for *", () => {
  const sub = buildSubscriptionData("T", "TagA||TagB", 1);
  assert.equal(matchesSubscription(sub, "TagA"), true);
  assert.equal(matchesSubscription(sub, "TagC"), false);
  assert.equal(matchesSubscription(sub, undefined), false);
  assert.equal(matchesSubscription(buildSubscriptionData("T", "*", 1), undefined), true);
});
