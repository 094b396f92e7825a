/**
 * Goal: the per-second window averages only the whole seconds asked for and forgets slots
 * that came round again. Method: add counts at chosen times and read rates.
 */
import assert from "node:assert/strict";
import { RateWindow } from "./_rate_window.ts";

Deno.test("RateWindow averages the whole seconds before now", () => {
  const w = new RateWindow(10);
  w.add(1_000, 5);
  w.add(1_500, 5);
  w.add(2_100, 4);
  w.add(3_000, 100); // the current second: not counted yet
  assert.equal(w.rate(3_200, 2), 7);
  assert.equal(w.rate(3_200, 1), 4);
  // 12 s later every slot has come round: nothing of the old counts is left.
  assert.equal(w.rate(15_000, 9), 0);
});
