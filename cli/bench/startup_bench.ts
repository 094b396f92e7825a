/**
 * `mqbench startup`: spawns a broker (or any server) command, polls
 * 127.0.0.1:<port> every 5 ms until a TCP connection is accepted, and reports
 * the time from spawn to accept; then waits 3 s and reads the idle RSS of the
 * process from /proc, and stops it (SIGTERM, 15 s, then SIGKILL).
 *
 * Runs on: main thread
 * @module
 */
import { RemotingClient } from "../../remoting/mod.ts";
import type { BenchOptions } from "./bench_args.ts";
import { ProcessSampler } from "./process_sampler.ts";

/** Result of `runStartup`. */
export interface StartupSummary {
  tool: "mqbench";
  mode: "startup";
  command: string[];
  port: number;
  /** Spawn to first accepted connection, ms; undefined when it never accepted. */
  startupMs: number | undefined;
  /** RSS 3 s after the first accept, KiB. */
  rssKiBIdle: number | undefined;
  /** Anonymous part of `rssKiBIdle`, KiB. */
  rssAnonKiBIdle: number | undefined;
  pid: number;
  exitCode: number | undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function stopChild(child: Deno.ChildProcess): Promise<number> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already exited.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), 15_000);
  });
  const first = await Promise.race([child.status, timeout]);
  clearTimeout(timer);
  if (first !== "timeout") return first.code;
  try {
    child.kill("SIGKILL");
  } catch {
    // Exited in between.
  }
  return (await child.status).code;
}

async function waitAccepting(
  port: number,
  deadline: number,
  exited: () => boolean,
): Promise<boolean> {
  const client = new RemotingClient({ connectTimeoutMs: 500 });
  try {
    // Bounded by the deadline: one attempt every 5 ms.
    while (performance.now() < deadline && !exited()) {
      try {
        await client.connection(`127.0.0.1:${port}`, { timeoutMs: 500 });
        return true;
      } catch {
        await sleep(5);
      }
    }
    return false;
  } finally {
    await client.close();
  }
}

/** Runs `options.command`, measures start-up to accepting on `options.port`, and stops it. */
export async function runStartup(options: BenchOptions): Promise<StartupSummary> {
  const port = options.port!;
  const [program, ...args] = options.command;
  const spawnedAt = performance.now();
  const child = new Deno.Command(program!, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exitCode: number | undefined;
  void child.status.then((status) => exitCode = status.code);
  let startupMs: number | undefined;
  let rssKiBIdle: number | undefined;
  let rssAnonKiBIdle: number | undefined;
  try {
    const deadline = spawnedAt + options.durationSec * 1000;
    if (await waitAccepting(port, deadline, () => exitCode !== undefined)) {
      startupMs = Math.round((performance.now() - spawnedAt) * 10) / 10;
      await sleep(3000);
      const idle = await ProcessSampler.open(child.pid).then((sampler) => sampler.sample());
      rssKiBIdle = idle.rssKiB;
      rssAnonKiBIdle = idle.rssAnonKiB;
    }
  } finally {
    exitCode = await stopChild(child);
  }
  return {
    tool: "mqbench",
    mode: "startup",
    command: options.command,
    port,
    startupMs,
    rssKiBIdle,
    rssAnonKiBIdle,
    pid: child.pid,
    exitCode,
  };
}

/** Text form of a `StartupSummary`. */
export function formatStartup(summary: StartupSummary): string {
  const accepted = summary.startupMs === undefined
    ? "never accepted a connection"
    : `accepted after ${summary.startupMs} ms`;
  const rss = summary.rssKiBIdle === undefined
    ? "n/a"
    : `${(summary.rssKiBIdle / 1024).toFixed(1)} MiB`;
  return `=== mqbench startup ===\n${
    summary.command.join(" ")
  }\nport ${summary.port}: ${accepted}; ` +
    `idle RSS (3 s later) ${rss}; exit code ${summary.exitCode ?? "?"}\n`;
}
