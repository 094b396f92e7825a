/** Goal: resetOffsetByTime accepts Java's time forms. Method: parse each form. */
import assert from "node:assert/strict";
import { UsageError } from "../exit_codes.ts";
import { parseResetTime } from "./reset_offset_by_time.ts";

Deno.test("parseResetTime() reads now, milliseconds and yyyy-MM-dd#HH:mm:ss:SSS", () => {
  assert.equal(parseResetTime("now", 42), 42);
  assert.equal(parseResetTime("1700000000000", 0), 1700000000000);
  assert.equal(
    parseResetTime("2026-01-02#03:04:05:006", 0),
    new Date(2026, 0, 2, 3, 4, 5, 6).getTime(),
  );
});

Deno.test("parseResetTime() throws UsageError on other text", () => {
  assert.throws(() => parseResetTime("yesterday", 0), UsageError);
});
