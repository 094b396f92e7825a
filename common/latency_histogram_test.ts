/**
 * Goal: the latency histogram counts, sums and buckets observations the Prometheus way, and
 * shard snapshots add up. Method: record known durations and compare the snapshot.
 */
import assert from "node:assert/strict";
import { LatencyHistogram, mergeLatencySnapshots } from "./latency_histogram.ts";

Deno.test("LatencyHistogram buckets are cumulative and count every observation", () => {
  const h = new LatencyHistogram([1, 10, 100]);
  for (const ms of [0.2, 1, 5, 50, 5000, -3]) h.record(ms);
  const s = h.snapshot();
  assert.deepEqual(s.cumulative, [3, 4, 5]);
  assert.equal(s.count, 6);
  assert.equal(s.maxMs, 5000);
  assert.ok(Math.abs(s.sumMs - 5056.2) < 1e-9);
});

Deno.test("mergeLatencySnapshots adds counts and keeps the largest maximum", () => {
  const a = new LatencyHistogram([1, 10]);
  const b = new LatencyHistogram([1, 10]);
  a.record(0.5);
  b.record(7);
  b.record(20);
  const m = mergeLatencySnapshots([a.snapshot(), b.snapshot()]);
  assert.deepEqual(m.cumulative, [1, 2]);
  assert.equal(m.count, 3);
  assert.equal(m.maxMs, 20);
  assert.equal(mergeLatencySnapshots([]).count, 0);
});
