/**
 * `SpareSource` backed by a nested allocator worker: keeps at most one spare
 * zero-filled segment file requested or ready at a time.
 *
 * Runs on: shard worker
 * @module
 */
import { getLogger } from "../common/mod.ts";
import type { SpareSource } from "./commit_log.ts";

const log = getLogger("store");

/** See the module comment. */
export class WorkerSpareAllocator implements SpareSource {
  #worker: Worker | undefined;
  #pending = false;
  #ready: string | undefined;
  #counter = 0;
  #closed = false;

  /** The allocator worker, started on first use (never when segments are not warmed). */
  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(new URL("./segment_allocator_worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<{ path: string; error?: string }>) => {
      this.#pending = false;
      if (this.#closed) return;
      if (event.data.error !== undefined) {
        log.warn("Cannot prepare a spare segment", {
          path: event.data.path,
          error: event.data.error,
        });
        return;
      }
      this.#ready = event.data.path;
    };
    return worker;
  }

  /** Asks for a spare unless one is ready or being made. */
  want(dir: string, size: number): void {
    if (this.#closed || this.#pending || this.#ready !== undefined) return;
    this.#pending = true;
    this.#start().postMessage({ path: `${dir}/.spare-${Date.now()}-${this.#counter++}`, size });
  }

  /** Hands over the ready spare. */
  take(): string | undefined {
    const ready = this.#ready;
    this.#ready = undefined;
    return ready;
  }

  /** Stops the worker. */
  close(): void {
    this.#closed = true;
    this.#worker?.terminate();
  }
}
