/**
 * A repeating async task that never overlaps itself, can be poked to run
 * early, and stops cleanly: `stop()` clears the timer and waits for a run in
 * progress, so nothing is left pending when a client closes.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/mod.ts";

const log = getLogger("client");

/** Runs `task` every `intervalMs` (first after `firstDelayMs`), one run at a time. */
export class Ticker {
  readonly #name: string;
  readonly #task: () => Promise<void>;
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  /** Creates a stopped ticker; call `start()`. */
  constructor(name: string, task: () => Promise<void>, intervalMs: number) {
    this.#name = name;
    this.#task = task;
    this.#intervalMs = intervalMs;
  }

  /** Schedules the first run after `firstDelayMs` (default: one interval). */
  start(firstDelayMs = this.#intervalMs): void {
    if (this.#stopped) return;
    this.#schedule(firstDelayMs);
  }

  /** Runs the task as soon as possible (after the current run, if any). */
  poke(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  /** Runs the task now and resolves when that run is done. */
  async runNow(): Promise<void> {
    if (this.#stopped) return;
    if (this.#running !== undefined) await this.#running;
    if (this.#stopped) return;
    this.#clearTimer();
    await this.#run();
  }

  #schedule(delayMs: number): void {
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, delayMs);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #run(): Promise<void> {
    const run = (async () => {
      try {
        await this.#task();
      } catch (cause) {
        log.warn("Periodic task failed", { task: this.#name, cause });
      }
    })();
    this.#running = run;
    await run;
    this.#running = undefined;
    if (this.#stopped) return;
    const again = this.#again;
    this.#again = false;
    this.#schedule(again ? 0 : this.#intervalMs);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    if (this.#running !== undefined) await this.#running;
  }
}
