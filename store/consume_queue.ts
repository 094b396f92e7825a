/**
 * One consume queue: the per-(topic, queueId) index into the commit log.
 * Entry n (20 bytes: physical offset i64, size i32, tags code i64) lives at
 * byte n × 20 of the queue's logical space, split into files named by their
 * first byte offset. Files grow by appending; a short or zero entry at the
 * tail is torn and cut by recovery. Entries are buffered per put batch and
 * written once per batch.
 *
 * Runs on: shard worker
 * @module
 */
import { assert } from "../common/mod.ts";
import { readI64, writeI64 } from "./_record.ts";
import type { FileIO } from "./file_io.ts";
import type { HandleCache } from "./handle_cache.ts";
import { offsetToFileName } from "./commit_log.ts";

/** Bytes of one consume-queue entry. */
export const CQ_ENTRY_BYTES = 20;
const PENDING_ENTRIES = 256;
const SCAN_ENTRIES = 4096;

/** One decoded entry. */
export interface ConsumeQueueEntry {
  /** Commit-log offset of the record. */
  physicalOffset: number;
  /** Record size. */
  size: number;
  /** Tags hash code. */
  tagsCode: number;
}

/** Options of `ConsumeQueue`. */
export interface ConsumeQueueOptions {
  /** Injected file operations. */
  io: FileIO;
  /** Shared handle cache of the shard. */
  handles: HandleCache;
  /** File size in bytes (a multiple of 20). */
  fileBytes: number;
}

/** See the module comment. */
export class ConsumeQueue {
  readonly #dir: string;
  readonly #io: FileIO;
  readonly #handles: HandleCache;
  readonly #fileBytes: number;
  readonly #entriesPerFile: number;
  #files: number[] = [];
  #maxOffset = 0;
  #minOffset = 0;
  #pending = new Uint8Array(PENDING_ENTRIES * CQ_ENTRY_BYTES);
  #pendingView = new DataView(this.#pending.buffer);
  #pendingCount = 0;
  /** Dirty file start → write generation, so an off-thread sync only clears what it covered. */
  readonly #dirty = new Map<number, number>();
  #generation = 0;

  /** Opens (or prepares to create) the queue stored in `dir`. */
  constructor(dir: string, options: ConsumeQueueOptions) {
    assert(options.fileBytes % CQ_ENTRY_BYTES === 0, "Consume-queue file size must be 20 × n");
    this.#dir = dir;
    this.#io = options.io;
    this.#handles = options.handles;
    this.#fileBytes = options.fileBytes;
    this.#entriesPerFile = options.fileBytes / CQ_ENTRY_BYTES;
    this.#files = this.#io.list(dir).filter((n) => /^\d{20}$/.test(n)).map(Number).sort((a, b) =>
      a - b
    );
    const last = this.#files.at(-1);
    const first = this.#files[0];
    if (last !== undefined && first !== undefined) {
      const size = Math.min(
        this.#fileBytes,
        this.#io.size(this.#handles.get(this.#path(last), false)),
      );
      this.#maxOffset = (last + size - (size % CQ_ENTRY_BYTES)) / CQ_ENTRY_BYTES;
      this.#minOffset = first / CQ_ENTRY_BYTES;
    }
  }

  /** Next logical offset (number of entries ever written). */
  get maxOffset(): number {
    return this.#maxOffset;
  }

  /** First logical offset still readable. */
  get minOffset(): number {
    return this.#minOffset;
  }

  /** Whether any file is missing in the middle (a damaged queue). */
  hasGap(): boolean {
    for (let i = 1; i < this.#files.length; i++) {
      if (this.#files[i] !== this.#files[i - 1]! + this.#fileBytes) return true;
    }
    return false;
  }

  /** Adds the entry for `queueOffset`; returns false when that offset is already written. */
  put(queueOffset: number, physicalOffset: number, size: number, tagsCode: number): boolean {
    if (queueOffset < this.#maxOffset) return false;
    if (queueOffset > this.#maxOffset) {
      this.flushPending();
      if (this.#maxOffset === this.#minOffset) this.#minOffset = queueOffset;
      this.#maxOffset = queueOffset;
    }
    if (this.#pendingCount === PENDING_ENTRIES) this.flushPending();
    const pos = this.#pendingCount * CQ_ENTRY_BYTES;
    writeI64(this.#pendingView, pos, physicalOffset);
    this.#pendingView.setInt32(pos + 8, size);
    writeI64(this.#pendingView, pos + 12, tagsCode);
    this.#pendingCount++;
    this.#maxOffset++;
    return true;
  }

  /** Writes buffered entries to their files (no fsync). */
  flushPending(): void {
    let logical = this.#maxOffset - this.#pendingCount;
    let from = 0;
    while (from < this.#pendingCount) {
      const fileStart = Math.floor(logical / this.#entriesPerFile) * this.#fileBytes;
      const inFile = Math.min(
        this.#pendingCount - from,
        this.#entriesPerFile - (logical % this.#entriesPerFile),
      );
      if (this.#files.at(-1) !== fileStart) this.#addFile(fileStart);
      const handle = this.#handles.get(this.#path(fileStart), true);
      const bytes = this.#pending.subarray(from * CQ_ENTRY_BYTES, (from + inFile) * CQ_ENTRY_BYTES);
      this.#io.write(handle, bytes, (logical % this.#entriesPerFile) * CQ_ENTRY_BYTES);
      this.#dirty.set(fileStart, ++this.#generation);
      from += inFile;
      logical += inFile;
    }
    this.#pendingCount = 0;
  }

  /** Forces written entries to disk. */
  sync(): void {
    this.flushPending();
    for (const fileStart of this.#dirty.keys()) {
      if (this.#files.includes(fileStart)) {
        this.#io.syncData(this.#handles.get(this.#path(fileStart), false));
      }
    }
    this.#dirty.clear();
  }

  /**
   * Writes buffered entries and lists the files another thread must sync;
   * pass the returned token to `markSynced` once that sync succeeded.
   */
  prepareSync(): { paths: string[]; token: Map<number, number> } {
    this.flushPending();
    const token = new Map(this.#dirty);
    return { paths: [...token.keys()].map((start) => this.#path(start)), token };
  }

  /** Clears the dirty marks a finished off-thread sync covered. */
  markSynced(token: Map<number, number>): void {
    for (const [start, generation] of token) {
      if (this.#dirty.get(start) === generation) this.#dirty.delete(start);
    }
  }

  /**
   * Reads up to `maxCount` entries from `offset`, stopping at a file end.
   * Returns the raw entry bytes (20 × count).
   */
  read(offset: number, maxCount: number): Uint8Array {
    this.flushPending();
    if (offset < this.#minOffset || offset >= this.#maxOffset) return new Uint8Array(0);
    const inFile = this.#entriesPerFile - (offset % this.#entriesPerFile);
    const count = Math.min(maxCount, this.#maxOffset - offset, inFile);
    const fileStart = Math.floor(offset / this.#entriesPerFile) * this.#fileBytes;
    if (!this.#files.includes(fileStart)) return new Uint8Array(0);
    const buf = new Uint8Array(count * CQ_ENTRY_BYTES);
    const handle = this.#handles.get(this.#path(fileStart), false);
    const n = this.#io.read(handle, buf, (offset % this.#entriesPerFile) * CQ_ENTRY_BYTES);
    return buf.subarray(0, n - (n % CQ_ENTRY_BYTES));
  }

  /** The entry at `offset`, or `undefined` when outside the queue or a hole. */
  entryAt(offset: number): ConsumeQueueEntry | undefined {
    const bytes = this.read(offset, 1);
    if (bytes.length < CQ_ENTRY_BYTES) return undefined;
    const entry = decodeEntry(new DataView(bytes.buffer, bytes.byteOffset), 0);
    return entry.size > 0 ? entry : undefined;
  }

  /**
   * Drops entries from `offset` on after a failed put: buffered ones are
   * discarded without writing, written ones are cut (shrinking needs no space).
   */
  rollbackTo(offset: number): void {
    if (offset >= this.#maxOffset) return;
    const pendingStart = this.#maxOffset - this.#pendingCount;
    if (offset >= pendingStart) {
      this.#pendingCount = offset - pendingStart;
      this.#maxOffset = offset;
      return;
    }
    this.#pendingCount = 0;
    this.#maxOffset = pendingStart;
    this.truncateFrom(offset);
  }

  /** Removes every entry from logical `offset` on (recovery of a cut commit log). */
  truncateFrom(offset: number): void {
    this.flushPending();
    if (offset >= this.#maxOffset) return;
    const keep: number[] = [];
    for (const fileStart of this.#files) {
      const firstEntry = fileStart / CQ_ENTRY_BYTES;
      const path = this.#path(fileStart);
      if (firstEntry >= offset && firstEntry > this.#minOffset) {
        this.#handles.drop(path);
        this.#io.remove(path);
        continue;
      }
      if (firstEntry + this.#entriesPerFile > offset) {
        const handle = this.#handles.get(path, false);
        this.#io.truncate(handle, Math.max(0, offset - firstEntry) * CQ_ENTRY_BYTES);
      }
      keep.push(fileStart);
    }
    this.#files = keep;
    this.#maxOffset = Math.max(offset, this.#minOffset);
  }

  /**
   * Cuts the tail after a crash: drops trailing entries that are torn (size 0)
   * or point at or past `commitLogMax`. Returns the new max offset.
   */
  recoverTail(commitLogMax: number): number {
    let end = this.#maxOffset;
    while (end > this.#minOffset) {
      const from = Math.max(
        this.#minOffset,
        end - SCAN_ENTRIES,
        Math.floor((end - 1) / this.#entriesPerFile) * this.#entriesPerFile,
      );
      const bytes = this.read(from, end - from);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      let i = bytes.length / CQ_ENTRY_BYTES - 1;
      for (; i >= 0; i--) {
        const entry = decodeEntry(view, i * CQ_ENTRY_BYTES);
        if (entry.size > 0 && entry.physicalOffset + entry.size <= commitLogMax) break;
      }
      if (i >= 0) {
        end = from + i + 1;
        break;
      }
      end = from;
    }
    this.truncateFrom(end);
    return this.#maxOffset;
  }

  /**
   * Deletes whole files whose entries all lie below `commitLogMin` (never the
   * last file) and moves the min offset to the first entry still stored.
   */
  deleteBelow(commitLogMin: number): number {
    this.flushPending();
    let deleted = 0;
    while (this.#files.length > 1) {
      const first = this.#files[0]!;
      const lastEntry = this.entryAtRaw(first / CQ_ENTRY_BYTES + this.#entriesPerFile - 1);
      if (lastEntry === undefined || lastEntry.physicalOffset + lastEntry.size > commitLogMin) {
        break;
      }
      this.#handles.drop(this.#path(first));
      this.#io.remove(this.#path(first));
      this.#files.shift();
      deleted++;
    }
    const first = this.#files[0];
    if (first !== undefined) this.#minOffset = Math.max(this.#minOffset, first / CQ_ENTRY_BYTES);
    this.correctMinOffset(commitLogMin);
    return deleted;
  }

  /** Moves the min offset to the first entry whose record is at or after `commitLogMin`. */
  correctMinOffset(commitLogMin: number): void {
    let lo = this.#minOffset;
    let hi = this.#maxOffset;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const entry = this.entryAtRaw(mid);
      if (entry === undefined || entry.size <= 0 || entry.physicalOffset < commitLogMin) {
        lo = mid + 1;
      } else hi = mid;
    }
    this.#minOffset = lo;
  }

  /** The entry at `offset` including holes (size 0); `undefined` outside stored files. */
  entryAtRaw(offset: number): ConsumeQueueEntry | undefined {
    const saved = this.#minOffset;
    this.#minOffset = Math.min(saved, offset);
    const bytes = this.read(offset, 1);
    this.#minOffset = saved;
    if (bytes.length < CQ_ENTRY_BYTES) return undefined;
    return decodeEntry(new DataView(bytes.buffer, bytes.byteOffset), 0);
  }

  /** Deletes every file of this queue. */
  destroy(): void {
    this.#pendingCount = 0;
    this.#handles.dropPrefix(`${this.#dir}/`);
    this.#io.remove(this.#dir);
    this.#files = [];
    this.#maxOffset = 0;
    this.#minOffset = 0;
  }

  #addFile(fileStart: number): void {
    assert(this.#files.at(-1) === undefined || this.#files.at(-1)! < fileStart, "CQ files grow");
    if (this.#files.length === 0) this.#io.mkdir(this.#dir);
    this.#files.push(fileStart);
  }

  #path(fileStart: number): string {
    return `${this.#dir}/${offsetToFileName(fileStart)}`;
  }
}

/** Decodes the entry at byte `pos` of `view`. */
export function decodeEntry(view: DataView, pos: number): ConsumeQueueEntry {
  return {
    physicalOffset: readI64(view, pos),
    size: view.getInt32(pos + 8),
    tagsCode: readI64(view, pos + 12),
  };
}
