/**
 * `StoreAdapter`: the broker's `BrokerMessageStore` port over the sharded file `MessageStore`
 * of `store/` (shard workers, recovery, SYNC/ASYNC flush). It encodes a send's messages into
 * one stored-layout buffer per put, maps the store's statuses onto the port's (Java names),
 * turns tag filters into data the shard worker applies, filters key-query hash collisions,
 * and forwards the store's arrival events (already hopped from the worker to this thread) to
 * the long-poll listener. Physical offsets are the store's sharded offsets (shard number in
 * the bits above `SHARD_OFFSET_BITS`), so offset message ids round-trip unchanged.
 *
 * Runs on: main thread
 * @module
 */
import {
  type Clock,
  encodeStoredMessage,
  findProperty,
  mergeLatencySnapshots,
  type MessageToStore,
  readRecordSummary,
  type RecordLayout,
  storedRecordLayout,
  systemClock,
} from "../common/mod.ts";
import {
  MessageStore,
  type PutStatus as StorePutStatus,
  SHARD_OFFSET_SPAN,
  shardOfOffset,
  type StoreConfig,
} from "../store/mod.ts";
import type {
  BrokerMessageStore,
  GetMessageOptions,
  GetResult,
  MessageArrivedListener,
  PutResult,
  PutStatus,
  QueryResult,
} from "./message_store_port.ts";
import { diskUsage, type StoreMetrics, storeSizeBytes } from "./store_metrics.ts";

/** Largest properties string Java accepts (`Short.MAX_VALUE` bytes). */
const PROPERTIES_MAX_BYTES = 32_767;
/** Records of puts are cut from arenas of this size (one allocation per many puts). */
const ARENA_BYTES = 256 * 1024;

/**
 * Hands out fresh, never reused byte ranges of shared buffers: an `ArrayBuffer` allocation
 * costs about 1-2 µs, a view of an existing one a few ns. An arena is dropped (and collected
 * once no put holds a view of it) when it runs out; a put larger than a quarter of an arena
 * gets its own buffer.
 */
class RecordArena {
  #bytes = new Uint8Array(0);
  #used = 0;

  take(size: number): Uint8Array {
    if (size > ARENA_BYTES / 4) return new Uint8Array(size);
    if (this.#used + size > this.#bytes.length) {
      this.#bytes = new Uint8Array(ARENA_BYTES);
      this.#used = 0;
    }
    const out = this.#bytes.subarray(this.#used, this.#used + size);
    this.#used += size;
    return out;
  }
}

/** Options of `StoreAdapter.open`. */
export interface StoreAdapterOptions {
  /** Clock for query answers (`indexLastUpdateTimestamp`). */
  clock?: Clock;
  /** Run shards on this thread instead of workers (tests only). */
  inProcess?: boolean;
}

/** Store put status → port put status (Java `PutMessageStatus`). */
function mapPutStatus(status: StorePutStatus): PutStatus {
  switch (status) {
    case "OS_PAGE_CACHE_BUSY":
      return "OS_PAGECACHE_BUSY";
    case "DISK_FULL":
      // Java refuses puts on a full disk with SERVICE_NOT_AVAILABLE ("disk full").
      return "SERVICE_NOT_AVAILABLE";
    default:
      return status;
  }
}

/** True when the stored record's KEYS (space-separated) or UNIQ_KEY is `key` in `topic`. */
function recordHasKey(record: Uint8Array, topic: string, key: string): boolean {
  const summary = readRecordSummary(record, 0);
  if (summary === "blank" || summary === "invalid" || summary.topic !== topic) return false;
  if (findProperty(summary.properties, "UNIQ_KEY") === key) return true;
  return (findProperty(summary.properties, "KEYS") ?? "").split(" ").includes(key);
}

/** See the module comment. */
export class StoreAdapter implements BrokerMessageStore {
  readonly #store: MessageStore;
  readonly #clock: Clock;
  /** Commit-log end per shard, relative to the shard's base offset. */
  readonly #shardEnds: number[];
  readonly #unsubscribe: (() => void)[] = [];
  readonly #arena = new RecordArena();

  private constructor(store: MessageStore, clock: Clock, shardEnds: number[]) {
    this.#store = store;
    this.#clock = clock;
    this.#shardEnds = shardEnds;
  }

  /** Opens (and recovers) the file store under `config.storePathRootDir`. */
  static async open(
    config: Partial<StoreConfig> & { storePathRootDir: string },
    options: StoreAdapterOptions = {},
  ): Promise<StoreAdapter> {
    const store = await MessageStore.open({
      config,
      ...(options.inProcess === true ? { inProcess: true } : {}),
    });
    try {
      const stats = await store.stats();
      const ends = stats.map((s) => s.commitLogMaxOffset - s.shard * SHARD_OFFSET_SPAN);
      return new StoreAdapter(store, options.clock ?? systemClock, ends);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** The underlying file store (flush, retention, stats for tools and tests). */
  get messageStore(): MessageStore {
    return this.#store;
  }

  /** Encodes the messages into one buffer and stores them as one put of their queue. */
  async putMessages(messages: MessageToStore[]): Promise<PutResult> {
    const first = messages[0];
    if (first === undefined) return { status: "MESSAGE_ILLEGAL", stored: [] };
    const layouts: RecordLayout[] = [];
    let total = 0;
    for (const msg of messages) {
      if (msg.topic !== first.topic || msg.queueId !== first.queueId) {
        return { status: "MESSAGE_ILLEGAL", stored: [] };
      }
      if (msg.properties.length > PROPERTIES_MAX_BYTES) {
        return { status: "PROPERTIES_SIZE_EXCEEDED", stored: [] };
      }
      const layout = storedRecordLayout(msg);
      if (layout.size > this.#store.config.maxMessageSize) {
        return { status: "MESSAGE_ILLEGAL", stored: [] };
      }
      layouts.push(layout);
      total += layout.size;
    }
    const records = this.#arena.take(total);
    let pos = 0;
    messages.forEach((msg, i) => pos += encodeStoredMessage(msg, records, pos, layouts[i]));
    const result = await this.#store.putMessage({
      topic: first.topic,
      queueId: first.queueId,
      records,
      giveRecords: true,
      waitStoreMsgOk: findProperty(first.properties, "WAIT") !== "false",
    });
    const stored: PutResult["stored"] = result.physicalOffsets.map((physicalOffset, i) => {
      const size = layouts[i]?.size ?? 0;
      this.#noteEnd(physicalOffset, size);
      return {
        queueOffset: result.queueOffset + i,
        physicalOffset,
        storeTimestamp: result.storeTimestamp,
        size,
      };
    });
    return { status: mapPutStatus(result.status), stored };
  }

  #noteEnd(physicalOffset: number, size: number): void {
    const shard = shardOfOffset(physicalOffset);
    const end = physicalOffset - shard * SHARD_OFFSET_SPAN + size;
    if (end > (this.#shardEnds[shard] ?? 0)) this.#shardEnds[shard] = end;
  }

  /** Reads a queue; the tag filter runs in the shard that owns the queue. */
  async getMessage(
    topic: string,
    queueId: number,
    options: GetMessageOptions,
  ): Promise<GetResult> {
    const result = await this.#store.getMessage({
      topic,
      queueId,
      offset: options.offset,
      maxCount: options.maxCount,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      ...(options.tagsCodes === undefined ? {} : { tagsCodes: options.tagsCodes }),
    });
    return {
      status: result.status,
      nextBeginOffset: result.nextBeginOffset,
      minOffset: result.minOffset,
      maxOffset: result.maxOffset,
      messages: result.messages,
      count: result.count,
      suggestPullingFromSlave: false,
    };
  }

  /** Smallest readable queue offset. */
  getMinOffset(topic: string, queueId: number): Promise<number> {
    return this.#store.getMinOffsetInQueue(topic, queueId);
  }

  /** Next queue offset to be written. */
  getMaxOffset(topic: string, queueId: number): Promise<number> {
    return this.#store.getMaxOffsetInQueue(topic, queueId);
  }

  /** Lower: first offset stored at/after the time; upper: last stored at/before it. */
  async getOffsetByTime(
    topic: string,
    queueId: number,
    options: { timestamp: number; boundary: "lower" | "upper" },
  ): Promise<number> {
    if (options.boundary === "lower") {
      return await this.#store.getOffsetInQueueByTime(topic, queueId, options.timestamp);
    }
    const after = await this.#store.getOffsetInQueueByTime(topic, queueId, options.timestamp + 1);
    const min = await this.#store.getMinOffsetInQueue(topic, queueId);
    return Math.max(min, after - 1);
  }

  /** Store time of the queue's oldest message, or -1. */
  getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    return this.#store.getEarliestMessageTime(topic, queueId);
  }

  getEarliestStoreTime(): Promise<number> {
    return this.#store.getEarliestMessageTime();
  }

  /** The record starting exactly at `physicalOffset`, or `undefined`. */
  async lookMessageByOffset(physicalOffset: number): Promise<Uint8Array | undefined> {
    const record = await this.#store.lookMessageByOffset(physicalOffset);
    if (record === undefined) return undefined;
    // An offset inside a record must not return a neighbour: the record names its own offset.
    const summary = readRecordSummary(record, 0);
    if (summary === "blank" || summary === "invalid") return undefined;
    return summary.physicalOffset === physicalOffset ? record : undefined;
  }

  /** Records whose KEYS or UNIQ_KEY is `key`, stored within `[begin, end]`. */
  async queryMessage(
    topic: string,
    key: string,
    options: { maxNum: number; begin: number; end: number },
  ): Promise<QueryResult> {
    const found = await this.#store.queryMessage({
      topic,
      key,
      maxNum: options.maxNum,
      begin: options.begin,
      end: options.end,
    });
    const records: Uint8Array[] = [];
    let pos = 0;
    const view = new DataView(
      found.messages.buffer,
      found.messages.byteOffset,
      found.messages.byteLength,
    );
    for (let i = 0; i < found.physicalOffsets.length && pos + 4 <= found.messages.length; i++) {
      const size = view.getInt32(pos);
      if (size <= 0) break;
      const record = found.messages.subarray(pos, pos + size);
      pos += size;
      if (records.length < options.maxNum && recordHasKey(record, topic, key)) {
        records.push(record);
      }
    }
    return {
      records,
      indexLastUpdateTimestamp: this.#clock.now(),
      indexLastUpdatePhyoffset: this.maxPhysicalOffset(),
    };
  }

  /** Drops the topic's consume queues on every shard. */
  async deleteTopic(topic: string): Promise<void> {
    await this.#store.deleteTopics([topic]);
  }

  /** Commit-log bytes written, summed over shards. */
  maxPhysicalOffset(): number {
    return this.#shardEnds.reduce((sum, end) => sum + end, 0);
  }

  /** Forwards the store's arrival events (newest visible offset per queue). */
  onMessageArrived(listener: MessageArrivedListener): void {
    this.#unsubscribe.push(
      this.#store.onMessageArrived((arrival) =>
        listener(arrival.topic, arrival.queueId, { queueOffset: arrival.maxOffset - 1 })
      ),
    );
  }

  /** Disk use, file sizes and flush latency (no replication: `role` master, no replicas). */
  async storeMetrics(): Promise<StoreMetrics> {
    const root = this.#store.config.storePathRootDir;
    const [stats, sizeBytes, disk] = await Promise.all([
      this.#store.stats(),
      storeSizeBytes(root),
      diskUsage(root),
    ]);
    return {
      sizeBytes,
      diskTotalBytes: disk.totalBytes,
      diskFreeBytes: disk.freeBytes,
      diskUsedRatio: disk.usedRatio,
      flushLatency: mergeLatencySnapshots(stats.map((s) => s.flushLatency)),
      role: "master",
      replicas: [],
    };
  }

  /** Flushes, checkpoints and stops the shard workers. */
  async close(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.#store.close();
  }
}
