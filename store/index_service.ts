/**
 * The key index of one shard: a list of `IndexFile`s in `index/`, the newest
 * active. Indexes `topic#UNIQ_KEY` and `topic#key` for every key in `KEYS`.
 *
 * Runs on: shard worker
 * @module
 */
import type { FileIO } from "./file_io.ts";
import { IndexFile, type IndexHeader } from "./index_file.ts";
import { javaStringHashCode } from "./_common.ts";

/** Options of `IndexService`. */
export interface IndexServiceOptions {
  /** Injected file operations. */
  io: FileIO;
  /** Hash slots per file. */
  maxHashSlotNum: number;
  /** Entries per file. */
  maxIndexNum: number;
}

/** `abs(String.hashCode())` of `topic#key`, 0 when abs overflows, as Java's IndexFile. */
export function indexKeyHash(topic: string, key: string): number {
  const h = javaStringHashCode(`${topic}#${key}`);
  return h === -0x80000000 ? 0 : Math.abs(h);
}

function fileNameFor(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}` +
    `${p(d.getMinutes())}${p(d.getSeconds())}${p(d.getMilliseconds(), 3)}`;
}

/** See the module comment. */
export class IndexService {
  readonly #dir: string;
  readonly #options: IndexServiceOptions;
  #files: IndexFile[] = [];

  /** Opens every index file in `dir`; the newest becomes active. */
  constructor(dir: string, options: IndexServiceOptions) {
    this.#dir = dir;
    this.#options = options;
    options.io.mkdir(dir);
    const names = options.io.list(dir).filter((n) => /^\d{17,}$/.test(n)).sort();
    names.forEach((name, i) => {
      this.#files.push(new IndexFile(`${dir}/${name}`, i === names.length - 1, options));
    });
  }

  /**
   * Records with a physical offset at or above this may be missing from the
   * index after a crash and must be indexed again.
   */
  get indexedBelow(): number {
    for (let i = this.#files.length - 1; i >= 0; i--) {
      const file = this.#files[i]!;
      if (!file.isEmpty()) return file.header.endPhyOffset + 1;
    }
    return 0;
  }

  /** Indexes one record under each of `keyHashes` (see `indexKeyHash`). */
  add(keyHashes: readonly number[], physicalOffset: number, storeTimestamp: number): void {
    for (const hash of keyHashes) this.#put(hash, physicalOffset, storeTimestamp);
  }

  /** Writes buffered entries of the active file (no fsync). */
  writePending(): void {
    this.#files.at(-1)?.writePending();
  }

  /** Makes the active file durable. */
  flush(): void {
    this.#files.at(-1)?.flush();
  }

  /** First half of an off-thread flush: the file to sync and the header to write after it. */
  prepareFlush(): { file: IndexFile; header: IndexHeader } | undefined {
    const file = this.#files.at(-1);
    if (file === undefined) return undefined;
    return { file, header: file.prepareFlush() };
  }

  /** Physical offsets for `topic#key` stored within [begin, end], newest first. */
  query(
    topic: string,
    key: string,
    range: { maxNum: number; begin: number; end: number },
  ): number[] {
    const out: number[] = [];
    const hash = indexKeyHash(topic, key);
    for (let i = this.#files.length - 1; i >= 0 && out.length < range.maxNum; i--) {
      const file = this.#files[i]!;
      if (file.isEmpty()) continue;
      if (file.header.endTimestamp < range.begin || file.header.beginTimestamp > range.end) {
        if (file.header.endTimestamp < range.begin) break;
        continue;
      }
      file.query(hash, range, out);
    }
    return out;
  }

  /** Deletes finished files whose last record lies below `commitLogMin`; returns the count. */
  deleteBelow(commitLogMin: number): number {
    let deleted = 0;
    while (this.#files.length > 1) {
      const first = this.#files[0]!;
      if (first.header.endPhyOffset >= commitLogMin) break;
      first.destroy();
      this.#files.shift();
      deleted++;
    }
    return deleted;
  }

  /** Number of index files. */
  get fileCount(): number {
    return this.#files.length;
  }

  /** Flushes and closes every file. */
  close(): void {
    let failure: unknown;
    for (const file of this.#files) {
      try {
        file.close();
      } catch (error) {
        failure ??= error;
      }
    }
    this.#files = [];
    if (failure !== undefined) throw failure;
  }

  #put(hash: number, physicalOffset: number, storeTimestamp: number): void {
    let active = this.#files.at(-1);
    if (active === undefined || active.isFull()) {
      active?.deactivate();
      let name = fileNameFor(storeTimestamp);
      const last = this.#files.at(-1)?.path.split("/").at(-1);
      if (last !== undefined && name <= last) name = String(BigInt(last) + 1n);
      active = new IndexFile(`${this.#dir}/${name}`, true, this.#options);
      this.#files.push(active);
    }
    active.put(hash, physicalOffset, storeTimestamp);
  }
}
