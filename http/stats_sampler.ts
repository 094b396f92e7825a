/**
 * `StatsSampler`: every `intervalMs` reads the broker's counters and offsets (no hooks into
 * the broker) and keeps the last `samplesMax` points: broker put/get counts, per-topic sum of
 * max offsets and bytes put, per group and topic the committed offsets, lag, and messages and
 * bytes pulled. TPS are differences of two
 * points. Also measures event-loop delay with a timer that checks how late it fires.
 *
 * Runs on: main thread
 * @module
 */
import type { BrokerController } from "../broker/mod.ts";
import { getLogger } from "../common/mod.ts";
import { groupNames, groupQueues } from "./admin_views.ts";

const log = getLogger("http");

/** One sampled point. */
export interface StatsPoint {
  /** Time in ms. */
  t: number;
  putTotal: number;
  getTotal: number;
  /** Topic -> sum of max offsets. */
  topicOffsets: Record<string, number>;
  /** `group@topic` -> sum of committed offsets. */
  groupOffsets: Record<string, number>;
  /** `group@topic` -> lag. */
  groupLag: Record<string, number>;
  /** Topic -> body bytes put since start. */
  topicPutBytes: Record<string, number>;
  /** `group@topic` -> messages pulled since start. */
  groupGetCount: Record<string, number>;
  /** `group@topic` -> bytes pulled since start. */
  groupGetBytes: Record<string, number>;
}

/** Upper bounds (seconds) of the event-loop delay histogram buckets. */
export const LOOP_DELAY_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] as const;

/** Topics with more queues than this are sampled from their config only (BenchmarkTest: 1024). */
const SAMPLED_QUEUES_MAX = 256;

/** Options of `StatsSampler`. */
export interface StatsSamplerOptions {
  /** Sampling period; default 5000 ms. */
  intervalMs?: number;
  /** Points kept; default 120 (10 minutes at 5 s). */
  samplesMax?: number;
}

/** Periodic sampler of one broker's counters. */
export class StatsSampler {
  readonly #controller: BrokerController;
  readonly #intervalMs: number;
  readonly #samplesMax: number;
  readonly #points: StatsPoint[] = [];
  readonly #loopBuckets: number[] = LOOP_DELAY_BUCKETS_S.map(() => 0);
  #loopCount = 0;
  #loopSumS = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #loopTimer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<StatsPoint> | undefined;

  /** Creates the sampler; `start()` begins the timers. */
  constructor(controller: BrokerController, options: StatsSamplerOptions = {}) {
    this.#controller = controller;
    this.#intervalMs = options.intervalMs ?? 5000;
    this.#samplesMax = options.samplesMax ?? 120;
  }

  /** Starts periodic sampling and the event-loop probe. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#sampleLogged();
    this.#timer = setInterval(() => this.#sampleLogged(), this.#intervalMs);
    const probeMs = 500;
    let expected = performance.now() + probeMs;
    this.#loopTimer = setInterval(() => {
      const now = performance.now();
      this.#recordLoopDelay(Math.max(0, now - expected) / 1000);
      expected = now + probeMs;
    }, probeMs);
  }

  #sampleLogged(): void {
    this.sample().catch((error) => log.warn("Stats sample failed", { error }));
  }

  #recordLoopDelay(seconds: number): void {
    this.#loopCount++;
    this.#loopSumS += seconds;
    LOOP_DELAY_BUCKETS_S.forEach((bound, i) => {
      if (seconds <= bound) this.#loopBuckets[i] = (this.#loopBuckets[i] ?? 0) + 1;
    });
  }

  /** Takes one point now (also called by tests); waits for a point being taken first. */
  async sample(): Promise<StatsPoint> {
    for (let round = 0; round < 10 && this.#running !== undefined; round++) {
      await this.#running.catch(() => undefined);
    }
    const running = this.#take();
    this.#running = running;
    try {
      return await running;
    } finally {
      if (this.#running === running) this.#running = undefined;
    }
  }

  async #take(): Promise<StatsPoint> {
    const c = this.#controller;
    const topicOffsets: Record<string, number> = {};
    for (const config of c.topics.all()) {
      if (config.writeQueueNums > SAMPLED_QUEUES_MAX) continue;
      let sum = 0;
      for (let q = 0; q < config.writeQueueNums; q++) {
        sum += await c.store.getMaxOffset(config.topicName, q);
      }
      topicOffsets[config.topicName] = sum;
    }
    const groupOffsets: Record<string, number> = {};
    const groupLag: Record<string, number> = {};
    for (const group of groupNames(c)) {
      for (const q of await groupQueues(c, group)) {
        const key = `${group}@${q.topic}`;
        groupOffsets[key] = (groupOffsets[key] ?? 0) + q.consumerOffset;
        groupLag[key] = (groupLag[key] ?? 0) + q.lag;
      }
    }
    const topicPutBytes: Record<string, number> = {};
    for (const [topic, traffic] of c.stats.topicPuts()) topicPutBytes[topic] = traffic.bytes;
    const groupGetCount: Record<string, number> = {};
    const groupGetBytes: Record<string, number> = {};
    for (const g of c.stats.groupGets()) {
      groupGetCount[`${g.group}@${g.topic}`] = g.count;
      groupGetBytes[`${g.group}@${g.topic}`] = g.bytes;
    }
    const point: StatsPoint = {
      t: c.clock.now(),
      putTotal: c.stats.putMessageCount,
      getTotal: c.stats.getMessageCount,
      topicOffsets,
      groupOffsets,
      groupLag,
      topicPutBytes,
      groupGetCount,
      groupGetBytes,
    };
    this.#points.push(point);
    if (this.#points.length > this.#samplesMax) this.#points.shift();
    return point;
  }

  /** The kept points, oldest first. */
  points(): readonly StatsPoint[] {
    return this.#points;
  }

  /** Per second rate of `pick` between the last two points (0 with fewer than two). */
  rate(pick: (p: StatsPoint) => number | undefined): number {
    const last = this.#points.at(-1);
    const prev = this.#points.at(-2);
    if (last === undefined || prev === undefined || last.t <= prev.t) return 0;
    // Absent in the older point (a topic or group new since then) counts from 0.
    const a = pick(prev) ?? 0;
    const b = pick(last);
    if (b === undefined) return 0;
    return Math.max(0, b - a) / ((last.t - prev.t) / 1000);
  }

  /** Event-loop delay histogram: cumulative bucket counts, count and sum in seconds. */
  loopDelay(): { buckets: readonly number[]; count: number; sumS: number } {
    return { buckets: [...this.#loopBuckets], count: this.#loopCount, sumS: this.#loopSumS };
  }

  /** Stops the timers. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#loopTimer !== undefined) clearInterval(this.#loopTimer);
    this.#timer = undefined;
    this.#loopTimer = undefined;
  }
}
