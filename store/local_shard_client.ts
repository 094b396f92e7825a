/**
 * `LocalShardClient`: a shard run on the calling thread with the same
 * batching as the worker client, for tests with an injected clock or
 * `FileIO`, and for tools.
 *
 * Runs on: main thread
 * @module
 */
import type { Clock } from "../common/mod.ts";
import type { FileIO } from "./file_io.ts";
import { ShardStore } from "./shard_store.ts";
import { runShardBatch, unpackLooks, unpackResult } from "./shard_ops.ts";
import {
  type ArrivalSink,
  type Batch,
  emptyBatch,
  fromWireError,
  hasWork,
  looksWire,
  packPayload,
  type ReadOpInput,
  type ShardClient,
  type Waiter,
} from "./shard_client.ts";
import { decodePutResults, type ReadOp } from "./shard_protocol.ts";
import type { StoreConfig } from "./store_config.ts";
import type { PutRequest, PutResult } from "./store_types.ts";

/** A shard run on the calling thread; same batching, no worker. */
export class LocalShardClient implements ShardClient {
  readonly #store: ShardStore;
  readonly #onArrivals: ArrivalSink;
  readonly #timer: ReturnType<typeof setInterval>;
  #batch: Batch = emptyBatch();
  #scheduled = false;
  #nextId = 1;
  #waiters = new Map<number, Waiter>();

  /** Opens the shard in this thread, with optional injected clock and file I/O. */
  constructor(
    config: StoreConfig,
    shard: number,
    options: { onArrivals: ArrivalSink; clock?: Clock; io?: FileIO; tickMs?: number },
  ) {
    this.#store = ShardStore.open({
      config,
      shard,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.io === undefined ? {} : { io: options.io }),
    });
    this.#onArrivals = options.onArrivals;
    this.#timer = setInterval(() => this.#store.tick(), options.tickMs ?? 20);
  }

  /** The engine, for tests. */
  get store(): ShardStore {
    return this.#store;
  }

  /** Queues a put (run at the end of the current tick with the others). */
  put(req: PutRequest): Promise<PutResult> {
    return new Promise((resolve, reject) => {
      const b = this.#batch;
      b.puts.add(req.topic, req.queueId, b.bytes, req.records.length, req.waitStoreMsgOk ?? true);
      b.putWaiters.push({ resolve: resolve as (v: unknown) => void, reject });
      b.parts.push(req.records);
      b.bytes += req.records.length;
      this.#schedule();
    });
  }

  /** Queues a read or admin op. */
  call(op: ReadOpInput): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#waiters.set(id, { resolve, reject });
      this.#batch.ops.push({ ...op, id } as ReadOp);
      this.#schedule();
    });
  }

  /** Queues a lookup by physical offset. */
  look(physicalOffset: number): Promise<Uint8Array | undefined> {
    return new Promise((resolve, reject) => {
      this.#batch.looks.push(physicalOffset);
      this.#batch.lookWaiters.push({ resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Runs what is queued and closes the shard. */
  close(): Promise<void> {
    this.#run();
    clearInterval(this.#timer);
    this.#store.close();
    return Promise.resolve();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#run();
    });
  }

  #run(): void {
    const batch = this.#batch;
    if (!hasWork(batch)) return;
    this.#batch = emptyBatch();
    const out = runShardBatch(this.#store, {
      payload: packPayload(batch),
      puts: batch.puts.count === 0 ? null : batch.puts.build(),
      looks: looksWire(batch),
      ops: batch.ops,
    });
    if (out.putResults !== null) {
      const results = decodePutResults(out.putResults, batch.puts.count);
      batch.putWaiters.forEach((w, i) => w.resolve(results[i]));
    }
    for (const r of out.results) {
      const waiter = this.#waiters.get(r.id);
      this.#waiters.delete(r.id);
      if (r.error !== undefined) waiter?.reject(fromWireError(r.error));
      else waiter?.resolve(unpackResult(r, out.packed));
    }
    if (out.lookIndex !== null && out.lookBytes !== null) {
      const found = unpackLooks(out.lookIndex, out.lookBytes);
      batch.lookWaiters.forEach((w, i) => w.resolve(found[i]));
    }
    if (out.arrivals.length > 0) this.#onArrivals(out.arrivals);
  }
}
