/**
 * The seeded fuzz loop behind `deno task fuzz` and `fuzz_test.ts`: runs every
 * chosen target round-robin in small batches until the time or input budget
 * is spent. Each target draws from its own generator seeded with
 * `seed ^ hash(name)`, so `--seed S --target T` replays that target alone.
 * A thrown value that is not a `BrokerError`, or an input that takes longer
 * than `slowInputMs`, is a finding; findings keep the input (hex) for replay.
 *
 * Runs on: main thread
 * @module
 */
import { BrokerError, bytesToHex, SeededRandom } from "../../common/mod.ts";
import { codecTargets } from "./_codec_targets.ts";
import type { FuzzTarget } from "./_codec_targets.ts";
import { Mutator } from "./_mutate.ts";
import { namesrvTarget } from "./_namesrv_target.ts";
import { brokerTarget } from "./_broker_target.ts";
import { loadSeedCorpus } from "./_seeds.ts";

/** Options of `runFuzz`. */
export interface FuzzOptions {
  /** Base seed of the run. */
  seed: number;
  /** Wall-clock budget for the whole run. */
  seconds: number;
  /** Only these targets (by name); default all. */
  targets?: readonly string[] | undefined;
  /** Stop after this many inputs in total; default unbounded (time decides). */
  maxInputs?: number | undefined;
  /** An input slower than this is a finding; default 2000 ms. */
  slowInputMs?: number | undefined;
}

/** One input that broke a rule. */
export interface FuzzFinding {
  /** Target name. */
  target: string;
  /** Index of the input within its target (replay with the same seed). */
  index: number;
  /** What happened: the error's name and message, or "slow: N ms". */
  problem: string;
  /** The input, hex or JSON text, cut at 512 characters. */
  input: string;
}

/** Per-target numbers of a run. */
export interface FuzzTargetStats {
  /** Inputs fed. */
  inputs: number;
  /** Inputs rejected with a typed error (the expected way to fail). */
  rejected: number;
}

/** What `runFuzz` found. */
export interface FuzzReport {
  /** The base seed. */
  seed: number;
  /** Inputs fed, all targets. */
  inputs: number;
  /** Per target. */
  stats: Record<string, FuzzTargetStats>;
  /** Rule breaks (first 50). */
  findings: FuzzFinding[];
  /** Wall time spent. */
  elapsedMs: number;
}

const BATCH = 100;
const FINDINGS_MAX = 50;

/** Java-style string hash, for per-target seeds. */
function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h;
}

/** Every target name, in run order. */
export function fuzzTargetNames(): string[] {
  return [...FUZZ_TARGET_NAMES];
}

/** Every target name, in run order. */
export const FUZZ_TARGET_NAMES: readonly string[] = [
  "frame",
  "json-header",
  "binary-header",
  "java-json",
  "stored-message",
  "batch",
  "message-properties",
  "properties-file",
  "sql-filter",
  "namesrv",
  "broker",
];

/** The chosen targets (all when `names` is empty); the broker target holds a temp dir. */
function makeTargets(names: readonly string[] | undefined): FuzzTarget[] {
  const want = (name: string) => names === undefined || names.length === 0 || names.includes(name);
  const corpus = loadSeedCorpus();
  const out = [...codecTargets(corpus), namesrvTarget()].filter((t) => want(t.name));
  if (want("broker")) out.push(brokerTarget(corpus));
  return out;
}

function describe(input: Uint8Array | string): string {
  const text = typeof input === "string" ? JSON.stringify(input) : bytesToHex(input);
  return text.length > 512 ? `${text.slice(0, 512)}...` : text;
}

/** Runs the fuzz loop; never throws for a finding (read `findings`). */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const unknown = (options.targets ?? []).filter((t) => !FUZZ_TARGET_NAMES.includes(t));
  if (unknown.length > 0) throw new RangeError(`Unknown fuzz target: ${unknown}`);
  const chosen = makeTargets(options.targets);
  try {
    return await loop(chosen, options);
  } finally {
    for (const target of chosen) await target.close?.();
  }
}

async function loop(chosen: FuzzTarget[], options: FuzzOptions): Promise<FuzzReport> {
  const slowMs = options.slowInputMs ?? 2000;
  const maxInputs = options.maxInputs ?? Number.MAX_SAFE_INTEGER;
  const start = performance.now();
  const deadline = start + options.seconds * 1000;
  const mutators = chosen.map((t) =>
    new Mutator(new SeededRandom(options.seed ^ nameHash(t.name)))
  );
  const report: FuzzReport = {
    seed: options.seed,
    inputs: 0,
    stats: {},
    findings: [],
    elapsedMs: 0,
  };
  for (const t of chosen) report.stats[t.name] = { inputs: 0, rejected: 0 };
  // Bounded: every pass feeds at least one input and the budget is finite.
  while (performance.now() < deadline && report.inputs < maxInputs) {
    for (const [i, target] of chosen.entries()) {
      const m = mutators[i] as Mutator;
      const stats = report.stats[target.name] as FuzzTargetStats;
      for (let n = 0; n < BATCH && report.inputs < maxInputs; n++) {
        await feed(target, m, stats, report, slowMs);
        report.inputs++;
      }
    }
  }
  report.elapsedMs = Math.round(performance.now() - start);
  return report;
}

/** An input whose promise is still pending after this long is a finding ("hung"). */
function hangMs(slowMs: number): number {
  return Math.max(5 * slowMs, 10_000);
}

/** Awaits `work`, or throws a plain `Error` ("hung") after `ms`; the timer is always cleared. */
async function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung: no answer after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function feed(
  target: FuzzTarget,
  m: Mutator,
  stats: FuzzTargetStats,
  report: FuzzReport,
  slowMs: number,
): Promise<void> {
  const index = stats.inputs++;
  const input = target.generate(m);
  const began = performance.now();
  let problem: string | undefined;
  try {
    const ran = target.run(input, m);
    if (ran instanceof Promise) await withDeadline(ran, hangMs(slowMs));
  } catch (error) {
    if (error instanceof BrokerError || target.isExpected?.(error) === true) stats.rejected++;
    else problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const took = performance.now() - began;
  if (problem === undefined && took > slowMs) problem = `slow: ${Math.round(took)} ms`;
  if (problem !== undefined && report.findings.length < FINDINGS_MAX) {
    report.findings.push({ target: target.name, index, problem, input: describe(input) });
  }
}
