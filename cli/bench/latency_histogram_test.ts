/**
 * Tests of `LatencyHistogram`: exact small values, bounded relative error for
 * large ones (property test against a sorted array), merge, reset and bad input.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { HISTOGRAM_MAX_US, LatencyHistogram } from "./latency_histogram.ts";

function exactPercentile(sorted: number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

Deno.test("LatencyHistogram.percentileUs() is exact when values are below 256 µs", () => {
  const histogram = new LatencyHistogram();
  for (let value = 1; value <= 100; value++) histogram.record(value);
  assert.equal(histogram.count, 100);
  assert.equal(histogram.percentileUs(0.5), 50);
  assert.equal(histogram.percentileUs(0.99), 99);
  assert.equal(histogram.percentileUs(0.999), 100);
  assert.equal(histogram.percentileUs(1), 100);
  assert.equal(histogram.percentileUs(0), 1);
  assert.equal(histogram.minUs, 1);
  assert.equal(histogram.maxUs, 100);
  assert.equal(histogram.meanUs, 50.5);
});

Deno.test("LatencyHistogram.percentileUs() returns 0 when empty", () => {
  const histogram = new LatencyHistogram();
  assert.equal(histogram.percentileUs(0.5), 0);
  assert.equal(histogram.meanUs, 0);
  assert.equal(histogram.minUs, 0);
  assert.equal(histogram.maxUs, 0);
});

Deno.test("LatencyHistogram.percentileUs() stays within 1/128 above the true value", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 50_000_000 }), { minLength: 1, maxLength: 300 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (values, q) => {
        const histogram = new LatencyHistogram();
        for (const value of values) histogram.record(value);
        const sorted = [...values].sort((a, b) => a - b);
        const exact = exactPercentile(sorted, q);
        const got = histogram.percentileUs(q);
        assert.ok(got >= exact, `p${q}: ${got} < exact ${exact}`);
        assert.ok(got <= exact * (1 + 1 / 128) + 1e-9, `p${q}: ${got} too far above ${exact}`);
        assert.equal(histogram.maxUs, sorted[sorted.length - 1]);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("LatencyHistogram.record() rounds fractions and clamps negative and huge values", () => {
  const histogram = new LatencyHistogram();
  histogram.record(-5);
  histogram.record(2.6);
  histogram.record(Number.POSITIVE_INFINITY);
  histogram.record(HISTOGRAM_MAX_US * 4);
  assert.equal(histogram.minUs, 0);
  assert.equal(histogram.percentileUs(0.5), 3);
  assert.equal(histogram.maxUs, HISTOGRAM_MAX_US);
  assert.equal(histogram.percentileUs(1), HISTOGRAM_MAX_US);
});

Deno.test("LatencyHistogram.merge() adds counts, sums and extremes when both hold values", () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 0; i < 90; i++) a.record(10);
  for (let i = 0; i < 10; i++) b.record(1000);
  a.merge(b);
  a.merge(new LatencyHistogram());
  assert.equal(a.count, 100);
  assert.equal(a.percentileUs(0.9), 10);
  assert.ok(a.percentileUs(0.95) >= 1000 && a.percentileUs(0.95) <= 1008);
  assert.equal(a.maxUs, 1000);
  assert.equal(a.minUs, 10);
  assert.equal(a.meanUs, 109);
});

Deno.test("LatencyHistogram.reset() forgets every value", () => {
  const histogram = new LatencyHistogram();
  histogram.record(500);
  histogram.reset();
  assert.equal(histogram.count, 0);
  assert.equal(histogram.percentileUs(0.99), 0);
  histogram.record(7);
  assert.equal(histogram.percentileUs(0.99), 7);
});

Deno.test("LatencyHistogram.percentileUs() throws RangeError when q is outside 0..1", () => {
  const histogram = new LatencyHistogram();
  assert.throws(() => histogram.percentileUs(1.5), RangeError);
  assert.throws(() => histogram.percentileUs(Number.NaN), RangeError);
});
