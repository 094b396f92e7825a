/**
 * A bounded cache of open file handles (least recently used is closed first),
 * so thousands of consume-queue files never exhaust the descriptor limit.
 *
 * Runs on: shard worker
 * @module
 */
import type { FileHandle, FileIO } from "./file_io.ts";

/** LRU cache of open handles keyed by path. */
export class HandleCache {
  readonly #io: FileIO;
  readonly #capacity: number;
  readonly #open = new Map<string, FileHandle>();

  /** Keeps at most `capacity` files open. */
  constructor(io: FileIO, capacity: number) {
    this.#io = io;
    this.#capacity = capacity;
  }

  /** Returns an open handle for `path`, opening (and creating when `create`) it as needed. */
  get(path: string, create: boolean): FileHandle {
    const found = this.#open.get(path);
    if (found !== undefined) {
      this.#open.delete(path);
      this.#open.set(path, found);
      return found;
    }
    const handle = this.#io.open(path, { create });
    this.#open.set(path, handle);
    if (this.#open.size > this.#capacity) {
      const [oldestPath, oldest] = this.#open.entries().next().value as [string, FileHandle];
      this.#open.delete(oldestPath);
      this.#io.close(oldest);
    }
    return handle;
  }

  /** Closes the handle of `path` if open. */
  drop(path: string): void {
    const handle = this.#open.get(path);
    if (handle === undefined) return;
    this.#open.delete(path);
    this.#io.close(handle);
  }

  /** Closes every handle whose path starts with `prefix`. */
  dropPrefix(prefix: string): void {
    for (const path of [...this.#open.keys()]) if (path.startsWith(prefix)) this.drop(path);
  }

  /** Closes everything. */
  close(): void {
    for (const handle of this.#open.values()) this.#io.close(handle);
    this.#open.clear();
  }
}
