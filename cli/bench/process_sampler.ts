/**
 * Samples another process from /proc: CPU time (user + system, all threads,
 * from `/proc/<pid>/stat` fields 14 and 15) and resident memory (`VmRSS` of
 * `/proc/<pid>/status`). The parsers are pure; `ProcessSampler` reads files.
 *
 * Runs on: main thread
 * @module
 */

/** One sample of a process. */
export interface ProcessSample {
  /** User + system CPU time in microseconds. */
  cpuUs: number;
  /** Resident set size in KiB. */
  rssKiB: number;
  /** Anonymous part of the RSS (heap, stacks; not mapped files) in KiB; 0 when unknown. */
  rssAnonKiB: number;
}

/**
 * User and system CPU ticks from the text of `/proc/<pid>/stat`. The command
 * name (field 2) may hold spaces and parentheses, so fields are counted from
 * the last `)`. Returns undefined when the text is not a stat line.
 */
export function parseProcStat(
  text: string,
): { utimeTicks: number; stimeTicks: number } | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  // fields[0] is field 3 (state), so field 14 (utime) is fields[11] and 15 (stime) fields[12].
  const utimeTicks = Number(fields[11]);
  const stimeTicks = Number(fields[12]);
  if (!Number.isInteger(utimeTicks) || !Number.isInteger(stimeTicks)) return undefined;
  return { utimeTicks, stimeTicks };
}

/**
 * A `kB` field of `/proc/<pid>/status` (`VmRSS` by default, or `RssAnon`,
 * `RssFile`, ...) in KiB, or undefined when absent.
 */
export function parseVmRssKiB(text: string, field = "VmRSS"): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, "m").exec(text);
  return match === null ? undefined : Number(match[1]);
}

/** CPU µs per message between two samples (undefined when no message was counted). */
export function cpuUsPerMessage(
  before: ProcessSample,
  after: ProcessSample,
  messages: number,
): number | undefined {
  return messages > 0 ? (after.cpuUs - before.cpuUs) / messages : undefined;
}

async function clockTicksPerSecond(): Promise<number> {
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).output();
    const value = Number(new TextDecoder().decode(out.stdout).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    // No getconf: Linux uses 100 ticks per second on every common architecture.
    return 100;
  }
}

/** Reads samples of one process; `open` checks that it exists. */
export class ProcessSampler {
  readonly pid: number;
  readonly #ticksPerSecond: number;

  private constructor(pid: number, ticksPerSecond: number) {
    this.pid = pid;
    this.#ticksPerSecond = ticksPerSecond;
  }

  /** A sampler for `pid`; throws `Deno.errors.NotFound` when the process does not exist. */
  static async open(pid: number): Promise<ProcessSampler> {
    const sampler = new ProcessSampler(pid, await clockTicksPerSecond());
    await sampler.sample();
    return sampler;
  }

  /** Reads CPU time and RSS now. */
  async sample(): Promise<ProcessSample> {
    // One after the other: a failed first read must not leave the second one running.
    const stat = await Deno.readTextFile(`/proc/${this.pid}/stat`);
    const status = await Deno.readTextFile(`/proc/${this.pid}/status`);
    const ticks = parseProcStat(stat);
    if (ticks === undefined) throw new TypeError(`Cannot parse /proc/${this.pid}/stat`);
    return {
      cpuUs: (ticks.utimeTicks + ticks.stimeTicks) * 1_000_000 / this.#ticksPerSecond,
      rssKiB: parseVmRssKiB(status) ?? 0,
      rssAnonKiB: parseVmRssKiB(status, "RssAnon") ?? 0,
    };
  }
}
