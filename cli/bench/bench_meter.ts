/**
 * Counts one benchmark run: send round trips (RT) and failures, deliveries
 * and their send-to-delivery latency, per one-second window and in total.
 * Pure: the caller passes times in; `tick` gives the line of each second and
 * `summary` the totals (`BenchSummary`, the `--json` document).
 *
 * Runs on: any
 * @module
 */
import { LatencyHistogram } from "./latency_histogram.ts";

/** One second of a run. */
export interface WindowLine {
  /** Seconds since the start, at the end of this window. */
  second: number;
  /** Acknowledged sends per second in this window. */
  sendTps: number;
  /** Mean and max send RT in this window, ms. */
  rtMeanMs: number;
  rtMaxMs: number;
  /** Failed sends in this window. */
  failures: number;
  /** Deliveries per second in this window. */
  deliveryTps: number;
  /** Mean and max send-to-delivery latency in this window, ms. */
  latencyMeanMs: number;
  latencyMaxMs: number;
}

/** Percentiles in milliseconds. */
export interface LatencyStats {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** Totals of one side of a run. */
export interface SideTotals {
  /** Acknowledged sends, or deliveries. */
  messages: number;
  /** Messages per second over the side's active time. */
  tps: number;
  /** Body MiB per second over the same time. */
  mibPerSec: number;
  /** Seconds from the first to the last event of this side (the whole run when none). */
  activeSec: number;
  latency: LatencyStats;
}

/** Totals of a run, before the caller adds context (mode, broker, flush mode). */
export interface MeterTotals {
  elapsedSec: number;
  send: SideTotals;
  /** Failed sends (errors, timeouts, non-OK statuses). */
  sendFailures: number;
  delivery: SideTotals;
}

function stats(histogram: LatencyHistogram): LatencyStats {
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: histogram.count,
    meanMs: ms(histogram.meanUs),
    p50Ms: ms(histogram.percentileUs(0.5)),
    p99Ms: ms(histogram.percentileUs(0.99)),
    p999Ms: ms(histogram.percentileUs(0.999)),
    maxMs: ms(histogram.maxUs),
  };
}

class Side {
  readonly total = new LatencyHistogram();
  windowCount = 0;
  windowSumUs = 0;
  windowMaxUs = 0;
  firstMs: number | undefined;
  lastMs: number | undefined;

  record(latencyUs: number, nowMs: number): void {
    this.total.record(latencyUs);
    this.windowCount++;
    this.windowSumUs += latencyUs;
    if (latencyUs > this.windowMaxUs) this.windowMaxUs = latencyUs;
    this.firstMs ??= nowMs;
    this.lastMs = nowMs;
  }

  closeWindow(): { count: number; meanMs: number; maxMs: number } {
    const result = {
      count: this.windowCount,
      meanMs: this.windowCount === 0 ? 0 : this.windowSumUs / this.windowCount / 1000,
      maxMs: this.windowMaxUs / 1000,
    };
    this.windowCount = 0;
    this.windowSumUs = 0;
    this.windowMaxUs = 0;
    return result;
  }

  totals(bodyBytes: number, startMs: number, nowMs: number): SideTotals {
    const span = this.firstMs !== undefined && this.lastMs !== undefined &&
        this.lastMs > this.firstMs && this.total.count > 1
      ? this.lastMs - this.firstMs
      : nowMs - startMs;
    const activeSec = Math.max(span, 1e-3) / 1000;
    const tps = this.total.count / activeSec;
    return {
      messages: this.total.count,
      tps: Math.round(tps),
      mibPerSec: Math.round((tps * bodyBytes) / (1024 * 1024) * 100) / 100,
      activeSec: Math.round(activeSec * 1000) / 1000,
      latency: stats(this.total),
    };
  }
}

/** The counters of one run. */
export class BenchMeter {
  readonly #startMs: number;
  readonly #bodyBytes: number;
  readonly #send = new Side();
  readonly #delivery = new Side();
  #failures = 0;
  #windowFailures = 0;
  #windowStartMs: number;

  /** A meter for a run that started at `startMs` with bodies of `bodyBytes`. */
  constructor(startMs: number, bodyBytes: number) {
    this.#startMs = startMs;
    this.#windowStartMs = startMs;
    this.#bodyBytes = bodyBytes;
  }

  /** An acknowledged send that took `rtUs`, finished at `nowMs`. */
  recordSend(rtUs: number, nowMs: number): void {
    this.#send.record(rtUs, nowMs);
  }

  /** A failed send. */
  recordFailure(): void {
    this.#failures++;
    this.#windowFailures++;
  }

  /** A delivered message, `latencyUs` after it was sent, received at `nowMs`. */
  recordDelivery(latencyUs: number, nowMs: number): void {
    this.#delivery.record(latencyUs, nowMs);
  }

  /** Acknowledged sends so far. */
  get sent(): number {
    return this.#send.total.count;
  }

  /** Deliveries so far. */
  get delivered(): number {
    return this.#delivery.total.count;
  }

  /** Failed sends so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Closes the current window at `nowMs` and describes it. */
  tick(nowMs: number): WindowLine {
    const seconds = Math.max(nowMs - this.#windowStartMs, 1e-3) / 1000;
    this.#windowStartMs = nowMs;
    const send = this.#send.closeWindow();
    const delivery = this.#delivery.closeWindow();
    const failures = this.#windowFailures;
    this.#windowFailures = 0;
    const round = (value: number) => Math.round(value * 1000) / 1000;
    return {
      second: Math.round((nowMs - this.#startMs) / 1000),
      sendTps: Math.round(send.count / seconds),
      rtMeanMs: round(send.meanMs),
      rtMaxMs: round(send.maxMs),
      failures,
      deliveryTps: Math.round(delivery.count / seconds),
      latencyMeanMs: round(delivery.meanMs),
      latencyMaxMs: round(delivery.maxMs),
    };
  }

  /** Totals at `nowMs`. */
  totals(nowMs: number): MeterTotals {
    return {
      elapsedSec: Math.round(nowMs - this.#startMs) / 1000,
      send: this.#send.totals(this.#bodyBytes, this.#startMs, nowMs),
      sendFailures: this.#failures,
      delivery: this.#delivery.totals(this.#bodyBytes, this.#startMs, nowMs),
    };
  }
}
