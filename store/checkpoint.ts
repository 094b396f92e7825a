/**
 * The shard checkpoint: how far the commit log, consume queues and index
 * were durable together at the last flush, plus RocketMQ's three flush
 * timestamps. Recovery re-dispatches from `safeOffset`. The record carries a
 * CRC; a torn or missing checkpoint reads as `undefined` (full rescan).
 *
 * Runs on: shard worker
 * @module
 */
import { crc32 } from "node:zlib";
import type { FileIO } from "./file_io.ts";

/** Contents of the checkpoint file. */
export interface CheckpointData {
  /** Every record below this offset is durable and dispatched durably. */
  safeOffset: number;
  /** Store time of the last durable commit-log record. */
  physicMsgTimestamp: number;
  /** Store time of the last durable consume-queue entry. */
  logicsMsgTimestamp: number;
  /** Store time of the last durable index entry. */
  indexMsgTimestamp: number;
}

const MAGIC = 0x52514b50; // "RQKP"
const VERSION = 1;
const BYTES = 48;

/** Encodes a checkpoint record. */
export function encodeCheckpoint(data: CheckpointData): Uint8Array {
  const buf = new Uint8Array(BYTES);
  const view = new DataView(buf.buffer);
  view.setInt32(0, MAGIC);
  view.setInt32(4, VERSION);
  view.setFloat64(8, data.safeOffset);
  view.setFloat64(16, data.physicMsgTimestamp);
  view.setFloat64(24, data.logicsMsgTimestamp);
  view.setFloat64(32, data.indexMsgTimestamp);
  view.setUint32(40, crc32(buf.subarray(0, 40)) >>> 0);
  return buf;
}

/** Decodes a checkpoint record; `undefined` when torn or foreign. */
export function decodeCheckpoint(buf: Uint8Array): CheckpointData | undefined {
  if (buf.length < BYTES) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, BYTES);
  if (view.getInt32(0) !== MAGIC || view.getInt32(4) !== VERSION) return undefined;
  if (view.getUint32(40) !== (crc32(buf.subarray(0, 40)) >>> 0)) return undefined;
  return {
    safeOffset: view.getFloat64(8),
    physicMsgTimestamp: view.getFloat64(16),
    logicsMsgTimestamp: view.getFloat64(24),
    indexMsgTimestamp: view.getFloat64(32),
  };
}

/** Reads the checkpoint at `path`; `undefined` when missing or invalid. */
export function readCheckpoint(io: FileIO, path: string): CheckpointData | undefined {
  if (!io.exists(path)) return undefined;
  const handle = io.open(path);
  try {
    const buf = new Uint8Array(BYTES);
    if (io.read(handle, buf, 0) < BYTES) return undefined;
    return decodeCheckpoint(buf);
  } finally {
    io.close(handle);
  }
}

/** Keeps the checkpoint file open and rewrites it in place. */
export class Checkpoint {
  readonly #io: FileIO;
  readonly #handle: number;
  /** Path of the file. */
  readonly path: string;

  /** Opens (creating) the checkpoint file at `path`. */
  constructor(io: FileIO, path: string) {
    this.path = path;
    this.#io = io;
    this.#handle = io.open(path, { create: true });
  }

  /** Writes and forces `data`. */
  write(data: CheckpointData): void {
    this.writeNoSync(data);
    this.#io.syncData(this.#handle);
  }

  /** Writes `data` without forcing it (another thread syncs `path`). */
  writeNoSync(data: CheckpointData): void {
    this.#io.write(this.#handle, encodeCheckpoint(data), 0);
  }

  /** Closes the file. */
  close(): void {
    this.#io.close(this.#handle);
  }
}
