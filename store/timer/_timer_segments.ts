/**
 * The timer log of `TimerWheelStore` as a folder of segment files (`timerlogs/<first index, 20
 * digits>`), so that dead entries are given back to the disk: every segment remembers the
 * processed bucket at its last append, and a segment whose entries have all been walked since
 * (the whole wheel went round once after its last append) is deleted. Entry indexes are global
 * and only grow; a segment holds the entries from its first index up to the next segment's.
 *
 * Runs on: main thread
 * @module
 */
import type { FileHandle, FileIO } from "../file_io.ts";

/** Bytes of one timer-log entry. */
export const TIMER_ENTRY_BYTES = 32;

/** A segment as saved in the checkpoint: first entry index, processed bucket at last append. */
export type SegmentRecord = [first: number, lastBucket: number];

interface Segment {
  first: number;
  lastBucket: number;
  handle: FileHandle;
}

function segmentName(first: number): string {
  return String(first).padStart(20, "0");
}

/** See the module comment. */
export class TimerLogSegments {
  readonly #io: FileIO;
  readonly #folder: string;
  readonly #segmentEntries: number;
  readonly #segments: Segment[] = [];

  private constructor(io: FileIO, folder: string, segmentEntries: number) {
    this.#io = io;
    this.#folder = folder;
    this.#segmentEntries = segmentEntries;
  }

  /**
   * Opens the segments a checkpoint lists, cut back to `logEntries`, and deletes every other
   * file of the folder (written after that checkpoint, or dead and not yet deleted).
   */
  static open(
    io: FileIO,
    folder: string,
    records: SegmentRecord[],
    logEntries: number,
    segmentEntries: number,
  ): TimerLogSegments {
    io.mkdir(folder);
    const log = new TimerLogSegments(io, folder, segmentEntries);
    const kept = new Set<string>();
    for (const [first, lastBucket] of records) {
      if (first >= logEntries && log.#segments.length > 0) break;
      const path = `${folder}/${segmentName(first)}`;
      kept.add(segmentName(first));
      log.#segments.push({ first, lastBucket, handle: io.open(path, { create: true }) });
    }
    const last = log.#segments.at(-1);
    if (last !== undefined) {
      io.truncate(last.handle, Math.max(0, logEntries - last.first) * TIMER_ENTRY_BYTES);
    }
    for (const name of io.list(folder)) {
      if (!kept.has(name)) io.remove(`${folder}/${name}`);
    }
    return log;
  }

  /** The segments for the checkpoint. */
  records(): SegmentRecord[] {
    return this.#segments.map((s) => [s.first, s.lastBucket]);
  }

  /** Number of segment files. */
  get count(): number {
    return this.#segments.length;
  }

  /** Writes entry `index` (always the next one), appended while `bucket` is being processed. */
  write(index: number, entry: Uint8Array, bucket: number): void {
    let last = this.#segments.at(-1);
    if (last === undefined || index - last.first >= this.#segmentEntries) {
      const path = `${this.#folder}/${segmentName(index)}`;
      const handle = this.#io.open(path, { create: true });
      this.#io.truncate(handle, 0);
      last = { first: index, lastBucket: bucket, handle };
      this.#segments.push(last);
    }
    this.#io.write(last.handle, entry, (index - last.first) * TIMER_ENTRY_BYTES);
    last.lastBucket = bucket;
  }

  /** Reads entry `index` into `entry`; returns the bytes read (0 when no segment holds it). */
  read(index: number, entry: Uint8Array): number {
    const segments = this.#segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.first <= index) lo = mid;
      else hi = mid - 1;
    }
    const segment = segments[lo];
    if (segment === undefined || segment.first > index) return 0;
    return this.#io.read(segment.handle, entry, (index - segment.first) * TIMER_ENTRY_BYTES);
  }

  /** Forces the open segments to disk. */
  sync(): void {
    for (const segment of this.#segments) this.#io.syncData(segment.handle);
  }

  /**
   * Forgets the segments whose every entry has been walked: last append before bucket
   * `processedBucket - slotCount`. The newest segment is kept (it takes the next appends).
   * Returns what to delete once the checkpoint without them is written.
   */
  detachDead(processedBucket: number, slotCount: number): Segment[] {
    let n = 0;
    while (
      n < this.#segments.length - 1 && this.#segments[n]!.lastBucket + slotCount < processedBucket
    ) n++;
    return this.#segments.splice(0, n);
  }

  /** Forgets every segment (nothing is pending); returns them for `remove`. */
  detachAll(): Segment[] {
    return this.#segments.splice(0);
  }

  /** Closes and deletes detached segments. */
  remove(segments: Segment[]): void {
    for (const segment of segments) {
      this.#io.close(segment.handle);
      this.#io.remove(`${this.#folder}/${segmentName(segment.first)}`);
    }
  }

  /** Bytes on disk (entries written to the open segments). */
  bytes(): number {
    let total = 0;
    for (const segment of this.#segments) total += this.#io.size(segment.handle);
    return total;
  }

  /** Closes every segment. */
  close(): void {
    for (const segment of this.#segments) this.#io.close(segment.handle);
  }
}
