/**
 * Off-thread fdatasync for a shard: one job (a list of paths) at a time,
 * run by a nested `flush_worker.ts`. The shard uses it for ASYNC_FLUSH
 * periodic flushes and for checkpoints, so puts never wait on the disk.
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

/** `Flusher` over a nested worker. */
export class WorkerFlusher implements Flusher {
  readonly #worker: Worker;
  #nextId = 1;
  #pending: { id: number; done: (error: string | undefined) => void } | undefined;
  #closed = false;

  /** Starts the flush worker. */
  constructor() {
    this.#worker = new Worker(new URL("./flush_worker.ts", import.meta.url), { type: "module" });
    this.#worker.onmessage = (event: MessageEvent<{ id: number; error?: string }>) => {
      const pending = this.#pending;
      if (pending === undefined || pending.id !== event.data.id || this.#closed) return;
      this.#pending = undefined;
      pending.done(event.data.error);
    };
  }

  /** Whether a job is running. */
  get busy(): boolean {
    return this.#pending !== undefined;
  }

  /** Starts a job unless one is running. */
  sync(paths: readonly string[], done: (error: string | undefined) => void): boolean {
    if (this.#closed || this.#pending !== undefined) return false;
    const id = this.#nextId++;
    this.#pending = { id, done };
    this.#worker.postMessage({ id, paths: [...paths] });
    return true;
  }

  /** Stops the worker. */
  close(): void {
    this.#closed = true;
    this.#pending = undefined;
    this.#worker.terminate();
  }
}
