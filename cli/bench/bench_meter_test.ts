/**
 * Tests of `BenchMeter`: per-second windows and totals from known events.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { BenchMeter } from "./bench_meter.ts";

Deno.test("BenchMeter.tick() reports the window's TPS, RT and failures, then starts a new window", () => {
  const meter = new BenchMeter(0, 1024);
  for (let i = 0; i < 100; i++) meter.recordSend(i < 99 ? 1000 : 5000, 10 + i);
  meter.recordFailure();
  const first = meter.tick(1000);
  assert.equal(first.second, 1);
  assert.equal(first.sendTps, 100);
  assert.equal(first.rtMeanMs, 1.04);
  assert.equal(first.rtMaxMs, 5);
  assert.equal(first.failures, 1);
  assert.equal(first.deliveryTps, 0);
  const second = meter.tick(1500);
  assert.equal(second.sendTps, 0);
  assert.equal(second.failures, 0);
  assert.equal(second.rtMaxMs, 0);
});

Deno.test("BenchMeter.totals() gives throughput, MiB/s and percentiles when sends were counted", () => {
  const meter = new BenchMeter(0, 1024 * 1024);
  // 1001 sends from t=0 to t=1000 ms: 1000 of 2 ms and one of 100 ms.
  for (let i = 0; i <= 1000; i++) meter.recordSend(i === 500 ? 100_000 : 2000, i);
  meter.recordFailure();
  const totals = meter.totals(2000);
  assert.equal(totals.elapsedSec, 2);
  assert.equal(totals.send.messages, 1001);
  assert.equal(totals.send.activeSec, 1);
  assert.equal(totals.send.tps, 1001);
  assert.equal(totals.send.mibPerSec, 1001);
  // Percentiles are bucket upper edges: at most 1/128 above the true value.
  assert.ok(totals.send.latency.p50Ms >= 2 && totals.send.latency.p50Ms <= 2.016);
  assert.ok(totals.send.latency.p99Ms >= 2 && totals.send.latency.p99Ms <= 2.016);
  assert.ok(totals.send.latency.p999Ms <= 2.016); // rank 1000 of 1001 is still 2 ms
  assert.equal(totals.send.latency.maxMs, 100);
  assert.equal(totals.sendFailures, 1);
  assert.equal(meter.sent, 1001);
  assert.equal(meter.failures, 1);
});

Deno.test("BenchMeter.totals() counts deliveries apart from sends when both happen", () => {
  const meter = new BenchMeter(100, 1024);
  meter.recordSend(300, 150);
  for (let i = 0; i < 10; i++) meter.recordDelivery(400 + i * 100, 200 + i * 100);
  const line = meter.tick(1100);
  assert.equal(line.deliveryTps, 10);
  assert.equal(line.latencyMaxMs, 1.3);
  const totals = meter.totals(1100);
  assert.equal(totals.delivery.messages, 10);
  assert.equal(totals.delivery.activeSec, 0.9);
  assert.equal(totals.delivery.tps, 11);
  assert.ok(totals.delivery.latency.p50Ms >= 0.8 && totals.delivery.latency.p50Ms <= 0.807);
  assert.equal(totals.delivery.latency.maxMs, 1.3);
  assert.equal(meter.delivered, 10);
  // One send only: its rate is taken over the whole run.
  assert.equal(totals.send.activeSec, 1);
  assert.equal(totals.send.tps, 1);
});
