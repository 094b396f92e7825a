/**
 * The on-disk pending set of 5.x timer messages (arbitrary delivery time), shaped like Java's
 * `TimerLog` + `TimerWheel`, with bounded memory whatever the number of pending timers:
 *
 * - `timerlogs/`: append-only log of 32-byte entries `[deliverMs f64][physicalOffset f64]
 *   [size i32][flags i32: 1 = roll][prevIndex f64]`, in segment files (`_timer_segments.ts`). Entries
 *   of one wheel slot form a linked list through `prevIndex` (newest first), so a slot costs one
 *   number in memory.
 * - the wheel: one `Float64Array` of slot heads (entry index or -1) covering `windowMs` in
 *   buckets of `precisionMs` (1 h / 50 ms = 72 000 slots = 576 KB). A timer further away than
 *   the window sits in its slot until the slot comes round, and is then appended again
 *   ("rolled") for the next lap.
 * - `timerwheel` + `timercheck.json`: a checkpoint of the wheel, the log length and segments,
 *   the processed bucket and one caller number (`extra`, the broker's progress in the timer
 *   topic). On open the log is cut back to the checkpoint; the caller re-adds what it appended
 *   after it.
 *
 * A bucket is handed out (`takeDue`) once its end has passed, so a timer is delivered at most
 * `precisionMs` (plus scheduling) after its time. After a crash, timers taken since the last
 * checkpoint are taken again (at least once).
 *
 * Disk stays bounded under a never-empty pending set: every entry is walked (delivered or
 * rolled to a new entry) within one turn of the wheel after its append, so a checkpoint
 * deletes the segments whose last append is more than `slotCount` buckets behind the
 * processed bucket (and all of them when nothing is pending). The log holds about one window
 * of appends (adds plus rolls) plus one segment.
 *
 * Runs on: main thread
 * @module
 */
import { assert } from "../../common/mod.ts";
import { type FileIO, nodeFileIO } from "../file_io.ts";
import { type Checkpoint, readCheckpoint, readWheel, writeFileSynced } from "./_timer_files.ts";
import { TIMER_ENTRY_BYTES, TimerLogSegments } from "./_timer_segments.ts";

export { TIMER_ENTRY_BYTES };
/** Default entries per timer-log segment file (4 MiB). */
export const TIMER_SEGMENT_ENTRIES = 131_072;
/** Most buckets walked by one `takeDue` call (a long downtime is caught up over calls). */
const BUCKETS_PER_CALL_MAX = 200_000;

/** One pending timer: when, and which commit-log record. */
export interface TimerEntry {
  deliverMs: number;
  physicalOffset: number;
  size: number;
  /** The caller's mark, kept with the entry (the broker: "store the record again", not "deliver"). */
  roll?: boolean;
}

/** Options of `TimerWheelStore.open`. */
export interface TimerWheelStoreOptions {
  /** Folder of the files (created when missing). */
  dir: string;
  /** Bucket width, ms, of a fresh store (an existing store keeps its own). */
  precisionMs: number;
  /** Time covered by the wheel, ms (a multiple of `precisionMs`). */
  windowMs: number;
  /** Now, for a fresh store's first bucket. */
  nowMs: number;
  /** Entries per log segment file (`TIMER_SEGMENT_ENTRIES`; an existing store keeps its own). */
  segmentEntries?: number;
  io?: FileIO;
}

/** See the module comment. */
export class TimerWheelStore {
  readonly #io: FileIO;
  readonly #dir: string;
  readonly #precisionMs: number;
  readonly #slots: Float64Array;
  readonly #log: TimerLogSegments;
  readonly #entry = new Uint8Array(TIMER_ENTRY_BYTES);
  readonly #view = new DataView(this.#entry.buffer);
  #logEntries: number;
  #processedBucket: number;
  #pending: number;
  #extra: number;
  readonly #segmentEntries: number;
  /** Detached chain of the bucket being handed out, when a call stopped inside it. */
  #cursor: { bucket: number; next: number } | undefined;
  /**
   * True while the files hold the wheel, the log and `extra` as they are now (only
   * `processedBucket` may be behind, which costs a walk over empty buckets after a restart).
   */
  #saved = false;

  private constructor(
    options: TimerWheelStoreOptions,
    io: FileIO,
    log: TimerLogSegments,
    cp: Checkpoint,
  ) {
    this.#io = io;
    this.#dir = options.dir;
    this.#precisionMs = cp.precisionMs;
    this.#slots = new Float64Array(cp.slotCount).fill(-1);
    this.#log = log;
    this.#logEntries = cp.logEntries;
    this.#processedBucket = cp.processedBucket;
    this.#pending = cp.pending;
    this.#extra = cp.extra;
    this.#segmentEntries = cp.segmentEntries ?? TIMER_SEGMENT_ENTRIES;
  }

  /** Opens the store, cutting the log back to the last checkpoint. */
  static open(options: TimerWheelStoreOptions): TimerWheelStore {
    assert(
      options.precisionMs > 0 && options.windowMs >= options.precisionMs,
      "bad timer wheel geometry",
    );
    const io = options.io ?? nodeFileIO;
    io.mkdir(options.dir);
    const fresh: Checkpoint = {
      logEntries: 0,
      processedBucket: Math.floor(options.nowMs / options.precisionMs),
      pending: 0,
      extra: 0,
      precisionMs: options.precisionMs,
      slotCount: Math.ceil(options.windowMs / options.precisionMs),
      segments: [],
      segmentEntries: options.segmentEntries ?? TIMER_SEGMENT_ENTRIES,
    };
    let cp = readCheckpoint(io, options.dir) ?? fresh;
    let wheel: Uint8Array | undefined;
    if (cp !== fresh) {
      wheel = readWheel(io, options.dir, cp.slotCount);
      // A checkpoint without its wheel file cannot be used. One written with another precision
      // keeps it (see `precisionMs`): starting afresh would lose or repeat pending timers.
      if (wheel === undefined) cp = fresh;
    }
    const folder = `${options.dir}/timerlogs`;
    if (cp === fresh) {
      io.remove(folder);
      io.remove(`${options.dir}/timerlog`);
    } else if (cp.segments === undefined) cp = migrateSingleFile(io, options.dir, cp);
    const log = TimerLogSegments.open(
      io,
      folder,
      cp.segments ?? [],
      cp.logEntries,
      cp.segmentEntries ?? fresh.segmentEntries!,
    );
    const store = new TimerWheelStore(options, io, log, cp);
    if (cp !== fresh && wheel !== undefined) {
      store.#slots.set(new Float64Array(wheel.buffer, wheel.byteOffset, cp.slotCount));
      store.#saved = true;
    }
    return store;
  }

  /** Timers added and not yet taken. */
  get pending(): number {
    return this.#pending;
  }

  /** The caller's number saved with the last checkpoint. */
  get extra(): number {
    return this.#extra;
  }

  /** Bucket width in use: the checkpoint's, which wins over the option. */
  get precisionMs(): number {
    return this.#precisionMs;
  }

  /** Start of the first bucket not handed out yet, ms. */
  get processedUntilMs(): number {
    return this.#processedBucket * this.#precisionMs;
  }

  /** Slots of the wheel (memory = 8 bytes each). */
  get slotCount(): number {
    return this.#slots.length;
  }

  /**
   * Adds a timer. Returns false (and stores nothing) when its bucket was already handed out:
   * the caller delivers it now.
   */
  add(entry: TimerEntry): boolean {
    const bucket = Math.floor(entry.deliverMs / this.#precisionMs);
    // A bucket already (or partly) handed out has ended: its late arrivals are due now.
    if (bucket < this.#processedBucket || this.#cursor?.bucket === bucket) return false;
    this.#append(entry, bucket);
    this.#pending++;
    return true;
  }

  #append(entry: TimerEntry, bucket: number): void {
    const slot = bucket % this.#slots.length;
    const index = this.#logEntries;
    const v = this.#view;
    v.setFloat64(0, entry.deliverMs);
    v.setFloat64(8, entry.physicalOffset);
    v.setInt32(16, entry.size);
    v.setInt32(20, entry.roll === true ? 1 : 0);
    v.setFloat64(24, this.#slots[slot] ?? -1);
    this.#log.write(index, this.#entry, this.#processedBucket);
    this.#logEntries++;
    this.#slots[slot] = index;
    this.#saved = false;
  }

  #read(index: number): Required<TimerEntry> & { prev: number } {
    const n = this.#log.read(index, this.#entry);
    assert(n === TIMER_ENTRY_BYTES, `timer log entry ${index} is truncated`);
    const v = this.#view;
    return {
      deliverMs: v.getFloat64(0),
      physicalOffset: v.getFloat64(8),
      size: v.getInt32(16),
      roll: (v.getInt32(20) & 1) === 1,
      prev: v.getFloat64(24),
    };
  }

  /** Hands out up to `max` timers of buckets that ended by `nowMs`, in bucket order. */
  takeDue(nowMs: number, max: number): TimerEntry[] {
    const due: TimerEntry[] = [];
    for (let walked = 0; walked < BUCKETS_PER_CALL_MAX && due.length < max; walked++) {
      const bucket = this.#processedBucket;
      if ((bucket + 1) * this.#precisionMs > nowMs) break;
      let next: number;
      if (this.#cursor?.bucket === bucket) next = this.#cursor.next;
      else {
        const slot = bucket % this.#slots.length;
        next = this.#slots[slot] ?? -1;
        this.#slots[slot] = -1;
      }
      if (next >= 0) this.#saved = false;
      while (next >= 0 && due.length < max) {
        const entry = this.#read(next);
        next = entry.prev;
        const entryBucket = Math.floor(entry.deliverMs / this.#precisionMs);
        if (entryBucket > bucket) this.#append(entry, entryBucket);
        else {
          const { deliverMs, physicalOffset, size, roll } = entry;
          due.push(
            roll ? { deliverMs, physicalOffset, size, roll } : { deliverMs, physicalOffset, size },
          );
        }
      }
      if (next >= 0) {
        this.#cursor = { bucket, next };
        break;
      }
      this.#cursor = undefined;
      this.#processedBucket++;
    }
    this.#pending -= due.length;
    return due;
  }

  /**
   * Saves the wheel, the log length, the processed bucket and `extra` (fsync + rename).
   * Skipped (false) while a bucket is half handed out. When nothing but the processed bucket
   * changed since the last checkpoint, nothing is written (true): the saved state replays
   * to the same timers, and the broker calls this every second on its main thread, where
   * three fdatasyncs stall every connection.
   */
  checkpoint(extra: number): boolean {
    if (this.#cursor !== undefined) return false;
    if (this.#saved && extra === this.#extra) return true;
    let dead;
    if (this.#pending === 0) {
      this.#slots.fill(-1);
      dead = this.#log.detachAll();
    } else dead = this.#log.detachDead(this.#processedBucket, this.#slots.length);
    this.#log.sync();
    this.#extra = extra;
    writeFileSynced(this.#io, `${this.#dir}/timerwheel`, new Uint8Array(this.#slots.buffer));
    const cp: Checkpoint = {
      logEntries: this.#logEntries,
      processedBucket: this.#processedBucket,
      pending: this.#pending,
      extra,
      precisionMs: this.#precisionMs,
      slotCount: this.#slots.length,
      segments: this.#log.records(),
      segmentEntries: this.#segmentEntries,
    };
    writeFileSynced(
      this.#io,
      `${this.#dir}/timercheck.json`,
      new TextEncoder().encode(JSON.stringify(cp)),
    );
    // Deleted only now: the checkpoint just written no longer refers to them.
    this.#log.remove(dead);
    this.#saved = true;
    return true;
  }

  /** Bytes of the timer log on disk. */
  get logBytes(): number {
    return this.#log.bytes();
  }

  /** Files of the timer log. */
  get logSegments(): number {
    return this.#log.count;
  }

  /** Closes the log files (no checkpoint: call `checkpoint` first). */
  close(): void {
    this.#log.close();
  }
}

/**
 * A checkpoint of the single-file log (`<dir>/timerlog`): that file becomes the first segment
 * of `timerlogs/` (one rename, so a crash here only repeats it).
 */
function migrateSingleFile(io: FileIO, dir: string, cp: Checkpoint): Checkpoint {
  const first = `${dir}/timerlogs/${"0".padStart(20, "0")}`;
  io.mkdir(`${dir}/timerlogs`);
  if (io.exists(`${dir}/timerlog`)) io.rename(`${dir}/timerlog`, first);
  else if (!io.exists(first)) return { ...cp, segments: [] };
  return { ...cp, segments: [[0, cp.processedBucket]] };
}
