/**
 * `MessageStore`: the async store API the broker uses. It routes each queue
 * to its shard (stable hash of topic and queue id), each physical offset to
 * the shard encoded in its top bits, fans key queries out to every shard,
 * and reports new messages to `onMessageArrived` listeners.
 *
 * Runs on: main thread
 * @module
 */
import { releasePrewarmedShardWorkers } from "./shard_worker_pool.ts";
import { BrokerError, type Clock, ConfigError, getLogger } from "../common/mod.ts";
import { javaStringHashCode } from "./_common.ts";
import type { FileIO } from "./file_io.ts";
import { type ShardClient, WorkerShardClient } from "./shard_client.ts";
import { LocalShardClient } from "./local_shard_client.ts";
import { ReadAhead } from "./read_ahead.ts";
import { shardOfOffset } from "./shard_store.ts";
import { resolveStoreConfig, type StoreConfig } from "./store_config.ts";
import type { ReplicaAppendResult } from "./replica.ts";
import type {
  GetRequest,
  GetResult,
  MessageArrival,
  PutRequest,
  PutResult,
  QueryRequest,
  QueryResult,
  ShardStats,
} from "./store_types.ts";

const log = getLogger("store");

/** Options of `MessageStore.open`. */
export interface MessageStoreOptions {
  /** Store settings; `storePathRootDir` is required, the rest default. */
  config: Partial<StoreConfig> & { storePathRootDir: string };
  /** Run shards on the calling thread instead of workers (tests, tools). */
  inProcess?: boolean;
  /** Clock for in-process shards (workers always use the system clock). */
  clock?: Clock;
  /** File I/O for in-process shards (workers always use `nodeFileIO`). */
  io?: FileIO;
}

/** A get that may also filter records with a predicate, run on the main thread. */
export interface GetMessageRequest extends GetRequest {
  /** Keeps only records for which this returns true (after tag filtering). */
  filter?: (record: Uint8Array) => boolean;
}

/** Listener for `onMessageArrived`. */
export type ArrivalListener = (arrival: MessageArrival) => void;

/** The shard that owns `(topic, queueId)` among `shardCount` shards. */
export function shardOfQueue(topic: string, queueId: number, shardCount: number): number {
  return ((Math.imul(javaStringHashCode(topic), 31) + queueId) >>> 0) % shardCount;
}

function checkLayout(config: StoreConfig): void {
  const path = `${config.storePathRootDir}/store.json`;
  let recorded: number | undefined;
  try {
    recorded = (JSON.parse(Deno.readTextFileSync(path)) as { shardCount?: number }).shardCount;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new ConfigError(`Cannot read "${path}"`, { cause: error });
    }
  }
  if (recorded !== undefined && recorded !== config.shardCount) {
    throw new ConfigError(
      `Invalid store config: "shardCount" is ${config.shardCount} but the store was created with ${recorded}`,
    );
  }
  if (recorded === undefined) {
    Deno.mkdirSync(config.storePathRootDir, { recursive: true });
    Deno.writeTextFileSync(path, JSON.stringify({ version: 1, shardCount: config.shardCount }));
  }
}

/** Takes the store's `lock` file (flock), so two processes never share a store. */
function lockStore(config: StoreConfig): Deno.FsFile {
  Deno.mkdirSync(config.storePathRootDir, { recursive: true });
  const file = Deno.openSync(`${config.storePathRootDir}/lock`, { create: true, write: true });
  if (!file.tryLockSync(true)) {
    file.close();
    throw new BrokerError(
      `Cannot open store: "${config.storePathRootDir}" is locked by another process`,
      { code: "STORE_LOCKED" },
    );
  }
  return file;
}

/** See the module comment. */
export class MessageStore {
  readonly config: StoreConfig;
  readonly #shards: ShardClient[];
  readonly #listeners = new Set<ArrivalListener>();
  #lock: Deno.FsFile | undefined;
  #closed = false;
  readonly #readAhead: ReadAhead;

  private constructor(config: StoreConfig, shards: ShardClient[]) {
    this.config = config;
    this.#shards = shards;
    this.#readAhead = new ReadAhead(config.maxTransferCountOnMessageInMemory);
  }

  /** Opens (and recovers) every shard. */
  static async open(options: MessageStoreOptions): Promise<MessageStore> {
    const config = resolveStoreConfig(options.config);
    const lock = lockStore(config);
    const shards: ShardClient[] = [];
    const store = new MessageStore(config, shards);
    store.#lock = lock;
    const sink = (arrivals: MessageArrival[]) => store.#emit(arrivals);
    try {
      checkLayout(config);
      const indexes = Array.from({ length: config.shardCount }, (_, k) => k);
      if (options.inProcess === true) {
        for (const k of indexes) {
          shards.push(
            new LocalShardClient(config, k, {
              onArrivals: sink,
              ...(options.clock === undefined ? {} : { clock: options.clock }),
              ...(options.io === undefined ? {} : { io: options.io }),
            }),
          );
        }
      } else {
        // Shards recover in parallel, each in its own worker.
        const opened = await Promise.allSettled(
          indexes.map((k) => WorkerShardClient.open(config, k, sink)),
        );
        releasePrewarmedShardWorkers();
        for (const result of opened) if (result.status === "fulfilled") shards.push(result.value);
        const failed = opened.find((r) => r.status === "rejected");
        if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
      }
    } catch (error) {
      await Promise.allSettled(shards.map((s) => s.close()));
      lock.close();
      throw error;
    }
    return store;
  }

  /** Number of shards. */
  get shardCount(): number {
    return this.#shards.length;
  }

  /** Shard of a queue. */
  shardOf(topic: string, queueId: number): number {
    return shardOfQueue(topic, queueId, this.#shards.length);
  }

  /** Stores one put (one record, or a batch of records of one queue). */
  putMessage(req: PutRequest): Promise<PutResult> {
    if (this.#closed) return Promise.resolve(refused("SERVICE_NOT_AVAILABLE"));
    if (req.records.length === 0 || req.records.length > this.config.maxMessageSize * 2) {
      return Promise.resolve(refused("MESSAGE_ILLEGAL"));
    }
    return this.#queue(req.topic, req.queueId).put(req);
  }

  /** Stores several puts; each is answered separately. */
  putMessages(reqs: readonly PutRequest[]): Promise<PutResult[]> {
    return Promise.all(reqs.map((r) => this.putMessage(r)));
  }

  /** Reads from a queue; `filter` is applied to the records the shard returns. */
  async getMessage(req: GetMessageRequest): Promise<GetResult> {
    const { filter, ...plain } = req;
    const kept = this.#readAhead.take(plain);
    let result: GetResult;
    try {
      result = kept === undefined ? await this.#get(plain) : await kept;
    } catch (error) {
      if (kept === undefined) throw error;
      result = await this.#get(plain);
    }
    if (!this.#closed) this.#readAhead.offer(plain, result, (next) => this.#get(next));
    if (filter === undefined || result.count === 0) return result;
    return applyFilter(result, filter);
  }

  async #get(req: GetRequest): Promise<GetResult> {
    return await this.#queue(req.topic, req.queueId).call({ op: "get", req }) as GetResult;
  }

  /** Next offset to be written in a queue (0 when empty or unknown). */
  async getMaxOffsetInQueue(topic: string, queueId: number): Promise<number> {
    return await this.#queue(topic, queueId).call({ op: "maxOffset", topic, queueId }) as number;
  }

  /** First readable offset of a queue. */
  async getMinOffsetInQueue(topic: string, queueId: number): Promise<number> {
    return await this.#queue(topic, queueId).call({ op: "minOffset", topic, queueId }) as number;
  }

  /** First offset whose store time is at or after `timestamp` (max offset if none). */
  async getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): Promise<number> {
    return await this.#queue(topic, queueId).call({
      op: "offsetByTime",
      topic,
      queueId,
      timestamp,
    }) as number;
  }

  /** Store time of the record at a queue offset; -1 when none. */
  async getMessageStoreTimestamp(topic: string, queueId: number, offset: number): Promise<number> {
    return await this.#queue(topic, queueId).call({
      op: "storeTime",
      topic,
      queueId,
      offset,
    }) as number;
  }

  /** Store time of a queue's oldest message, or the store's when no queue is given; -1 when none. */
  async getEarliestMessageTime(topic?: string, queueId = 0): Promise<number> {
    if (topic !== undefined) {
      return await this.#queue(topic, queueId).call({
        op: "earliestTime",
        topic,
        queueId,
      }) as number;
    }
    const times = await Promise.all(
      this.#shards.map((s) => s.call({ op: "earliestTime" })),
    ) as number[];
    const valid = times.filter((t) => t >= 0);
    return valid.length === 0 ? -1 : Math.min(...valid);
  }

  /** The record at a physical offset (VIEW_MESSAGE_BY_ID), or `undefined`. */
  async lookMessageByOffset(physicalOffset: number): Promise<Uint8Array | undefined> {
    const shard = this.#shards[shardOfOffset(physicalOffset)];
    if (shard === undefined || !Number.isSafeInteger(physicalOffset) || physicalOffset < 0) {
      return undefined;
    }
    return await shard.look(physicalOffset);
  }

  /** Records whose key or UNIQ_KEY matches, from every shard, newest first per shard. */
  async queryMessage(req: QueryRequest): Promise<QueryResult> {
    const maxNum = req.maxNum ?? this.config.defaultQueryMaxNum;
    const parts = await Promise.all(
      this.#shards.map((s) => s.call({ op: "query", req: { ...req, maxNum } })),
    ) as QueryResult[];
    const physicalOffsets: number[] = [];
    const chunks: Uint8Array[] = [];
    for (const part of parts) {
      let pos = 0;
      const view = new DataView(
        part.messages.buffer,
        part.messages.byteOffset,
        part.messages.byteLength,
      );
      for (const offset of part.physicalOffsets) {
        const size = view.getInt32(pos);
        if (physicalOffsets.length < maxNum) {
          physicalOffsets.push(offset);
          chunks.push(part.messages.subarray(pos, pos + size));
        }
        pos += size;
      }
    }
    const messages = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let pos = 0;
    for (const c of chunks) {
      messages.set(c, pos);
      pos += c.length;
    }
    return { messages, physicalOffsets };
  }

  /** Replication, master side: at most `max` raw commit-log bytes of `shard` at `offset`. */
  async readReplica(shard: number, offset: number, max: number): Promise<Uint8Array> {
    return await this.#shard(shard).call({ op: "replicaRead", offset, max }) as Uint8Array;
  }

  /**
   * Replication, slave side: appends master bytes to `shard` at `offset` (its commit-log
   * end), dispatches the records they complete and reports them to arrival listeners.
   * `transfer`: `bytes` spans a buffer the caller gives away; it moves to the shard
   * worker instead of being copied (and is detached).
   */
  async appendReplica(
    shard: number,
    offset: number,
    bytes: Uint8Array,
    options: { transfer?: boolean } = {},
  ): Promise<ReplicaAppendResult> {
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const transfer = options.transfer === true && whole && bytes.buffer instanceof ArrayBuffer
      ? [bytes.buffer]
      : undefined;
    const op = { op: "replicaAppend" as const, offset, bytes };
    const out = await this.#shard(shard).call(op, transfer) as ReplicaAppendResult;
    if (out.arrivals.length > 0) this.#emit(out.arrivals);
    return out;
  }

  /** Replication, slave side: cuts `shard` back to `offset`; returns its new end. */
  async truncateReplica(shard: number, offset: number): Promise<number> {
    this.#readAhead.clear();
    return await this.#shard(shard).call({ op: "replicaTruncate", offset }) as number;
  }

  #shard(shard: number): ShardClient {
    const client = this.#shards[shard];
    if (client === undefined) throw new RangeError(`Store has no shard ${shard}`);
    return client;
  }

  /** Calls `listener` whenever messages become visible in a queue; returns an unsubscribe function. */
  onMessageArrived(listener: ArrivalListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Deletes the consume queues of `topics` on every shard; returns queues removed. */
  async deleteTopics(topics: readonly string[]): Promise<number> {
    this.#readAhead.clear();
    const counts = await Promise.all(
      this.#shards.map((s) => s.call({ op: "deleteTopics", topics: [...topics] })),
    );
    return (counts as number[]).reduce((a, b) => a + b, 0);
  }

  /** Forces every shard's files to disk and writes checkpoints. */
  async flush(): Promise<void> {
    await Promise.all(this.#shards.map((s) => s.call({ op: "flush" })));
  }

  /** Runs retention now on every shard (`force`: ignore the `deleteWhen` hour); returns segments deleted. */
  async runRetention(options: { force?: boolean } = {}): Promise<number> {
    this.#readAhead.clear();
    const counts = await Promise.all(
      this.#shards.map((s) => s.call({ op: "retention", force: options.force ?? false })),
    );
    return (counts as number[]).reduce((a, b) => a + b, 0);
  }

  /** Counters of every shard. */
  async stats(): Promise<ShardStats[]> {
    return await Promise.all(this.#shards.map((s) => s.call({ op: "stats" }))) as ShardStats[];
  }

  /** Flushes, checkpoints and closes every shard. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#readAhead.clear();
    await Promise.all(this.#shards.map((s) => s.close()));
    this.#listeners.clear();
    this.#lock?.close();
    this.#lock = undefined;
  }

  #queue(topic: string, queueId: number): ShardClient {
    const shard = this.#shards[shardOfQueue(topic, queueId, this.#shards.length)];
    if (shard === undefined) throw new RangeError("Store has no shards");
    return shard;
  }

  #emit(arrivals: MessageArrival[]): void {
    for (const arrival of arrivals) {
      this.#readAhead.noteEnd(arrival.topic, arrival.queueId, arrival.maxOffset);
      for (const listener of this.#listeners) {
        try {
          listener(arrival);
        } catch (error) {
          log.error("Message-arrival listener failed", { error });
        }
      }
    }
  }
}

function refused(status: PutResult["status"]): PutResult {
  return { status, queueOffset: 0, physicalOffsets: [], storeTimestamp: 0, count: 0 };
}

function applyFilter(result: GetResult, filter: (record: Uint8Array) => boolean): GetResult {
  const kept: Uint8Array[] = [];
  const view = new DataView(
    result.messages.buffer,
    result.messages.byteOffset,
    result.messages.byteLength,
  );
  for (let pos = 0; pos < result.messages.length;) {
    const size = view.getInt32(pos);
    const record = result.messages.subarray(pos, pos + size);
    if (filter(record)) kept.push(record);
    pos += size;
  }
  if (kept.length === result.count) return result;
  const messages = new Uint8Array(kept.reduce((n, k) => n + k.length, 0));
  let pos = 0;
  for (const k of kept) {
    messages.set(k, pos);
    pos += k.length;
  }
  return {
    ...result,
    messages,
    count: kept.length,
    status: kept.length === 0 ? "NO_MATCHED_MESSAGE" : result.status,
  };
}
