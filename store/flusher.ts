/**
 * Off-thread fdatasync for a shard: one job (a list of paths) at a time.
 * The shard uses it for ASYNC_FLUSH periodic flushes and for checkpoints, so
 * puts never wait on the disk. `AsyncOpFlusher` runs each fdatasync as an
 * async Deno op (on the runtime's blocking-thread pool), so no extra isolate
 * is kept for it (a nested flush worker cost ~10 MiB of RSS and a wake-up
 * per job).
 *
 * Runs on: shard worker
 * @module
 */

/** Runs fdatasync jobs off the calling thread. */
export interface Flusher {
  /** Whether a job is running (a second one is refused). */
  readonly busy: boolean;
  /** Syncs `paths` in order, then calls `done` (with an error text on failure); false if busy. */
  sync(paths: readonly string[], done: (error: string | undefined) => void): boolean;
  /** Stops the worker; a running job is abandoned (its `done` is never called). */
  close(): void;
}

/**
 * `Flusher` over async Deno ops: open, `syncData`, close per path, in order.
 * Linux flushes an inode's dirty pages whichever descriptor wrote them; a
 * path that no longer exists (deleted by retention) is skipped.
 */
export class AsyncOpFlusher implements Flusher {
  #busy = false;
  #closed = false;

  /** Whether a job is running. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Starts a job unless one is running. */
  sync(paths: readonly string[], done: (error: string | undefined) => void): boolean {
    if (this.#closed || this.#busy) return false;
    this.#busy = true;
    syncAll([...paths]).then(
      () => this.#finish(done, undefined),
      (error) => this.#finish(done, String(error)),
    );
    return true;
  }

  /** Abandons a running job (its `done` is never called). */
  close(): void {
    this.#closed = true;
  }

  #finish(done: (error: string | undefined) => void, error: string | undefined): void {
    this.#busy = false;
    if (!this.#closed) done(error);
  }
}

async function syncAll(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true, write: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    try {
      await file.syncData();
    } finally {
      file.close();
    }
  }
}
