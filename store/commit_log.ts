/**
 * The commit log of one shard: append-only segments named by the 20-digit
 * physical offset of their first byte. A record never spans two segments;
 * when one does not fit, the 8-byte blank marker fills the rest of the
 * segment and the record goes to the next one. Offsets are broker-wide: the
 * shard's base offset (shard << 48) is added to every position.
 *
 * Runs on: shard worker
 * @module
 */
import { assert, getLogger } from "../common/mod.ts";
import type { FileHandle, FileIO } from "./file_io.ts";
import { BLANK_MARKER_BYTES, encodeBlankMarker } from "./_record.ts";

/** One segment file. */
export interface Segment {
  /** Physical offset of the first byte. */
  readonly start: number;
  /** Full path of the file. */
  readonly path: string;
  /** Open handle. */
  readonly handle: FileHandle;
}

/** Options of `CommitLog`. */
export interface CommitLogOptions {
  /** Injected file operations. */
  io: FileIO;
  /** Segment size in bytes. */
  segmentBytes: number;
  /** Physical offset of this shard's first possible byte. */
  baseOffset: number;
  /** Zero-fill the prepared next segment in the background. */
  warm: boolean;
  /** Zero-filled spare files made by another thread (used instead of in-thread warming). */
  spares?: SpareSource;
  /**
   * Leave the fdatasync of a finished segment to the next flush instead of
   * doing it at the roll (ASYNC_FLUSH with an off-thread flusher).
   */
  deferRollSync?: boolean;
}

/** A supply of zero-filled files of segment size, prepared off the writing thread. */
export interface SpareSource {
  /** Asks for one spare in `dir` to be prepared (no-op when one is ready or pending). */
  want(dir: string, size: number): void;
  /** Path of a ready spare file, handed over for good, or `undefined`. */
  take(): string | undefined;
  /** Stops preparing spares. */
  close(): void;
}

/** Formats an offset as RocketMQ's 20-digit file name. */
export function offsetToFileName(offset: number): string {
  return String(offset).padStart(20, "0");
}

const log = getLogger("store");
const WARM_CHUNK_BYTES = 4 * 1024 * 1024;
const ZERO_CHUNK = new Uint8Array(WARM_CHUNK_BYTES);

/** Append-only segmented log; see the module comment. */
export class CommitLog {
  readonly #dir: string;
  readonly #io: FileIO;
  readonly #segmentBytes: number;
  readonly #baseOffset: number;
  readonly #warm: boolean;
  readonly #spares: SpareSource | undefined;
  readonly #deferRollSync: boolean;
  /** Finished segments whose fdatasync was deferred. */
  #unsynced: Segment[] = [];
  #segments: Segment[] = [];
  #writeOffset = 0;
  #flushedOffset = 0;
  #prepared: Segment | undefined;
  #preparedWarmed = 0;

  /** Creates a commit log over `dir`; call `load()` before use. */
  constructor(dir: string, options: CommitLogOptions) {
    this.#dir = dir;
    this.#io = options.io;
    this.#segmentBytes = options.segmentBytes;
    this.#baseOffset = options.baseOffset;
    this.#warm = options.warm;
    this.#spares = options.spares;
    this.#deferRollSync = options.deferRollSync ?? false;
  }

  /** Opens every segment file found; the write position is set later by recovery. */
  load(): void {
    this.#io.mkdir(this.#dir);
    const all = this.#io.list(this.#dir);
    // Spares left by a previous run may be half filled: drop them.
    for (const name of all) if (name.startsWith(".spare-")) this.#io.remove(`${this.#dir}/${name}`);
    const names = all.filter((name) => /^\d{20}$/.test(name)).sort();
    for (const name of names) {
      const start = Number(name);
      const path = `${this.#dir}/${name}`;
      if ((start - this.#baseOffset) % this.#segmentBytes !== 0 || start < this.#baseOffset) {
        throw new RangeError(`Commit-log file "${path}" does not match segment size or shard`);
      }
      this.#segments.push({ start, path, handle: this.#io.open(path) });
    }
    // Segments must be contiguous; keep the newest contiguous run (older files stay on disk).
    for (let i = this.#segments.length - 1; i > 0; i--) {
      if (this.#segments[i]!.start !== this.#segments[i - 1]!.start + this.#segmentBytes) {
        const dropped = this.#segments.splice(0, i);
        for (const segment of dropped) this.#io.close(segment.handle);
        log.error("Commit-log segments are not contiguous; ignoring the older ones", {
          dir: this.#dir,
          ignored: dropped.map((s) => s.path.split("/").at(-1)),
        });
        break;
      }
    }
    const first = this.#segments[0];
    this.#writeOffset = first === undefined ? this.#baseOffset : first.start;
    this.#flushedOffset = this.#writeOffset;
  }

  /** Segment size in bytes. */
  get segmentBytes(): number {
    return this.#segmentBytes;
  }

  /** First byte still stored (start of the oldest segment). */
  get minOffset(): number {
    return this.#segments[0]?.start ?? this.#writeOffset;
  }

  /** End of the last written byte. */
  get maxOffset(): number {
    return this.#writeOffset;
  }

  /** End of the last byte forced to disk. */
  get flushedOffset(): number {
    return this.#flushedOffset;
  }

  /** Segments, oldest first (read-only view for recovery and retention). */
  get segments(): readonly Segment[] {
    return this.#segments;
  }

  /** Bytes left in the segment that holds the write position. */
  remaining(): number {
    const rel = (this.#writeOffset - this.#baseOffset) % this.#segmentBytes;
    return this.#segmentBytes - rel;
  }

  /**
   * Makes room for a record of `size` bytes: when `size + 8` does not fit,
   * writes the blank marker and moves to the next segment. Returns the offset
   * the record will get.
   */
  ensureRoom(size: number): number {
    assert(size + BLANK_MARKER_BYTES <= this.#segmentBytes, "Record larger than a segment");
    const remaining = this.remaining();
    if (size + BLANK_MARKER_BYTES > remaining) {
      const segment = this.#segmentFor(this.#writeOffset, true);
      this.#io.write(
        segment.handle,
        encodeBlankMarker(remaining),
        this.#writeOffset - segment.start,
      );
      this.#writeOffset += remaining;
      if (this.#deferRollSync) {
        this.#unsynced.push(segment);
      } else {
        // The old segment is complete: force it so no later segment is durable before it.
        this.#io.syncData(segment.handle);
        if (this.#flushedOffset >= segment.start) this.#flushedOffset = this.#writeOffset;
      }
    }
    this.#segmentFor(this.#writeOffset, true);
    return this.#writeOffset;
  }

  /** Appends whole records at the write position; they must fit (see `ensureRoom`). */
  append(bytes: Uint8Array): void {
    assert(bytes.length <= this.remaining(), "Append crosses a segment end");
    const segment = this.#segmentFor(this.#writeOffset, true);
    this.#io.write(segment.handle, bytes, this.#writeOffset - segment.start);
    this.#writeOffset += bytes.length;
  }

  /** Reads `buf.length` bytes at `offset`; returns bytes read (0 when the segment is gone). */
  read(offset: number, buf: Uint8Array): number {
    const segment = this.#segmentFor(offset, false);
    if (segment === undefined) return 0;
    const rel = offset - segment.start;
    const len = Math.min(buf.length, this.#segmentBytes - rel);
    return this.#io.read(segment.handle, len === buf.length ? buf : buf.subarray(0, len), rel);
  }

  /** Reads raw bytes for recovery scanning, ignoring the write position. */
  readRaw(segment: Segment, rel: number, buf: Uint8Array): number {
    return this.#io.read(segment.handle, buf, rel);
  }

  /** Forces everything written to disk (fdatasync of deferred segments and the active one). */
  flush(): void {
    if (this.#flushedOffset === this.#writeOffset) return;
    for (const segment of this.#unsynced) {
      if (this.#segments.includes(segment)) this.#io.syncData(segment.handle);
    }
    this.#unsynced = [];
    const segment = this.#segmentFor(Math.max(this.#writeOffset - 1, this.minOffset), false);
    if (segment !== undefined) this.#io.syncData(segment.handle);
    this.#flushedOffset = this.#writeOffset;
  }

  /** Paths another thread must fdatasync for everything written so far to be durable. */
  pathsToSync(): string[] {
    if (this.#flushedOffset === this.#writeOffset) return [];
    const paths = this.#unsynced.filter((s) => this.#segments.includes(s)).map((s) => s.path);
    const active = this.#segmentFor(Math.max(this.#writeOffset - 1, this.minOffset), false);
    if (active !== undefined && !paths.includes(active.path)) paths.push(active.path);
    return paths;
  }

  /** Records that another thread synced everything written before `offset`. */
  markFlushed(offset: number): void {
    if (offset <= this.#flushedOffset) return;
    this.#flushedOffset = Math.min(offset, this.#writeOffset);
    this.#unsynced = this.#unsynced.filter((s) => s.start + this.#segmentBytes > offset);
  }

  /**
   * Sets the end of the log to `offset` (recovery): later segments are removed
   * and the rest of the segment holding `offset` reads as zeros again.
   */
  truncateTo(offset: number): void {
    assert(offset >= this.minOffset || this.#segments.length === 0, "Truncate below min offset");
    const keep: Segment[] = [];
    for (const segment of this.#segments) {
      if (segment.start <= offset && offset < segment.start + this.#segmentBytes) {
        this.#io.truncate(segment.handle, offset - segment.start);
        this.#io.truncate(segment.handle, this.#segmentBytes);
        keep.push(segment);
      } else if (segment.start + this.#segmentBytes <= offset) {
        keep.push(segment);
      } else {
        this.#io.close(segment.handle);
        this.#io.remove(segment.path);
      }
    }
    this.#segments = keep;
    this.#writeOffset = offset;
    this.#flushedOffset = offset;
    this.#prepared = undefined;
    this.#unsynced = this.#unsynced.filter((s) => keep.includes(s));
  }

  /**
   * Deletes the oldest segment when `shouldDelete(segment)` says so; never the
   * active one. Returns the number deleted (at most `max`).
   */
  deleteOldest(max: number, shouldDelete: (segment: Segment) => boolean): number {
    let deleted = 0;
    while (deleted < max && this.#segments.length > 1) {
      const oldest = this.#segments[0];
      assert(oldest !== undefined);
      if (oldest.start + this.#segmentBytes > this.#writeOffset) break;
      if (!shouldDelete(oldest)) break;
      this.#io.close(oldest.handle);
      this.#io.remove(oldest.path);
      this.#segments.shift();
      deleted++;
    }
    return deleted;
  }

  /**
   * Background work between batches: creates the next segment when the active
   * one is half full, and zero-fills it one chunk per call when warming is on.
   * Returns whether more work is pending.
   */
  prepareAhead(): boolean {
    if (this.remaining() > this.#segmentBytes / 2) return false;
    if (this.#spares !== undefined) {
      if (this.#warm) this.#spares.want(this.#dir, this.#segmentBytes);
      return false;
    }
    const nextStart = this.#writeOffset + this.remaining();
    if (this.#prepared === undefined || this.#prepared.start !== nextStart) {
      this.#prepared = this.#createSegment(nextStart);
      this.#preparedWarmed = 0;
    }
    if (!this.#warm || this.#preparedWarmed >= this.#segmentBytes) return false;
    const len = Math.min(WARM_CHUNK_BYTES, this.#segmentBytes - this.#preparedWarmed);
    this.#io.write(this.#prepared.handle, ZERO_CHUNK.subarray(0, len), this.#preparedWarmed);
    this.#preparedWarmed += len;
    if (this.#preparedWarmed >= this.#segmentBytes) this.#io.syncData(this.#prepared.handle);
    return this.#preparedWarmed < this.#segmentBytes;
  }

  /** Closes every handle. */
  close(): void {
    for (const segment of this.#segments) this.#io.close(segment.handle);
    if (this.#prepared !== undefined && !this.#segments.includes(this.#prepared)) {
      this.#io.close(this.#prepared.handle);
    }
    this.#segments = [];
    this.#prepared = undefined;
    this.#spares?.close();
  }

  #createSegment(start: number): Segment {
    const existing = this.#segments.find((s) => s.start === start);
    if (existing !== undefined) return existing;
    const path = `${this.#dir}/${offsetToFileName(start)}`;
    const spare = this.#io.exists(path) ? undefined : this.#spares?.take();
    if (spare !== undefined) this.#io.rename(spare, path);
    const handle = this.#io.open(path, { create: true });
    if (this.#io.size(handle) !== this.#segmentBytes) this.#io.truncate(handle, this.#segmentBytes);
    // The new name must survive a crash before any acknowledged record in it does.
    this.#io.syncDir(this.#dir);
    return { start, path, handle };
  }

  #segmentFor(offset: number, create: true): Segment;
  #segmentFor(offset: number, create: false): Segment | undefined;
  #segmentFor(offset: number, create: boolean): Segment | undefined {
    const first = this.#segments[0];
    if (first !== undefined) {
      const index = Math.floor((offset - first.start) / this.#segmentBytes);
      const segment = this.#segments[index];
      if (index >= 0 && segment !== undefined) return segment;
    }
    if (!create) return undefined;
    const start = offset - ((offset - this.#baseOffset) % this.#segmentBytes);
    assert(
      first === undefined || start === this.#segments.at(-1)!.start + this.#segmentBytes,
      "Commit-log segments must be contiguous",
    );
    const segment = this.#prepared?.start === start ? this.#prepared : this.#createSegment(start);
    this.#prepared = undefined;
    this.#segments.push(segment);
    return segment;
  }
}
