/**
 * The replication protocol between our master and slave on `haListenPort`
 * (pure codec: bytes in, values out). Java's classic stream (8-byte offset
 * reports, 12-byte transfer headers) has one offset space; a sharded store
 * has one per shard, so every frame here names its shard or carries one
 * offset per shard. Frame: int32 length of what follows, u8 type, payload,
 * all big-endian.
 *
 * | type | direction | payload |
 * | --- | --- | --- |
 * | 1 HELLO | slave → master | u8 version, u16 shards, per shard i64 commit-log end |
 * | 2 REPORT | slave → master | u16 shards, per shard i64 confirmed end (whole records) |
 * | 3 WELCOME | master → slave | u16 shards, per shard i64 min, i64 max, i64 start, u32 window, u32 crc32 |
 * | 4 DATA | master → slave | u16 shard, i64 offset, i32 size, size raw bytes (size 0 = heartbeat) |
 *
 * Runs on: any
 * @module
 */
import { DecodeError } from "../common/mod.ts";

/** Protocol version sent in HELLO. */
export const HA_PROTOCOL_VERSION = 1;
/** Most shards a frame may list. */
export const HA_SHARDS_MAX = 1024;
/** Largest frame accepted (a DATA frame of 4 MiB plus its header). */
export const HA_FRAME_MAX_BYTES = 4 * 1024 * 1024 + 64;

const TYPE_HELLO = 1;
const TYPE_REPORT = 2;
const TYPE_WELCOME = 3;
const TYPE_DATA = 4;
const TWO_32 = 4294967296;
const WELCOME_SHARD_BYTES = 32;
/** Bytes of a DATA frame before its data: length, type, shard, offset, size. */
const DATA_HEADER_BYTES = 19;
/** Bytes before the join point whose CRC32 the master sends in WELCOME. */
export const HA_JOIN_CHECK_BYTES = 4096;

/**
 * Per shard: where the master's log starts and ends, where it streams from,
 * and the CRC32 of its `window` bytes just before `start`, so the slave can
 * check that its log joins the master's there (same history) before going on.
 */
export interface ShardRange {
  min: number;
  max: number;
  start: number;
  window: number;
  crc: number;
}

/** One decoded frame. */
export type HaFrame =
  | { type: "hello"; version: number; offsets: number[] }
  | { type: "report"; offsets: number[] }
  | { type: "welcome"; shards: ShardRange[] }
  | { type: "data"; shard: number; offset: number; bytes: Uint8Array };

function writeI64(view: DataView, pos: number, value: number): void {
  view.setInt32(pos, Math.floor(value / TWO_32));
  view.setUint32(pos + 4, value >>> 0);
}

function readI64(view: DataView, pos: number): number {
  const value = view.getInt32(pos) * TWO_32 + view.getUint32(pos + 4);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DecodeError(`Invalid HA frame: offset ${value} out of range`);
  }
  return value;
}

function frame(type: number, payloadBytes: number): { out: Uint8Array; view: DataView } {
  const out = new Uint8Array(5 + payloadBytes);
  const view = new DataView(out.buffer);
  view.setInt32(0, 1 + payloadBytes);
  view.setUint8(4, type);
  return { out, view };
}

function offsetsFrame(type: number, offsets: readonly number[], prefix: number): Uint8Array {
  const { out, view } = frame(type, prefix + 2 + offsets.length * 8);
  if (prefix === 1) view.setUint8(5, HA_PROTOCOL_VERSION);
  view.setUint16(5 + prefix, offsets.length);
  offsets.forEach((o, i) => writeI64(view, 7 + prefix + i * 8, o));
  return out;
}

/** HELLO: the slave's commit-log end per shard. */
export function encodeHello(offsets: readonly number[]): Uint8Array {
  return offsetsFrame(TYPE_HELLO, offsets, 1);
}

/** REPORT: the slave's confirmed end per shard. */
export function encodeReport(offsets: readonly number[]): Uint8Array {
  return offsetsFrame(TYPE_REPORT, offsets, 0);
}

/** WELCOME: the master's range per shard and where it starts streaming. */
export function encodeWelcome(shards: readonly ShardRange[]): Uint8Array {
  const { out, view } = frame(TYPE_WELCOME, 2 + shards.length * WELCOME_SHARD_BYTES);
  view.setUint16(5, shards.length);
  shards.forEach((s, i) => {
    const pos = 7 + i * WELCOME_SHARD_BYTES;
    writeI64(view, pos, s.min);
    writeI64(view, pos + 8, s.max);
    writeI64(view, pos + 16, s.start);
    view.setUint32(pos + 24, s.window);
    view.setUint32(pos + 28, s.crc >>> 0);
  });
  return out;
}

/** Header of a DATA frame carrying `size` bytes (the bytes follow it on the wire). */
export function encodeDataHeader(shard: number, offset: number, size: number): Uint8Array {
  const { out, view } = frame(TYPE_DATA, 14);
  view.setInt32(0, 15 + size);
  view.setUint16(5, shard);
  writeI64(view, 7, offset);
  view.setInt32(15, size);
  return out;
}

/** A whole DATA frame. */
export function encodeData(shard: number, offset: number, bytes: Uint8Array): Uint8Array {
  const header = encodeDataHeader(shard, offset, bytes.length);
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header, 0);
  out.set(bytes, header.length);
  return out;
}

/** Bytes of one shard's log starting at `offset`, to be sent as DATA frames. */
export interface DataRun {
  shard: number;
  offset: number;
  bytes: Uint8Array;
}

/**
 * Consecutive DATA frames for `runs`, each frame carrying at most
 * `frameBytes` of its run, all in one buffer (one socket write).
 */
export function encodeDataFrames(runs: readonly DataRun[], frameBytes: number): Uint8Array {
  const size = Math.max(1, Math.floor(frameBytes));
  let total = 0;
  for (const run of runs) {
    total += run.bytes.length + Math.ceil(run.bytes.length / size) * DATA_HEADER_BYTES;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const run of runs) {
    for (let at = 0; at < run.bytes.length; at += size) {
      const part = run.bytes.subarray(at, Math.min(run.bytes.length, at + size));
      view.setInt32(pos, DATA_HEADER_BYTES - 4 + part.length);
      view.setUint8(pos + 4, TYPE_DATA);
      view.setUint16(pos + 5, run.shard);
      writeI64(view, pos + 7, run.offset + at);
      view.setInt32(pos + 15, part.length);
      out.set(part, pos + DATA_HEADER_BYTES);
      pos += DATA_HEADER_BYTES + part.length;
    }
  }
  return out;
}

function readShardCount(view: DataView, pos: number, perShard: number, size: number): number {
  const n = view.getUint16(pos);
  if (n > HA_SHARDS_MAX || pos + 2 + n * perShard !== size) {
    throw new DecodeError(`Invalid HA frame: ${n} shards do not fit ${size} bytes`);
  }
  return n;
}

/** Decodes the body of one frame (type byte onwards); throws `DecodeError` when malformed. */
export function decodeFrameBody(body: Uint8Array): HaFrame {
  if (body.length < 1) throw new DecodeError("Invalid HA frame: empty");
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const type = view.getUint8(0);
  const need = (n: number) => {
    if (body.length < n) throw new DecodeError(`Invalid HA frame: type ${type} too short`);
  };
  switch (type) {
    case TYPE_HELLO: {
      need(4);
      const version = view.getUint8(1);
      const n = readShardCount(view, 2, 8, body.length);
      return { type: "hello", version, offsets: listI64(view, 4, n) };
    }
    case TYPE_REPORT: {
      need(3);
      const n = readShardCount(view, 1, 8, body.length);
      return { type: "report", offsets: listI64(view, 3, n) };
    }
    case TYPE_WELCOME: {
      need(3);
      const n = readShardCount(view, 1, WELCOME_SHARD_BYTES, body.length);
      const shards: ShardRange[] = [];
      for (let i = 0; i < n; i++) {
        const pos = 3 + i * WELCOME_SHARD_BYTES;
        shards.push({
          min: readI64(view, pos),
          max: readI64(view, pos + 8),
          start: readI64(view, pos + 16),
          window: view.getUint32(pos + 24),
          crc: view.getUint32(pos + 28),
        });
      }
      return { type: "welcome", shards };
    }
    case TYPE_DATA: {
      need(15);
      const size = view.getInt32(11);
      if (size < 0 || 15 + size !== body.length) {
        throw new DecodeError(`Invalid HA frame: data size ${size} does not match the frame`);
      }
      return {
        type: "data",
        shard: view.getUint16(1),
        offset: readI64(view, 3),
        bytes: body.subarray(15),
      };
    }
    default:
      throw new DecodeError(`Invalid HA frame: unknown type ${type}`);
  }
}

function listI64(view: DataView, pos: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => readI64(view, pos + i * 8));
}

/**
 * Splits a byte stream into frames: feed it whatever arrives, take the
 * frames that are complete. `next()` gives copies (safe to keep),
 * `nextView()` views of its buffer.
 */
export class HaFrameDecoder {
  #buf = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;

  /** Adds received bytes. */
  push(bytes: Uint8Array): void {
    if (this.#end + bytes.length > this.#buf.length) {
      const used = this.#end - this.#start;
      const size = Math.max(this.#buf.length, (used + bytes.length) * 2);
      const next = size > this.#buf.length ? new Uint8Array(size) : this.#buf;
      next.set(this.#buf.subarray(this.#start, this.#end), 0);
      this.#buf = next;
      this.#start = 0;
      this.#end = used;
    }
    this.#buf.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /** The next complete frame, or `undefined` when more bytes are needed. */
  next(): HaFrame | undefined {
    return this.#take(true);
  }

  /**
   * Like `next()`, but the bytes of a DATA frame are a view of the decoder's
   * buffer, valid only until the next `push()` (no copy).
   */
  nextView(): HaFrame | undefined {
    return this.#take(false);
  }

  #take(copy: boolean): HaFrame | undefined {
    if (this.#end - this.#start < 4) return undefined;
    const view = new DataView(this.#buf.buffer, this.#start, 4);
    const length = view.getInt32(0);
    if (length < 1 || length > HA_FRAME_MAX_BYTES) {
      throw new DecodeError(`Invalid HA frame: length ${length}`);
    }
    if (this.#end - this.#start < 4 + length) return undefined;
    const from = this.#start + 4;
    const body = copy
      ? this.#buf.slice(from, from + length)
      : this.#buf.subarray(from, from + length);
    this.#start += 4 + length;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return decodeFrameBody(body);
  }
}
