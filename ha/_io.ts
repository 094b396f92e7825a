/**
 * Small socket helpers shared by both HA endpoints: a serialised full write
 * (a `conn.write` may be short, and two writers must not interleave) and a
 * cancellable sleep that leaves no timer behind.
 *
 * Runs on: main thread
 * @module
 */

/** Writes whole buffers one after another, however many callers there are. */
export class SerialWriter {
  readonly #conn: Deno.Conn;
  #tail: Promise<void> = Promise.resolve();

  /** Wraps `conn`. */
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Queues `bytes` (all of them) after every earlier write. */
  write(...parts: Uint8Array[]): Promise<void> {
    const next = this.#tail.then(async () => {
      for (const bytes of parts) {
        let offset = 0;
        for (let round = 0; offset < bytes.length && round < 1_000_000; round++) {
          offset += await this.#conn.write(bytes.subarray(offset));
        }
      }
    });
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * A wake-up signal: `wait(ms)` resolves on the next `notify()` or after `ms`.
 * A `notify()` with nobody waiting is kept for the next `wait`, so a wake-up
 * that lands between a check and the wait is never lost.
 */
export class Signal {
  #waiters = new Set<() => void>();
  #pending = false;

  /** Wakes every current waiter (or the next one, when none waits now). */
  notify(): void {
    if (this.#waiters.size === 0) {
      this.#pending = true;
      return;
    }
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves `true` when notified, `false` after `ms`. */
  wait(ms: number): Promise<boolean> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        resolve(false);
      }, ms);
      this.#waiters.add(wake);
    });
  }
}
