/**
 * Runs one `producer`, `consumer` or `e2e` benchmark: prepares the topic,
 * starts the driver(s), prints a line per second, samples the broker process
 * when asked, stops at the time or count bound, and returns the summary.
 *
 * - producer: `-w` tasks each send, await the answer, and send again.
 * - consumer: deliveries are counted until `-c`, `-d` or `--idle-stop`.
 * - e2e: a consumer (new group, last offset) runs in this process; sends are
 *   paced at `--rate` (at most `-w` in flight) with a timestamp in the body;
 *   latency is delivery time minus that timestamp. A warm-up of up to 2 s
 *   waits for the first delivery before measuring.
 *
 * Runs on: main thread
 * @module
 */
import type { BenchOptions } from "./bench_args.ts";
import { BenchMeter } from "./bench_meter.ts";
import { buildSummary, formatWindowLine } from "./bench_report.ts";
import type { BenchSummary, BrokerUsage } from "./bench_report.ts";
import { prepareTarget } from "./bench_target.ts";
import type { BenchTarget } from "./bench_target.ts";
import { benchBody, epochNowMs, readStamp, stampBody } from "./body_stamp.ts";
import { clientConsumeDriver, clientSendDriver } from "./client_driver.ts";
import type { ConsumeDriver, DeliveryHandler, SendDriver } from "./client_driver.ts";
import { ProcessSampler } from "./process_sampler.ts";
import type { ProcessSample } from "./process_sampler.ts";
import { rawConsumeDriver, rawSendDriver } from "./raw_driver.ts";

/** Where per-second lines go (stderr with `--json`, so stdout holds only the document). */
export type LinePrinter = (line: string) => void;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class BrokerWatch {
  readonly #sampler: ProcessSampler | undefined;
  #before: ProcessSample | undefined;
  #maxRssKiB = 0;
  #maxAnonKiB = 0;

  constructor(sampler: ProcessSampler | undefined) {
    this.#sampler = sampler;
  }

  async begin(): Promise<void> {
    this.#before = await this.#sampler?.sample();
    this.#maxRssKiB = this.#before?.rssKiB ?? 0;
    this.#maxAnonKiB = this.#before?.rssAnonKiB ?? 0;
  }

  async poll(): Promise<void> {
    const sample = await this.#sampler?.sample().catch(() => undefined);
    if (sample === undefined) return;
    this.#maxRssKiB = Math.max(this.#maxRssKiB, sample.rssKiB);
    this.#maxAnonKiB = Math.max(this.#maxAnonKiB, sample.rssAnonKiB);
  }

  async end(messages: number): Promise<BrokerUsage | undefined> {
    if (this.#sampler === undefined || this.#before === undefined) return undefined;
    const after = await this.#sampler.sample();
    const cpuUs = after.cpuUs - this.#before.cpuUs;
    return {
      pid: this.#sampler.pid,
      cpuUs,
      cpuUsPerMessage: messages > 0 ? Math.round(cpuUs / messages * 100) / 100 : undefined,
      rssKiBBefore: this.#before.rssKiB,
      rssKiBAfter: after.rssKiB,
      rssKiBMax: Math.max(this.#maxRssKiB, after.rssKiB),
      rssAnonKiBMax: Math.max(this.#maxAnonKiB, after.rssAnonKiB),
    };
  }
}

function startTicker(
  options: BenchOptions,
  meter: () => BenchMeter,
  watch: BrokerWatch,
  print: LinePrinter,
): () => void {
  const timer = setInterval(() => {
    print(formatWindowLine(options.mode, meter().tick(performance.now())));
    void watch.poll();
  }, 1000);
  return () => clearInterval(timer);
}

function sendDriver(options: BenchOptions, target: BenchTarget): Promise<SendDriver> {
  return options.driver === "raw"
    ? Promise.resolve(rawSendDriver(options, target))
    : clientSendDriver(options);
}

function consumeDriver(
  options: BenchOptions,
  target: BenchTarget,
  onDelivery: DeliveryHandler,
): Promise<ConsumeDriver> {
  return options.driver === "raw"
    ? rawConsumeDriver(options, target, onDelivery)
    : clientConsumeDriver(options, target, onDelivery);
}

/** Sends from `options.workers` tasks until `until()` says stop; `due(i)` paces send i. */
async function sendLoop(
  driver: SendDriver,
  options: BenchOptions,
  meter: () => BenchMeter,
  control: { until: () => boolean; due?: (index: number) => number },
): Promise<number> {
  let issued = 0;
  const worker = async (seed: number) => {
    const body = benchBody(options.bodyBytes, seed);
    // Bounded by `until` (time and count), checked before each send.
    while (!control.until() && (options.count === undefined || issued < options.count)) {
      const index = issued++;
      const due = control.due?.(index);
      if (due !== undefined) {
        const wait = due - performance.now();
        if (wait > 0.5) await sleep(wait);
      }
      const started = performance.now();
      try {
        await driver.send(stampBody(body, epochNowMs()));
        const now = performance.now();
        meter().recordSend((now - started) * 1000, now);
      } catch {
        meter().recordFailure();
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(i + 1)));
  return issued;
}

async function runProducer(
  options: BenchOptions,
  target: BenchTarget,
  watch: BrokerWatch,
  print: LinePrinter,
): Promise<{ meter: BenchMeter; broker: BrokerUsage | undefined }> {
  const driver = await sendDriver(options, target);
  const start = performance.now();
  const meter = new BenchMeter(start, options.bodyBytes);
  await watch.begin();
  const stop = startTicker(options, () => meter, watch, print);
  const deadline = start + options.durationSec * 1000;
  try {
    await sendLoop(driver, options, () => meter, { until: () => performance.now() >= deadline });
  } finally {
    stop();
    await driver.close();
  }
  return { meter, broker: await watch.end(meter.sent) };
}

async function runConsumer(
  options: BenchOptions,
  target: BenchTarget,
  watch: BrokerWatch,
  print: LinePrinter,
): Promise<{ meter: BenchMeter; broker: BrokerUsage | undefined }> {
  const start = performance.now();
  const meter = new BenchMeter(start, options.bodyBytes);
  let lastDelivery = 0;
  await watch.begin();
  const driver = await consumeDriver(options, target, (body, bornMs) => {
    const now = performance.now();
    lastDelivery = now;
    meter.recordDelivery((epochNowMs() - (readStamp(body) ?? bornMs)) * 1000, now);
  });
  const stop = startTicker(options, () => meter, watch, print);
  const deadline = start + options.durationSec * 1000;
  try {
    // Bounded by the deadline: one check every 20 ms.
    while (performance.now() < deadline) {
      if (options.count !== undefined && meter.delivered >= options.count) break;
      const idle = performance.now() - lastDelivery;
      if (options.idleStopSec > 0 && meter.delivered > 0 && idle >= options.idleStopSec * 1000) {
        break;
      }
      await sleep(20);
    }
  } finally {
    stop();
    await driver.close();
  }
  return { meter, broker: await watch.end(meter.delivered) };
}

async function runE2e(
  options: BenchOptions,
  target: BenchTarget,
  watch: BrokerWatch,
  print: LinePrinter,
): Promise<{ meter: BenchMeter; broker: BrokerUsage | undefined }> {
  const e2eOptions: BenchOptions = {
    ...options,
    group: `${options.group}_e2e_${Date.now()}`,
    from: "last",
  };
  let meter = new BenchMeter(performance.now(), options.bodyBytes);
  let measureFromEpochMs = Number.POSITIVE_INFINITY;
  let warmDeliveries = 0;
  const consumer = await consumeDriver(e2eOptions, target, (body, bornMs) => {
    const stamp = readStamp(body) ?? bornMs;
    const now = performance.now();
    if (stamp >= measureFromEpochMs) meter.recordDelivery((epochNowMs() - stamp) * 1000, now);
    else warmDeliveries++;
  });
  const sender = await sendDriver(e2eOptions, target);
  try {
    await consumer.ready(Math.max(options.timeoutMs, 5000));
    const interval = 1000 / options.rate;
    const warmStart = performance.now();
    const warmEnd = warmStart + 2000;
    await sendLoop(sender, { ...e2eOptions, count: undefined }, () => meter, {
      until: () =>
        performance.now() >= warmEnd || (warmDeliveries > 0 && performance.now() > warmStart + 500),
      due: (i) => warmStart + i * interval,
    });
    const start = performance.now();
    meter = new BenchMeter(start, options.bodyBytes);
    measureFromEpochMs = epochNowMs();
    await watch.begin();
    const stop = startTicker(options, () => meter, watch, print);
    const deadline = start + options.durationSec * 1000;
    try {
      await sendLoop(sender, e2eOptions, () => meter, {
        until: () => performance.now() >= deadline,
        due: (i) => start + i * interval,
      });
      // Let the last messages arrive: at most 5 s.
      const drainEnd = performance.now() + 5000;
      while (meter.delivered < meter.sent && performance.now() < drainEnd) await sleep(10);
    } finally {
      stop();
    }
    return { meter, broker: await watch.end(meter.sent) };
  } finally {
    await sender.close();
    await consumer.close();
  }
}

/** Runs the benchmark `options` describes and returns its summary. */
export async function runBench(options: BenchOptions, print: LinePrinter): Promise<BenchSummary> {
  const sampler = options.brokerPid === undefined
    ? undefined
    : await ProcessSampler.open(options.brokerPid);
  const target = await prepareTarget(options);
  for (const warning of target.warnings) print(`warning: ${warning}`);
  const watch = new BrokerWatch(sampler);
  const run = options.mode === "producer"
    ? runProducer
    : options.mode === "consumer"
    ? runConsumer
    : runE2e;
  const { meter, broker } = await run(options, target, watch, print);
  return buildSummary({
    tool: "mqbench",
    mode: options.mode,
    driver: options.driver,
    namesrvAddr: options.namesrvAddr,
    topic: options.topic,
    bodyBytes: options.bodyBytes,
    workers: options.workers,
    rate: options.mode === "e2e" ? options.rate : undefined,
    flushMode: target.flushMode,
    flushModeSource: target.flushModeSource,
    brokerAddrs: target.brokerAddrs,
    broker,
  }, meter.totals(performance.now()));
}
