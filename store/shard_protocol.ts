/**
 * The message protocol between the main-thread facade and a shard worker:
 * a versioned union of requests and responses and a pure validator. Put
 * bytes travel as one transferred `ArrayBuffer` per batch; put results come
 * back packed in one `Float64Array`; read results carry their own
 * transferred buffers.
 *
 * Runs on: any
 * @module
 */
import { DecodeError } from "../common/mod.ts";
import type { StoreConfig } from "./store_config.ts";
import {
  type GetRequest,
  type MessageArrival,
  PUT_STATUSES,
  type PutResult,
  type QueryRequest,
  type ShardStats,
} from "./store_types.ts";

/** Protocol version; both sides must agree. */
export const SHARD_PROTOCOL_VERSION = 1;

/** A put inside a batch: its records are `[byteOffset, byteOffset + byteLength)` of the payload. */
export interface PutOp {
  op: "put";
  topic: string;
  queueId: number;
  byteOffset: number;
  byteLength: number;
  wait: boolean;
}

/** Puts of a batch in compact form: a topic table and 5 numbers per put, one transferred buffer. */
export interface PutOpsWire {
  /** Distinct topics of the batch. */
  topics: string[];
  /** Per put: topic index, queue id, byte offset, byte length, wait (1/0). */
  meta: Float64Array;
}

const PUT_FIELDS = 5;

/** Collects puts for `PutOpsWire` without one object per put. */
export class PutOpsBuilder {
  readonly #topics: string[] = [];
  readonly #topicIndex = new Map<string, number>();
  #meta: number[] = [];

  /** Number of puts added. */
  get count(): number {
    return this.#meta.length / PUT_FIELDS;
  }

  /** Adds one put. */
  add(topic: string, queueId: number, byteOffset: number, byteLength: number, wait: boolean): void {
    let index = this.#topicIndex.get(topic);
    if (index === undefined) {
      index = this.#topics.length;
      this.#topics.push(topic);
      this.#topicIndex.set(topic, index);
    }
    this.#meta.push(index, queueId, byteOffset, byteLength, wait ? 1 : 0);
  }

  /** The wire form. */
  build(): PutOpsWire {
    return { topics: this.#topics, meta: new Float64Array(this.#meta) };
  }
}

/** Expands the wire form into put ops. */
export function decodePutOps(wire: PutOpsWire): PutOp[] {
  const out: PutOp[] = [];
  const m = wire.meta;
  for (let i = 0; i + PUT_FIELDS <= m.length; i += PUT_FIELDS) {
    out.push({
      op: "put",
      topic: wire.topics[m[i]!] ?? "",
      queueId: m[i + 1]!,
      byteOffset: m[i + 2]!,
      byteLength: m[i + 3]!,
      wait: m[i + 4] === 1,
    });
  }
  return out;
}

/** Every non-put operation, with the id its answer carries. */
export type ReadOp =
  | { op: "get"; id: number; req: GetRequest }
  | { op: "look"; id: number; physicalOffset: number }
  | { op: "query"; id: number; req: QueryRequest }
  | { op: "maxOffset" | "minOffset"; id: number; topic: string; queueId: number }
  | { op: "offsetByTime"; id: number; topic: string; queueId: number; timestamp: number }
  | { op: "earliestTime"; id: number; topic?: string; queueId?: number }
  | { op: "storeTime"; id: number; topic: string; queueId: number; offset: number }
  | { op: "deleteTopics"; id: number; topics: string[] }
  | { op: "stats" | "flush"; id: number }
  | { op: "retention"; id: number; force: boolean }
  | { op: "replicaRead"; id: number; offset: number; max: number }
  | { op: "replicaAppend"; id: number; offset: number; bytes: Uint8Array }
  | { op: "replicaTruncate"; id: number; offset: number };

/** Main thread → worker. */
export type ShardRequest =
  | { kind: "open"; version: number; config: StoreConfig; shard: number }
  | {
    kind: "batch";
    payload: ArrayBuffer | null;
    puts: PutOpsWire | null;
    ops: ReadOp[];
    /** Physical offsets to look up (VIEW_MESSAGE_BY_ID), answered in `lookIndex`. */
    looks: Float64Array | null;
  }
  | { kind: "close" };

/** An error carried across the worker boundary. */
export interface WireError {
  name: string;
  message: string;
  code: string;
}

/** Answer to one `ReadOp`. */
export interface OpResult {
  id: number;
  value?: unknown;
  /** `[start, length]` of the op's bytes in the response's packed buffer. */
  bytes?: [number, number];
  error?: WireError;
}

/** Worker → main thread. */
export type ShardResponse =
  | { kind: "opened"; stats: ShardStats }
  | { kind: "openFailed"; error: WireError }
  | {
    kind: "results";
    putResults: Float64Array | null;
    results: OpResult[];
    arrivals: MessageArrival[];
    packed: ArrayBuffer | null;
    /** Per look: start and length in `lookBytes` (length 0: no record there). */
    lookIndex: Float64Array | null;
    lookBytes: ArrayBuffer | null;
  }
  | { kind: "closed" };

/** Validates a request received by the worker; throws `DecodeError` on anything else. */
export function validateShardRequest(data: unknown): ShardRequest {
  if (data === null || typeof data !== "object") {
    throw new DecodeError("Invalid shard request: not an object");
  }
  const msg = data as { kind?: unknown; version?: unknown };
  if (msg.kind === "open") {
    if (msg.version !== SHARD_PROTOCOL_VERSION) {
      throw new DecodeError(`Invalid shard request: protocol version "${String(msg.version)}"`);
    }
    return data as ShardRequest;
  }
  if (msg.kind === "batch") {
    const batch = data as {
      puts?: { topics?: unknown; meta?: unknown } | null;
      ops?: unknown;
      payload?: unknown;
    };
    if (!Array.isArray(batch.ops)) {
      throw new DecodeError("Invalid shard request: batch without ops");
    }
    if (batch.puts !== null && batch.puts !== undefined) {
      if (!Array.isArray(batch.puts.topics) || !(batch.puts.meta instanceof Float64Array)) {
        throw new DecodeError("Invalid shard request: malformed puts");
      }
      if (!(batch.payload instanceof ArrayBuffer)) {
        throw new DecodeError("Invalid shard request: puts without a payload");
      }
    }
    return data as ShardRequest;
  }
  if (msg.kind === "close") return data as ShardRequest;
  throw new DecodeError(`Invalid shard request: kind "${String(msg.kind)}"`);
}

/** Packs put results: per put `[status, queueOffset, storeTimestamp, count, ...physicalOffsets]`. */
export function encodePutResults(results: readonly PutResult[]): Float64Array {
  let size = 0;
  for (const r of results) size += 4 + r.physicalOffsets.length;
  const out = new Float64Array(size);
  let pos = 0;
  for (const r of results) {
    out[pos++] = PUT_STATUSES.indexOf(r.status);
    out[pos++] = r.queueOffset;
    out[pos++] = r.storeTimestamp;
    out[pos++] = r.physicalOffsets.length;
    for (const offset of r.physicalOffsets) out[pos++] = offset;
  }
  return out;
}

/** Unpacks `count` put results packed by `encodePutResults`. */
export function decodePutResults(packed: Float64Array, count: number): PutResult[] {
  const out: PutResult[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const status = PUT_STATUSES[packed[pos++]!] ?? "UNKNOWN_ERROR";
    const queueOffset = packed[pos++]!;
    const storeTimestamp = packed[pos++]!;
    const n = packed[pos++]!;
    const physicalOffsets = n === 1 ? [packed[pos]!] : Array.from(packed.subarray(pos, pos + n));
    pos += n;
    out.push({ status, queueOffset, storeTimestamp, physicalOffsets, count: n });
  }
  return out;
}

/** Turns any thrown value into a `WireError`. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      code: typeof code === "string" ? code : "STORE_ERROR",
    };
  }
  return { name: "Error", message: String(error), code: "STORE_ERROR" };
}
