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
/** Seconds of per-group pull history (Java's `consumeTps` is a one-minute rate). */
const GROUP_WINDOW_S = 61;

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
  readonly #putRate = new RateWindow(BROKER_WINDOW_S);
  readonly #getRate = new RateWindow(BROKER_WINDOW_S);
  readonly #now: () => number;
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
    this.#putRate.add(this.#now(), count);
    add(this.#topicPut, topic, count, bytes);
  }

  /** A pull of `group` returned `count` records of `bytes` bytes from `topic`. */
  recordGet(group: string, topic: string, count: number, bytes: number): void {
    this.getMessageCount += count;
    const key = `${group}\u0000${topic}`;
    add(this.#groupGet, key, count, bytes);
    const now = this.#now();
    this.#getRate.add(now, count);
    let rate = this.#groupRate.get(key);
    if (rate === undefined && this.#groupRate.size < KEYS_MAX) {
      rate = new RateWindow(GROUP_WINDOW_S);
      this.#groupRate.set(key, rate);
    }
    rate?.add(now, count);
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

  /** SEND request latency. */
  sendLatency(): LatencySnapshot {
    return this.#sendLatency.snapshot();
  }

  /** PULL request latency. */
  pullLatency(): LatencySnapshot {
    return this.#pullLatency.snapshot();
  }
}
