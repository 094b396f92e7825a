/**
 * `deno task mqbench`: the benchmark tool, in the spirit of RocketMQ's
 * `benchmark/producer.sh` and `consumer.sh`.
 *
 * ```
 * deno task mqbench producer -n 127.0.0.1:9876 -t BenchTopic -s 1024 -w 64 -d 30
 * deno task mqbench consumer -n 127.0.0.1:9876 -t BenchTopic -c 1000000 --group drain1
 * deno task mqbench e2e      -n 127.0.0.1:9876 -t E2E --rate 5000 -d 20 --json
 * deno task mqbench startup  --port 10911 -- deno run -A broker/main.ts -c broker.properties
 * ```
 *
 * Prints a line per second (TPS, average and max RT, failures) and a summary
 * (TPS, MiB/s, RT p50/p99/p999/max, send failures; for e2e the
 * send-to-delivery latency), or with `--json` the summary as one JSON document
 * on stdout (per-second lines then go to stderr). Exit codes: 0 done, 1 the
 * run failed (nothing listening, no route, ...), 2 bad command line.
 *
 * Runs on: main thread
 * @module
 */
import { BENCH_USAGE, parseBenchArgs } from "./bench/bench_args.ts";
import { formatSummary } from "./bench/bench_report.ts";
import { runBench } from "./bench/bench_runner.ts";
import { formatStartup, runStartup } from "./bench/startup_bench.ts";

const encoder = new TextEncoder();

function writeSync(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  for (let round = 0; offset < bytes.length && round < 10_000; round++) {
    offset += stream.writeSync(bytes.subarray(offset));
  }
}

/** The message of `error` and, when it adds something, of its deepest cause. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let root: unknown = error;
  for (let depth = 0; depth < 10 && root instanceof Error && root.cause !== undefined; depth++) {
    root = root.cause;
  }
  const detail = root instanceof Error ? root.message : String(root);
  return error.message.includes(detail) ? error.message : `${error.message} (${detail})`;
}

/** Runs `mqbench` with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const parsed = parseBenchArgs(args);
  if (parsed.kind === "help") {
    writeSync(Deno.stdout, BENCH_USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    writeSync(Deno.stderr, `mqbench: ${parsed.message}\n${BENCH_USAGE}`);
    return 2;
  }
  const options = parsed.options;
  const lines = options.json ? Deno.stderr : Deno.stdout;
  try {
    if (options.mode === "startup") {
      const summary = await runStartup(options);
      writeSync(
        Deno.stdout,
        options.json ? `${JSON.stringify(summary)}\n` : formatStartup(summary),
      );
      return summary.startupMs === undefined ? 1 : 0;
    }
    const summary = await runBench(options, (line) => writeSync(lines, `${line}\n`));
    writeSync(
      Deno.stdout,
      options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary),
    );
    return 0;
  } catch (error) {
    writeSync(Deno.stderr, `mqbench: ${describe(error)}\n`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
