/**
 * The checkpoint files of `TimerWheelStore`: `timercheck.json` (log length, processed bucket,
 * pending count, caller number, geometry) and `timerwheel` (slot heads), each written to a
 * temporary file, synced and renamed into place.
 *
 * Runs on: main thread
 * @module
 */
import type { FileIO } from "../file_io.ts";

/** What `timercheck.json` holds. */
export interface Checkpoint {
  logEntries: number;
  processedBucket: number;
  pending: number;
  extra: number;
  precisionMs: number;
  slotCount: number;
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
    if (!fields.every((f) => typeof f === "number" && Number.isSafeInteger(f) && f >= 0)) {
      return undefined;
    }
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
