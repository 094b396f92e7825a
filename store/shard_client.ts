/**
 * The main thread's handle on one shard. `WorkerShardClient` queues every
 * call made in the same tick and sends them as one message with one
 * transferred buffer of put bytes (bounded batches in flight; while the
 * worker is busy, e.g. in an fdatasync, new puts gather into the next batch:
 * group commit). `LocalShardClient` (local_shard_client.ts) runs the same
 * batches on the main thread.
 *
 * Runs on: main thread
 * @module
 */
import { takeShardWorker } from "./shard_worker_pool.ts";
import { BrokerError } from "../common/mod.ts";
import { unpackLooks, unpackResult } from "./shard_ops.ts";
import {
  decodePutResults,
  type OpResult,
  PutOpsBuilder,
  type ReadOp,
  SHARD_PROTOCOL_VERSION,
  type ShardRequest,
  type ShardResponse,
  type WireError,
} from "./shard_protocol.ts";
import type { StoreConfig } from "./store_config.ts";
import type { MessageArrival, PutRequest, PutResult } from "./store_types.ts";

/** A read op without its id (the client assigns ids). */
export type ReadOpInput = ReadOp extends infer T ? T extends ReadOp ? Omit<T, "id"> : never : never;

/** What the facade needs from a shard. */
export interface ShardClient {
  /** Queues a put. */
  put(req: PutRequest): Promise<PutResult>;
  /**
   * Queues a read or admin op. Buffers in `transfer` (owned by the caller,
   * used by the op) move to a worker instead of being copied; they are
   * detached afterwards.
   */
  call(op: ReadOpInput, transfer?: ArrayBuffer[]): Promise<unknown>;
  /** Queues a lookup by physical offset (batched in compact form). */
  look(physicalOffset: number): Promise<Uint8Array | undefined>;
  /** Flushes and closes the shard. */
  close(): Promise<void>;
}

/** Receives arrivals. */
export type ArrivalSink = (arrivals: MessageArrival[]) => void;

/** Rebuilds a thrown error from its wire form. */
export function fromWireError(error: WireError): BrokerError {
  const out = new BrokerError(error.message, { code: error.code });
  out.name = error.name;
  return out;
}

/** A pending caller. */
export interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Calls queued for one message to a shard. */
export interface Batch {
  puts: PutOpsBuilder;
  putWaiters: Waiter[];
  parts: Uint8Array[];
  /** Whether the single part may be transferred (its put gave its records away). */
  given: boolean;
  bytes: number;
  ops: ReadOp[];
  /** Buffers of `ops` that move to the worker (see `ShardClient.call`). */
  transfer: ArrayBuffer[];
  looks: number[];
  lookWaiters: Waiter[];
}

/** Largest batch: bounded so several batches pipeline between the threads. */
const BATCH_MAX_OPS = 512;
const BATCH_MAX_BYTES = 1024 * 1024;

function isFull(batch: Batch): boolean {
  return batch.puts.count + batch.ops.length + batch.looks.length >= BATCH_MAX_OPS ||
    batch.bytes >= BATCH_MAX_BYTES;
}

/** A batch with nothing queued. */
export function emptyBatch(): Batch {
  return {
    puts: new PutOpsBuilder(),
    putWaiters: [],
    parts: [],
    given: false,
    bytes: 0,
    ops: [],
    transfer: [],
    looks: [],
    lookWaiters: [],
  };
}

/** Whether a batch holds anything to send. */
export function hasWork(batch: Batch): boolean {
  return batch.puts.count > 0 || batch.ops.length > 0 || batch.looks.length > 0;
}

/** The wire form of a batch's lookups and their transfer list entry. */
export function looksWire(batch: Batch): Float64Array | null {
  return batch.looks.length === 0 ? null : new Float64Array(batch.looks);
}

/** Packs the queued puts into one buffer. */
export function packPayload(batch: Batch): ArrayBuffer | null {
  if (batch.puts.count === 0) return null;
  const only = batch.parts.length === 1 && batch.given ? batch.parts[0]! : undefined;
  if (only !== undefined && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength) {
    // One put that gave away a buffer of its own (large records): transfer it, no copy.
    return only.buffer as ArrayBuffer;
  }
  const payload = new Uint8Array(batch.bytes);
  let pos = 0;
  for (const part of batch.parts) {
    payload.set(part, pos);
    pos += part.length;
  }
  return payload.buffer;
}

/** A shard in a Worker; see the module comment. */
export class WorkerShardClient implements ShardClient {
  readonly #worker: Worker;
  readonly #maxInFlight: number;
  readonly #onArrivals: ArrivalSink;
  #batch: Batch = emptyBatch();
  #full: Batch[] = [];
  #scheduled = false;
  #inFlight: Batch[] = [];
  #waiters = new Map<number, Waiter>();
  #nextId = 1;
  #failure: Error | undefined;
  #closed: Waiter | undefined;

  private constructor(worker: Worker, maxInFlight: number, onArrivals: ArrivalSink) {
    this.#worker = worker;
    this.#maxInFlight = maxInFlight;
    this.#onArrivals = onArrivals;
  }

  /** Starts the worker (or takes a prewarmed one) and opens (recovers) its shard. */
  static open(
    config: StoreConfig,
    shard: number,
    onArrivals: ArrivalSink,
  ): Promise<WorkerShardClient> {
    const worker = takeShardWorker();
    const client = new WorkerShardClient(worker, config.maxInFlightBatchesPerShard, onArrivals);
    return new Promise((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<ShardResponse>) => {
        const msg = event.data;
        if (msg.kind === "opened") {
          worker.onmessage = (e: MessageEvent<ShardResponse>) => client.#onMessage(e.data);
          resolve(client);
        } else if (msg.kind === "openFailed") {
          worker.terminate();
          reject(fromWireError(msg.error));
        }
      };
      worker.onerror = (event) => {
        client.#fail(
          new BrokerError(`Shard worker ${shard} failed: ${event.message}`, {
            code: "SHARD_FAILED",
          }),
        );
        reject(client.#failure);
      };
      const open: ShardRequest = { kind: "open", version: SHARD_PROTOCOL_VERSION, config, shard };
      worker.postMessage(open);
    });
  }

  /** Queues a put. */
  put(req: PutRequest): Promise<PutResult> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const b = this.#batch;
      b.puts.add(req.topic, req.queueId, b.bytes, req.records.length, req.waitStoreMsgOk ?? true);
      b.putWaiters.push({ resolve: resolve as (v: unknown) => void, reject });
      b.given = b.parts.length === 0 && req.giveRecords === true;
      b.parts.push(req.records);
      b.bytes += req.records.length;
      this.#sealIfFull();
      this.#schedule();
    });
  }

  /** Queues a read or admin op (see `ShardClient.call` for `transfer`). */
  call(op: ReadOpInput, transfer?: ArrayBuffer[]): Promise<unknown> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#waiters.set(id, { resolve, reject });
      this.#batch.ops.push({ ...op, id } as ReadOp);
      if (transfer !== undefined) this.#batch.transfer.push(...transfer);
      this.#sealIfFull();
      this.#schedule();
    });
  }

  /** Queues a lookup by physical offset. */
  look(physicalOffset: number): Promise<Uint8Array | undefined> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#batch.looks.push(physicalOffset);
      this.#batch.lookWaiters.push({ resolve: resolve as (v: unknown) => void, reject });
      this.#sealIfFull();
      this.#schedule();
    });
  }

  #sealIfFull(): void {
    if (!isFull(this.#batch)) return;
    this.#full.push(this.#batch);
    this.#batch = emptyBatch();
  }

  /** Sends what is queued, waits for it, then closes the worker. */
  async close(): Promise<void> {
    for (let i = 0; i < 10_000 && (this.#inFlight.length > 0 || this.#hasQueued()); i++) {
      this.#send();
      await new Promise((r) => setTimeout(r, 1));
    }
    if (this.#failure !== undefined) {
      this.#worker.terminate();
      return;
    }
    await new Promise<unknown>((resolve, reject) => {
      this.#closed = { resolve, reject };
      const msg: ShardRequest = { kind: "close" };
      this.#worker.postMessage(msg);
    });
    this.#worker.terminate();
  }

  #hasQueued(): boolean {
    return this.#full.length > 0 || hasWork(this.#batch);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  /**
   * Sends queued batches. With nothing in flight the current batch goes at
   * once (lowest latency); while the worker is busy only full batches go, so
   * calls arriving one by one (one per socket read) gather into one message
   * instead of one post each, and SYNC_FLUSH puts gather into one group commit.
   */
  #send(): void {
    while (this.#hasQueued() && this.#inFlight.length < this.#maxInFlight) {
      let batch = this.#full.shift();
      if (batch === undefined) {
        if (this.#inFlight.length > 0) break;
        batch = this.#batch;
        this.#batch = emptyBatch();
      }
      const payload = packPayload(batch);
      const puts = batch.puts.count === 0 ? null : batch.puts.build();
      const looks = looksWire(batch);
      const msg: ShardRequest = { kind: "batch", payload, puts, ops: batch.ops, looks };
      this.#inFlight.push(batch);
      const transfer: ArrayBuffer[] = payload === null || puts === null
        ? []
        : [payload, puts.meta.buffer as ArrayBuffer];
      if (looks !== null) transfer.push(looks.buffer as ArrayBuffer);
      transfer.push(...batch.transfer);
      this.#worker.postMessage(msg, transfer);
    }
  }

  #onMessage(msg: ShardResponse): void {
    if (msg.kind === "closed") {
      this.#closed?.resolve(undefined);
      return;
    }
    if (msg.kind !== "results") return;
    const batch = this.#inFlight.shift();
    if (batch === undefined) return;
    if (msg.putResults !== null) {
      const results = decodePutResults(msg.putResults, batch.puts.count);
      batch.putWaiters.forEach((w, i) => w.resolve(results[i]));
    }
    this.#settle(msg.results, msg.packed);
    if (msg.lookIndex !== null && msg.lookBytes !== null) {
      const found = unpackLooks(msg.lookIndex, msg.lookBytes);
      batch.lookWaiters.forEach((w, i) => w.resolve(found[i]));
    }
    if (msg.arrivals.length > 0) this.#onArrivals(msg.arrivals);
    this.#send();
  }

  #settle(results: OpResult[], packed: ArrayBuffer | null): void {
    for (const r of results) {
      const waiter = this.#waiters.get(r.id);
      if (waiter === undefined) continue;
      this.#waiters.delete(r.id);
      if (r.error !== undefined) waiter.reject(fromWireError(r.error));
      else waiter.resolve(unpackResult(r, packed));
    }
  }

  #fail(error: Error): void {
    this.#failure = error;
    for (const batch of [...this.#inFlight, this.#batch]) {
      for (const w of batch.putWaiters) w.reject(error);
    }
    for (const w of this.#waiters.values()) w.reject(error);
    this.#waiters.clear();
    this.#inFlight = [];
    this.#batch = emptyBatch();
    this.#closed?.reject(error);
  }
}
