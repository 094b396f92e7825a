/**
 * `BrokerStats`: the broker's counters since start, for GET_BROKER_RUNTIME_INFO, `statsAll`
 * style views and `/metrics`: messages and bytes put per topic, messages and bytes pulled per
 * group and topic, and how long SEND and PULL requests took (histograms, ms). Handlers and the
 * dispatcher record; readers take plain snapshots.
 *
 * Runs on: main thread
 * @module
 */
import { LatencyHistogram, type LatencySnapshot } from "../common/mod.ts";
import { RateWindow } from "./_rate_window.ts";

/** Messages and bytes. */
export interface TrafficCount {
  count: number;
  bytes: number;
}

/** Pulled traffic of one group on one topic. */
export interface GroupTraffic extends TrafficCount {
  group: string;
  topic: string;
}

/** Most distinct topics or group-topic pairs counted (later ones are not broken out). */
const KEYS_MAX = 10_000;
/** Seconds of broker-wide put/get history (Java reports 10 s, 60 s and 600 s rates). */
const BROKER_WINDOW_S = 601;
/** Seconds of per-topic and per-group history (Java's `consumeTps` is a one-minute rate). */
const MINUTE_WINDOW_S = 61;

function add(map: Map<string, TrafficCount>, key: string, count: number, bytes: number): void {
  let entry = map.get(key);
  if (entry === undefined) {
    if (map.size >= KEYS_MAX) return;
    entry = { count: 0, bytes: 0 };
    map.set(key, entry);
  }
  entry.count += count;
  entry.bytes += bytes;
}

/** One minute of a stats item, as Java's `StatsSnapshot` (`avgpt`: per call). */
export interface MinuteStats {
  sum: number;
  tps: number;
  avgpt: number;
}

/** Days since the epoch in local time. */
function localDay(ms: number): number {
  const d = new Date(ms);
  return Math.floor((ms - d.getTimezoneOffset() * 60_000) / 86_400_000);
}

function windowOf(map: Map<string, RateWindow>, key: string): RateWindow | undefined {
  let window = map.get(key);
  if (window === undefined && map.size < KEYS_MAX) {
    window = new RateWindow(MINUTE_WINDOW_S);
    map.set(key, window);
  }
  return window;
}

/** See the module comment. */
export class BrokerStats {
  /** When the broker started, ms since the epoch. */
  readonly bootTimestamp: number;
  /** Messages stored since start (sends, send-backs, transaction records). */
  putMessageCount = 0;
  /** Messages returned by pulls since start. */
  getMessageCount = 0;
  /** Bytes stored by sends since start (message bodies). */
  putMessageBytes = 0;
  readonly #topicPut = new Map<string, TrafficCount>();
  /** Key: group + "\u0000" + topic. */
  readonly #groupGet = new Map<string, TrafficCount>();
  readonly #groupRate = new Map<string, RateWindow>();
  readonly #topicRate = new Map<string, RateWindow>();
  /** Pulls answered with messages since start. */
  pullFoundCount = 0;
  /** Pulls answered without messages since start. */
  pullMissCount = 0;
  readonly #putRate = new RateWindow(BROKER_WINDOW_S);
  readonly #getRate = new RateWindow(BROKER_WINDOW_S);
  readonly #foundRate = new RateWindow(BROKER_WINDOW_S);
  readonly #missRate = new RateWindow(BROKER_WINDOW_S);
  readonly #now: () => number;
  #day: number | undefined;
  #today = { put: 0, get: 0 };
  #yesterday = { put: 0, get: 0 };
  readonly #sendLatency = new LatencyHistogram();
  readonly #pullLatency = new LatencyHistogram();

  /** Creates zeroed counters; `now` (ms) places counts in time for the rates. */
  constructor(bootTimestamp: number, now: () => number = Date.now) {
    this.bootTimestamp = bootTimestamp;
    this.#now = now;
  }

  /** A send stored `count` messages of `bytes` body bytes in `topic`. */
  recordPut(topic: string, count: number, bytes: number): void {
    this.putMessageCount += count;
    this.putMessageBytes += bytes;
    const now = this.#now();
    this.#putRate.add(now, count);
    add(this.#topicPut, topic, count, bytes);
    windowOf(this.#topicRate, topic)?.add(now, count);
  }

  /** A pull of `group` returned `count` records of `bytes` bytes from `topic`. */
  recordGet(group: string, topic: string, count: number, bytes: number): void {
    this.getMessageCount += count;
    const key = `${group}\u0000${topic}`;
    add(this.#groupGet, key, count, bytes);
    const now = this.#now();
    this.#getRate.add(now, count);
    windowOf(this.#groupRate, key)?.add(now, count);
  }

  /** A pull was answered: with messages (`found`) or without. */
  recordPull(found: boolean): void {
    if (found) {
      this.pullFoundCount++;
      this.#foundRate.add(this.#now(), 1);
    } else {
      this.pullMissCount++;
      this.#missRate.add(this.#now(), 1);
    }
  }

  /** Pulls per second over the last `windowS` seconds that found messages / found none. */
  pullTps(windowS: number): { found: number; miss: number } {
    const now = this.#now();
    return { found: this.#foundRate.rate(now, windowS), miss: this.#missRate.rate(now, windowS) };
  }

  /** Messages put per second over the last `windowS` seconds (up to 600). */
  putTps(windowS: number): number {
    return this.#putRate.rate(this.#now(), windowS);
  }

  /** Messages pulled per second over the last `windowS` seconds (up to 600). */
  getTps(windowS: number): number {
    return this.#getRate.rate(this.#now(), windowS);
  }

  /** Messages `group` pulled from `topic` per second over the last minute. */
  groupGetTps(group: string, topic: string): number {
    return this.#groupRate.get(`${group}\u0000${topic}`)?.rate(this.#now(), 60) ?? 0;
  }

  /** A SEND request was answered after `ms`. */
  recordSendLatency(ms: number): void {
    this.#sendLatency.record(ms);
  }

  /** A PULL request took `ms` to process (a parked pull counts its final run, not the wait). */
  recordPullLatency(ms: number): void {
    this.#pullLatency.record(ms);
  }

  /** Put traffic per topic. */
  topicPuts(): Map<string, TrafficCount> {
    return new Map([...this.#topicPut].map(([k, v]) => [k, { ...v }]));
  }

  /** Pull traffic per group and topic. */
  groupGets(): GroupTraffic[] {
    return [...this.#groupGet].map(([key, v]) => {
      const at = key.indexOf("\u0000");
      return { group: key.slice(0, at), topic: key.slice(at + 1), ...v };
    });
  }

  /**
   * Java's VIEW_BROKER_STATS_DATA for the last minute: `TOPIC_PUT_NUMS` (key topic) or
   * `GROUP_GET_NUMS` (key `topic@group`); `undefined` for other names or unseen keys.
   */
  minuteStats(statsName: string, statsKey: string): MinuteStats | undefined {
    let window: RateWindow | undefined;
    if (statsName === "TOPIC_PUT_NUMS") window = this.#topicRate.get(statsKey);
    else if (statsName === "GROUP_GET_NUMS") {
      const at = statsKey.lastIndexOf("@");
      if (at > 0) {
        window = this.#groupRate.get(`${statsKey.slice(at + 1)}\u0000${statsKey.slice(0, at)}`);
      }
    }
    if (window === undefined) return undefined;
    const t = window.total(this.#now(), 60);
    return { sum: t.sum, tps: t.sum / t.seconds, avgpt: t.calls === 0 ? 0 : t.sum / t.calls };
  }

  /**
   * Put and get totals at the start of today and of yesterday (local midnight, as Java's
   * `msg*TotalTodayMorning` / `msg*TotalYesterdayMorning`); counts before the broker started
   * are 0. A day's mark is taken at the first read after local midnight (runtime info reads).
   */
  dayMarks(): { todayPut: number; todayGet: number; yesterdayPut: number; yesterdayGet: number } {
    const day = localDay(this.#now());
    if (this.#day === undefined) this.#day = localDay(this.bootTimestamp);
    if (day !== this.#day) {
      const gap = day - this.#day;
      this.#yesterday = gap === 1
        ? this.#today
        : { put: this.putMessageCount, get: this.getMessageCount };
      this.#today = { put: this.putMessageCount, get: this.getMessageCount };
      this.#day = day;
    }
    return {
      todayPut: this.#today.put,
      todayGet: this.#today.get,
      yesterdayPut: this.#yesterday.put,
      yesterdayGet: this.#yesterday.get,
    };
  }

  /** SEND request latency. */
  sendLatency(): LatencySnapshot {
    return this.#sendLatency.snapshot();
  }

  /** PULL request latency. */
  pullLatency(): LatencySnapshot {
    return this.#pullLatency.snapshot();
  }
}
