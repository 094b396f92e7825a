/**
 * The checkpoint files of `TimerWheelStore`: `timercheck.json` (log length, processed bucket,
 * pending count, caller number, geometry, log segments) and `timerwheel` (slot heads), each
 * written to a temporary file, synced and renamed into place.
 *
 * Runs on: main thread
 * @module
 */
import type { FileIO } from "../file_io.ts";
import type { SegmentRecord } from "./_timer_segments.ts";

/** What `timercheck.json` holds. */
export interface Checkpoint {
  logEntries: number;
  processedBucket: number;
  pending: number;
  extra: number;
  precisionMs: number;
  slotCount: number;
  /** Log segments; absent in checkpoints of the single-file log (one segment from index 0). */
  segments?: SegmentRecord[];
  /** Entries per segment file. */
  segmentEntries?: number;
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** Writes `bytes` to `path` through a synced temporary file and a rename. */
export function writeFileSynced(io: FileIO, path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  const handle = io.open(tmp, { create: true });
  try {
    io.truncate(handle, 0);
    io.write(handle, bytes, 0);
    io.syncData(handle);
  } finally {
    io.close(handle);
  }
  io.rename(tmp, path);
}

/** The checkpoint, or `undefined` when missing or unreadable. */
export function readCheckpoint(io: FileIO, dir: string): Checkpoint | undefined {
  const path = `${dir}/timercheck.json`;
  if (!io.exists(path)) return undefined;
  const handle = io.open(path);
  try {
    const bytes = new Uint8Array(io.size(handle));
    io.read(handle, bytes, 0);
    const cp = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Checkpoint>;
    const fields = [
      cp.logEntries,
      cp.processedBucket,
      cp.pending,
      cp.extra,
      cp.precisionMs,
      cp.slotCount,
    ];
    if (!fields.every(isCount)) return undefined;
    if (cp.segmentEntries !== undefined && !(isCount(cp.segmentEntries) && cp.segmentEntries > 0)) {
      return undefined;
    }
    const segments = cp.segments;
    if (
      segments !== undefined &&
      !(Array.isArray(segments) &&
        segments.every((s) => Array.isArray(s) && s.length === 2 && s.every(isCount)))
    ) return undefined;
    return cp as Checkpoint;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  } finally {
    io.close(handle);
  }
}

/** The wheel bytes, or `undefined` when missing or of another size. */
export function readWheel(io: FileIO, dir: string, slotCount: number): Uint8Array | undefined {
  const path = `${dir}/timerwheel`;
  if (!io.exists(path)) return undefined;
  const handle = io.open(path);
  try {
    if (io.size(handle) !== slotCount * 8) return undefined;
    const bytes = new Uint8Array(slotCount * 8);
    io.read(handle, bytes, 0);
    return bytes;
  } finally {
    io.close(handle);
  }
}
