/**
 * What `mqbench` prints: the line of each second and the summary, as text or
 * as the `--json` document (`BenchSummary`). Pure formatting.
 *
 * Runs on: any
 * @module
 */
import type { BenchDriver, BenchMode } from "./bench_args.ts";
import type { MeterTotals, SideTotals, WindowLine } from "./bench_meter.ts";

/** The broker process as seen from /proc over the measured time. */
export interface BrokerUsage {
  pid: number;
  /** User + system CPU µs spent by the broker during the run. */
  cpuUs: number;
  /** `cpuUs` divided by the messages of the run (sends, or deliveries for `consumer`). */
  cpuUsPerMessage: number | undefined;
  rssKiBBefore: number;
  rssKiBAfter: number;
  /** Largest RSS seen by the once-per-second samples. */
  rssKiBMax: number;
  /** Largest anonymous RSS (without mapped files such as a Java commit log) seen. */
  rssAnonKiBMax: number;
}

/** The summary of one run (`--json` prints exactly this). */
export interface BenchSummary {
  tool: "mqbench";
  mode: BenchMode;
  driver: BenchDriver;
  namesrvAddr: string;
  topic: string;
  bodyBytes: number;
  workers: number;
  /** e2e target rate (msg/s); undefined for other modes. */
  rate: number | undefined;
  /** Flush mode of the broker(s), e.g. `ASYNC_FLUSH`. */
  flushMode: string;
  /** Where `flushMode` came from: asked from the broker, the flag, or neither. */
  flushModeSource: "broker" | "flag" | "unknown";
  brokerAddrs: string[];
  elapsedSec: number;
  /** Sends (producer, e2e); undefined for consumer. */
  send: SideTotals | undefined;
  sendFailures: number;
  /** Deliveries (consumer, e2e); undefined for producer. */
  delivery: SideTotals | undefined;
  broker: BrokerUsage | undefined;
}

/** Builds the summary from the run's context and the meter totals. */
export function buildSummary(
  context: Omit<BenchSummary, "elapsedSec" | "send" | "sendFailures" | "delivery">,
  totals: MeterTotals,
): BenchSummary {
  return {
    ...context,
    elapsedSec: totals.elapsedSec,
    send: context.mode === "consumer" ? undefined : totals.send,
    sendFailures: totals.sendFailures,
    delivery: context.mode === "producer" ? undefined : totals.delivery,
  };
}

function fixed(value: number, digits = 2): string {
  return value.toFixed(digits);
}

/** One text line for one second of a run. */
export function formatWindowLine(mode: BenchMode, line: WindowLine): string {
  const head = `[${String(line.second).padStart(4)}s]`;
  const send = `Send TPS: ${String(line.sendTps).padStart(7)}  Avg RT(ms): ${
    fixed(line.rtMeanMs, 3)
  }  Max RT(ms): ${fixed(line.rtMaxMs, 3)}  Send Failed: ${line.failures}`;
  const consume = `Consume TPS: ${String(line.deliveryTps).padStart(7)}  Avg latency(ms): ${
    fixed(line.latencyMeanMs, 3)
  }  Max latency(ms): ${fixed(line.latencyMaxMs, 3)}`;
  if (mode === "producer") return `${head} ${send}`;
  if (mode === "consumer") return `${head} ${consume}`;
  return `${head} ${send} | ${consume}`;
}

function sideLines(title: string, side: SideTotals, latencyName: string): string[] {
  const l = side.latency;
  return [
    `${title}: ${side.messages} messages in ${fixed(side.activeSec, 3)} s = ${side.tps} msg/s, ${
      fixed(side.mibPerSec)
    } MiB/s`,
    `  ${latencyName} (ms): mean ${fixed(l.meanMs, 3)}  p50 ${fixed(l.p50Ms, 3)}  p99 ${
      fixed(l.p99Ms, 3)
    }  p999 ${fixed(l.p999Ms, 3)}  max ${fixed(l.maxMs, 3)}`,
  ];
}

/** The text summary, several lines ending with a newline. */
export function formatSummary(summary: BenchSummary): string {
  const lines = [
    `=== mqbench ${summary.mode} summary (driver ${summary.driver}) ===`,
    `topic ${summary.topic}, body ${summary.bodyBytes} B, ${summary.workers} in flight${
      summary.rate === undefined ? "" : `, target rate ${summary.rate} msg/s`
    }, elapsed ${fixed(summary.elapsedSec, 3)} s`,
    `broker(s) ${
      summary.brokerAddrs.join(", ") || "?"
    }, flush mode ${summary.flushMode} (${summary.flushModeSource})`,
  ];
  if (summary.send !== undefined) {
    lines.push(...sideLines("Sent", summary.send, "send RT"));
    lines.push(`  send failures: ${summary.sendFailures}`);
  }
  if (summary.delivery !== undefined) {
    lines.push(...sideLines("Consumed", summary.delivery, "send-to-delivery latency"));
  }
  const broker = summary.broker;
  if (broker !== undefined) {
    const perMessage = broker.cpuUsPerMessage === undefined
      ? "n/a"
      : fixed(broker.cpuUsPerMessage, 2);
    lines.push(
      `broker pid ${broker.pid}: CPU ${fixed(broker.cpuUs / 1000, 0)} ms = ${perMessage} µs/msg, ` +
        `RSS ${fixed(broker.rssKiBBefore / 1024, 1)} -> ${
          fixed(broker.rssKiBAfter / 1024, 1)
        } MiB ` +
        `(max ${fixed(broker.rssKiBMax / 1024, 1)} MiB, anonymous max ${
          fixed(broker.rssAnonKiBMax / 1024, 1)
        } MiB)`,
    );
  }
  return `${lines.join("\n")}\n`;
}
