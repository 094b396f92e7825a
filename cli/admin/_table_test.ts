/** Goal: tables line up like Java's mqadmin output. Method: format known rows. */
import assert from "node:assert/strict";
import { formatKeyValues, formatTable, formatTime } from "./_table.ts";

Deno.test("formatTable() pads columns and prefixes headers with #", () => {
  const text = formatTable(["Topic", "QID"], [["TopicA", 0], ["B", 12]]);
  assert.equal(text, "#Topic  #QID\nTopicA  0\nB       12");
});

Deno.test("formatKeyValues() aligns keys", () => {
  assert.equal(formatKeyValues([["a", 1], ["bbb", "x"]]), "a    : 1\nbbb  : x");
});

Deno.test("formatTime() prints - for zero and a UTC time otherwise", () => {
  assert.equal(formatTime(0), "-");
  assert.equal(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), "2026-01-02 03:04:05,006");
});
