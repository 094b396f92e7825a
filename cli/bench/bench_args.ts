/**
 * Command line of `mqbench` (parsed with `node:util` parseArgs): the mode,
 * then flags in the spirit of RocketMQ's `benchmark/producer.sh` and
 * `consumer.sh`. Pure: returns a value, prints nothing.
 *
 * Runs on: any
 * @module
 */
import { parseArgs } from "node:util";

/** What `mqbench` runs. */
export type BenchMode = "producer" | "consumer" | "e2e" | "startup";

/** How the broker is driven: our client (`client/mod.ts`) or hand-built frames. */
export type BenchDriver = "client" | "raw";

/** Parsed options of one run. */
export interface BenchOptions {
  mode: BenchMode;
  /** Name server address (`-n`), `host:port;host:port`. */
  namesrvAddr: string;
  /** Topic (`-t`). */
  topic: string;
  /** Body size in bytes (`-s`). */
  bodyBytes: number;
  /** In-flight requests / sending tasks (`-w`). */
  workers: number;
  /** Time bound in seconds (`-d`). */
  durationSec: number;
  /** Count bound (`-c`); undefined = only the time bound. */
  count: number | undefined;
  /** e2e send rate in messages per second (`--rate`). */
  rate: number;
  /** Consumer group (`--group`); producer group is `<group>_producer`. */
  group: string;
  /** Queues of the topic to create on every master first; 0 = do not create. */
  queues: number;
  /** Machine-readable summary on stdout instead of text. */
  json: boolean;
  /** Free text noted in the output (the broker's flush mode when it cannot be asked). */
  flushModeNote: string | undefined;
  /** Broker process to sample from /proc (CPU µs per message, RSS). */
  brokerPid: number | undefined;
  driver: BenchDriver;
  /** Consumer: start a new group at the first (default) or the last offset. */
  from: "first" | "last";
  /** Consumer: stop after this many seconds without a message once one arrived; 0 = never. */
  idleStopSec: number;
  /** Connect / request timeout in ms. */
  timeoutMs: number;
  /** startup: port to poll. */
  port: number | undefined;
  /** startup: the command to spawn (after `--`). */
  command: string[];
}

/** Result of `parseBenchArgs`. */
export type BenchArgsResult =
  | { kind: "ok"; options: BenchOptions }
  | { kind: "help" }
  | { kind: "error"; message: string };

/** Usage text. */
export const BENCH_USAGE = `usage:
  mqbench producer|consumer|e2e [-n <host:port>] [-t <topic>] [-s <bytes>] [-w <n>]
          [-d <seconds>] [-c <count>] [--rate <msg/s>] [--group <g>] [--queues <n>]
          [--driver client|raw] [--from first|last] [--idle-stop <s>] [--broker-pid <pid>]
          [--flush-mode-note <text>] [--timeout-ms <ms>] [--json]
  mqbench startup --port <port> [--json] [-d <seconds>] -- <command> [args...]
defaults: -n 127.0.0.1:9876 -t BenchTopic -s 1024 -w 64 -d 10 (300 when -c is given)
          --rate 5000 --group benchmark_consumer --queues 8 --driver client --from first
`;

const OPTIONS = {
  namesrv: { type: "string", short: "n", default: "127.0.0.1:9876" },
  topic: { type: "string", short: "t", default: "BenchTopic" },
  size: { type: "string", short: "s", default: "1024" },
  workers: { type: "string", short: "w", default: "64" },
  duration: { type: "string", short: "d" },
  count: { type: "string", short: "c" },
  rate: { type: "string", default: "5000" },
  group: { type: "string", default: "benchmark_consumer" },
  queues: { type: "string", default: "8" },
  json: { type: "boolean", default: false },
  "flush-mode-note": { type: "string" },
  "broker-pid": { type: "string" },
  driver: { type: "string", default: "client" },
  from: { type: "string", default: "first" },
  "idle-stop": { type: "string", default: "0" },
  "timeout-ms": { type: "string", default: "3000" },
  port: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

const MODES: readonly BenchMode[] = ["producer", "consumer", "e2e", "startup"];

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Invalid value "${text}" for ${name}: expected an integer ${min}..${max}`);
  }
  return value;
}

function positive(name: string, text: string, max: number): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new RangeError(`Invalid value "${text}" for ${name}: expected a number in (0, ${max}]`);
  }
  return value;
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  const found = allowed.find((value) => value === text);
  if (found === undefined) {
    throw new RangeError(`Invalid value "${text}" for ${name}: expected ${allowed.join(" or ")}`);
  }
  return found;
}

/** Parses `args` (without the program name). Never throws. */
export function parseBenchArgs(args: readonly string[]): BenchArgsResult {
  const split = args.indexOf("--");
  const own = split < 0 ? [...args] : args.slice(0, split);
  const command = split < 0 ? [] : args.slice(split + 1);
  try {
    const { values, positionals } = parseArgs({
      args: own,
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
    });
    if (values.help) return { kind: "help" };
    if (positionals.length !== 1) {
      return {
        kind: "error",
        message: `Expected one mode (${MODES.join("|")}), got ${positionals.length}`,
      };
    }
    return { kind: "ok", options: toOptions(positionals[0]!, values, command) };
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>[
  "values"
];

function toOptions(modeText: string, values: Values, command: string[]): BenchOptions {
  const mode = oneOf("mode", modeText, MODES);
  const count = values.count === undefined
    ? undefined
    : integer("-c", values.count, 1, Number.MAX_SAFE_INTEGER);
  const durationSec = values.duration === undefined
    ? (count === undefined ? 10 : 300)
    : positive("-d", values.duration, 86_400);
  const port = values.port === undefined ? undefined : integer("--port", values.port, 1, 65535);
  if (mode === "startup" && (port === undefined || command.length === 0)) {
    throw new RangeError("Mode startup needs --port <port> and a command after --");
  }
  return {
    mode,
    namesrvAddr: values.namesrv,
    topic: values.topic,
    bodyBytes: integer("-s", values.size, 16, 4 * 1024 * 1024),
    workers: integer("-w", values.workers, 1, 10_000),
    durationSec,
    count,
    rate: positive("--rate", values.rate, 10_000_000),
    group: values.group,
    queues: integer("--queues", values.queues, 0, 1024),
    json: values.json,
    flushModeNote: values["flush-mode-note"],
    brokerPid: values["broker-pid"] === undefined
      ? undefined
      : integer("--broker-pid", values["broker-pid"], 1, 2 ** 31),
    driver: oneOf("--driver", values.driver, ["client", "raw"] as const),
    from: oneOf("--from", values.from, ["first", "last"] as const),
    idleStopSec: Number(values["idle-stop"]) === 0
      ? 0
      : positive("--idle-stop", values["idle-stop"], 86_400),
    timeoutMs: integer("--timeout-ms", values["timeout-ms"], 1, 600_000),
    port,
    command,
  };
}
