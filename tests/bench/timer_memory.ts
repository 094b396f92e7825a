/**
 * Timer pending-set benchmark (a script, not `Deno.bench`): memory and disk of the on-disk timer
 * wheel (`store/timer/`) with many pending timers, at the broker's geometry (50 ms buckets, 1 h
 * window = 72 000 slots). Adds N timers spread evenly over 3 days (`timerMaxDelaySec`), prints
 * RSS and JS heap before and after, the add rate and the log size; then walks one full window
 * of buckets (every timer is read and rolled to its next lap, as the broker does once an hour)
 * with a checkpoint every minute of wheel time, and prints the time taken, RSS and the log size
 * after the walked segments were deleted.
 *
 * ```
 * deno run -A tests/bench/timer_memory.ts [timers=1000000]
 * ```
 *
 * Runs on: main thread
 * @module
 */
import { TimerWheelStore } from "../../store/timer/mod.ts";

const count = Number(Deno.args[0] ?? "1000000");
const PRECISION_MS = 50;
const WINDOW_MS = 3_600_000;
const SPREAD_MS = 3 * 24 * 3_600_000;
const T0 = 1_800_000_000_000;

const encoder = new TextEncoder();

function print(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function memory(label: string): void {
  const m = Deno.memoryUsage();
  print(`${label}: rss ${mib(m.rss)}, heapUsed ${mib(m.heapUsed)}`);
}

const dir = await Deno.makeTempDir({ prefix: "timer_bench_" });
try {
  memory("start");
  const timers = TimerWheelStore.open({
    dir,
    precisionMs: PRECISION_MS,
    windowMs: WINDOW_MS,
    nowMs: T0,
  });
  memory(`wheel open (${timers.slotCount} slots)`);
  let started = performance.now();
  for (let i = 0; i < count; i++) {
    const deliverMs = T0 + PRECISION_MS + Math.floor((i * SPREAD_MS) / count);
    timers.add({ deliverMs, physicalOffset: i * 300, size: 300 });
  }
  timers.checkpoint(count);
  let ms = performance.now() - started;
  print(
    `added ${count} timers in ${ms.toFixed(0)} ms (${(count / ms * 1000).toFixed(0)}/s), ` +
      `log ${mib(timers.logBytes)} in ${timers.logSegments} files, pending ${timers.pending}`,
  );
  memory(`${count} timers pending`);

  // One full window: every timer is walked once (delivered when due, else rolled).
  started = performance.now();
  let delivered = 0;
  for (let now = T0 + 60_000; now <= T0 + WINDOW_MS + 60_000; now += 60_000) {
    for (let round = 0; round < 1000; round++) {
      const due = timers.takeDue(now, 65_536);
      delivered += due.length;
      if (due.length < 65_536) break;
    }
    timers.checkpoint(count);
  }
  ms = performance.now() - started;
  print(
    `walked one window (${WINDOW_MS / PRECISION_MS} buckets) in ${ms.toFixed(0)} ms: ` +
      `${delivered} delivered, ${timers.pending} pending, ` +
      `log ${mib(timers.logBytes)} in ${timers.logSegments} files`,
  );
  memory("after one window");
  timers.close();
} finally {
  await Deno.remove(dir, { recursive: true });
}
