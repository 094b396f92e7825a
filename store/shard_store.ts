/**
 * The storage engine of one shard: commit log, consume queues, key index,
 * checkpoint, flush and retention, behind synchronous methods. A shard
 * worker hosts one; tests and the in-process mode host it directly.
 * Puts append a whole batch with as few writes as possible, force the log
 * when SYNC_FLUSH asks for it (one fdatasync per batch = group commit), and
 * only then dispatch to consume queues and index, so nothing is visible
 * before it is durable.
 *
 * Runs on: shard worker | main thread (in-process shards, tests)
 * @module
 */
import { type Clock, getLogger, LatencyHistogram, systemClock } from "../common/mod.ts";
import { CommitLog, type SpareSource } from "./commit_log.ts";
import { readCheckpoint } from "./checkpoint.ts";
import { DiskFullError, type FileIO, nodeFileIO } from "./file_io.ts";
import { HandleCache } from "./handle_cache.ts";
import { IndexService } from "./index_service.ts";
import { loadQueues, type ShardContext } from "./_shard_context.ts";
import { readRegistry, rebuildDamagedQueues, recoverShard, writeRegistry } from "./_recovery.ts";
import { Checkpointer } from "./_checkpointer.ts";
import type { Flusher } from "./flusher.ts";
import * as reads from "./_shard_read.ts";
import { putBatch, type PutMeta } from "./_shard_put.ts";
import { runRetention } from "./_retention.ts";
import {
  appendReplica,
  readReplica,
  type ReplicaAppendResult,
  type ReplicaTail,
  truncateReplica,
} from "./replica.ts";
import type { StoreConfig } from "./store_config.ts";
import type {
  GetRequest,
  GetResult,
  MessageArrival,
  PutResult,
  QueryRequest,
  QueryResult,
  ShardStats,
} from "./store_types.ts";

export type { PutMeta } from "./_shard_put.ts";

const log = getLogger("store");
/** Bits of a physical offset below the shard number. */
export const SHARD_OFFSET_BITS = 48;
/** 2^48: the size of each shard's offset space. */
export const SHARD_OFFSET_SPAN = 2 ** SHARD_OFFSET_BITS;
const HANDLE_CACHE_SIZE = 512;

/** The shard that owns `physicalOffset`. */
export function shardOfOffset(physicalOffset: number): number {
  return Math.floor(physicalOffset / SHARD_OFFSET_SPAN);
}

/** Options of `ShardStore.open`. */
export interface ShardStoreOptions {
  /** Resolved store config. */
  config: StoreConfig;
  /** Shard number. */
  shard: number;
  /** File operations (default `nodeFileIO`). */
  io?: FileIO;
  /** Clock (default `systemClock`). */
  clock?: Clock;
  /** Zero-filled spare segments made off this thread (the shard worker passes one). */
  spares?: SpareSource;
  /** Off-thread fdatasync for ASYNC flushes and checkpoints (the shard worker passes one). */
  flusher?: Flusher;
}

/** Result of a put batch. */
export interface PutBatchResult {
  /** One result per put, in order. */
  results: PutResult[];
  /** Queues that received messages, with their new max offsets. */
  arrivals: MessageArrival[];
}

/** See the module comment. */
export class ShardStore {
  readonly #ctx: ShardContext;
  readonly #checkpointer: Checkpointer;
  #replicaTail: ReplicaTail | undefined;
  readonly #state = {
    lastStoreTimestamp: 0,
    diskFull: false,
    putCount: 0,
    getCount: 0,
    segmentsDeleted: 0,
    recovery: "fresh" as ShardStats["recovery"],
    lastCommitFlushMs: 0,
    lastThoroughMs: 0,
    lastCheckpointMs: 0,
    lastRetentionMs: 0,
    closed: false,
  };

  private constructor(ctx: ShardContext, flusher: Flusher | undefined) {
    this.#ctx = ctx;
    this.#checkpointer = new Checkpointer(ctx, flusher, () => this.#state.lastStoreTimestamp);
  }

  /** Opens the shard's files and recovers them (see `_recovery.ts`). */
  static open(options: ShardStoreOptions): ShardStore {
    const { config, shard } = options;
    const io = options.io ?? nodeFileIO;
    const dir = `${config.storePathRootDir}/shard-${shard}`;
    io.mkdir(dir);
    // Zero-filled segments pay off for synced appends (deno-platform.md pitfall 7); for
    // ASYNC_FLUSH they only move allocation off the append path at the price of writing
    // every byte twice, which loses under sustained load, so they are opt-in there.
    const warm = config.warmMapedFileEnable ?? config.flushDiskType === "SYNC_FLUSH";
    const commitLog = new CommitLog(`${dir}/commitlog`, {
      io,
      segmentBytes: config.mappedFileSizeCommitLog,
      baseOffset: shard * SHARD_OFFSET_SPAN,
      warm,
      ...(options.spares === undefined ? {} : { spares: options.spares }),
      deferRollSync: options.flusher !== undefined && config.flushDiskType === "ASYNC_FLUSH",
    });
    const ctx: ShardContext = {
      shard,
      dir,
      config,
      io,
      clock: options.clock ?? systemClock,
      commitLog,
      index: new IndexService(`${dir}/index`, {
        io,
        maxHashSlotNum: config.maxHashSlotNum,
        maxIndexNum: config.maxIndexNum,
      }),
      handles: new HandleCache(io, HANDLE_CACHE_SIZE),
      queues: new Map(),
      flushLatency: new LatencyHistogram(),
    };
    commitLog.load();
    loadQueues(ctx);
    const abortPath = `${dir}/abort`;
    const abort = io.exists(abortPath);
    const checkpoint = readCheckpoint(io, `${dir}/checkpoint`);
    const report = recoverShard(ctx, checkpoint, abort);
    const rebuilt = rebuildDamagedQueues(ctx, readRegistry(ctx));
    const store = new ShardStore(ctx, options.flusher);
    store.#state.recovery = report.kind;
    store.#state.lastStoreTimestamp = Math.max(
      report.lastStoreTimestamp,
      checkpoint?.physicMsgTimestamp ?? 0,
    );
    store.#checkpointer.checkpointNow(true);
    writeRegistry(ctx);
    const handle = io.open(abortPath, { create: true });
    io.close(handle);
    log.info("Shard opened", {
      shard,
      recovery: report.kind,
      maxOffset: commitLog.maxOffset,
      rebuilt: rebuilt.length,
    });
    return store;
  }

  /** Shard number. */
  get shard(): number {
    return this.#ctx.shard;
  }

  /** Appends a batch of puts whose records lie back to back in `bytes`. */
  putBatch(bytes: Uint8Array, metas: readonly PutMeta[]): PutBatchResult {
    const now = Math.max(this.#ctx.clock.now(), this.#state.lastStoreTimestamp);
    const out = putBatch(this.#ctx, bytes, metas, {
      storeTimestamp: now,
      refuse: this.#refuseReason(),
    });
    if (out.stored > 0) {
      this.#state.lastStoreTimestamp = now;
      this.#state.putCount += out.stored;
    }
    if (out.newQueues) this.#checkpointer.markRegistryDirty();
    if (out.diskFull) this.#state.diskFull = true;
    return { results: out.results, arrivals: out.arrivals };
  }

  /** Get by queue offset. */
  getMessage(req: GetRequest): GetResult {
    const result = reads.getMessage(this.#ctx, req);
    this.#state.getCount += result.count;
    return result;
  }

  /** The record at `physicalOffset`, or `undefined`. */
  lookMessageByOffset(physicalOffset: number): Uint8Array | undefined {
    return reads.lookMessageByOffset(this.#ctx, physicalOffset);
  }

  /** Lookup that appends the record to `arena`; returns its length (0: none). */
  lookMessageInto(physicalOffset: number, arena: reads.ByteArena): number {
    return reads.lookMessageInto(this.#ctx, physicalOffset, arena);
  }

  /** Key query. */
  queryMessage(req: QueryRequest): QueryResult {
    return reads.queryMessage(this.#ctx, req);
  }

  /** Max offset of a queue (0 when unknown). */
  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.#ctx.queues.get(`${topic}\u0000${queueId}`)?.cq.maxOffset ?? 0;
  }

  /** Min offset of a queue (0 when unknown). */
  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.#ctx.queues.get(`${topic}\u0000${queueId}`)?.cq.minOffset ?? 0;
  }

  /** Offset of the first message stored at or after `timestamp`. */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): number {
    return reads.getOffsetInQueueByTime(this.#ctx, topic, queueId, timestamp);
  }

  /** Store time of the oldest message of a queue, or of the shard; -1 when none. */
  getEarliestMessageTime(topic?: string, queueId?: number): number {
    return reads.getEarliestMessageTime(this.#ctx, topic, queueId);
  }

  /** Store time of the record at a queue offset; -1 when none. */
  getMessageStoreTimestamp(topic: string, queueId: number, offset: number): number {
    const entry = this.#ctx.queues.get(`${topic}\u0000${queueId}`)?.cq.entryAt(offset);
    return entry === undefined ? -1 : reads.storeTimeAt(this.#ctx, entry.physicalOffset);
  }

  /** Deletes the consume queues of `topics` (their records age out with the log). */
  deleteTopics(topics: readonly string[]): number {
    const wanted = new Set(topics);
    let removed = 0;
    for (const [key, queue] of this.#ctx.queues) {
      if (!wanted.has(queue.topic)) continue;
      queue.cq.destroy();
      this.#ctx.queues.delete(key);
      removed++;
    }
    for (const topic of wanted) this.#ctx.io.remove(`${this.#ctx.dir}/consumequeue/${topic}`);
    if (removed > 0) this.#checkpointer.queuesDeleted();
    return removed;
  }

  /** Replication, master side: raw commit-log bytes at `offset` (see `replica.ts`). */
  readReplica(offset: number, max: number): Uint8Array {
    return readReplica(this.#ctx, offset, max);
  }

  /** Replication, slave side: appends master bytes at `offset` and dispatches them. */
  appendReplica(offset: number, bytes: Uint8Array): ReplicaAppendResult {
    if (this.#state.closed) throw new RangeError("Shard is closed");
    this.#replicaTail ??= { received: this.#ctx.commitLog.maxOffset, pending: new Uint8Array(0) };
    const out = appendReplica(this.#ctx, this.#replicaTail, offset, bytes);
    if (out.lastStoreTimestamp > this.#state.lastStoreTimestamp) {
      this.#state.lastStoreTimestamp = out.lastStoreTimestamp;
    }
    this.#state.putCount += out.dispatched;
    if (out.newQueues) this.#checkpointer.markRegistryDirty();
    return out;
  }

  /** Replication, slave side: cuts the log back to `offset`; returns the new end. */
  truncateReplica(offset: number): number {
    const end = truncateReplica(this.#ctx, offset);
    this.#replicaTail = undefined;
    this.#checkpointer.queuesDeleted();
    return end;
  }

  /** Periodic work: flushes, checkpoint, retention, next-segment preparation. */
  tick(): void {
    if (this.#state.closed) return;
    try {
      this.#tickUnsafe();
    } catch (error) {
      // A failing flush must not kill the shard: puts are refused while the disk is full,
      // and the next tick tries again.
      if (error instanceof DiskFullError) this.#state.diskFull = true;
      log.error("Periodic store work failed", { shard: this.#ctx.shard, error });
    }
  }

  #tickUnsafe(): void {
    const { config, clock, commitLog } = this.#ctx;
    const mono = clock.monotonic();
    const s = this.#state;
    // One flush job at a time; a due checkpoint goes first (it also syncs the log), so a
    // stream of long commit-log flushes can never starve it.
    if (!this.#checkpointer.busy) {
      if (mono - s.lastCheckpointMs >= config.flushIntervalConsumeQueue) {
        s.lastCheckpointMs = mono;
        s.lastCommitFlushMs = mono;
        this.#checkpointer.checkpoint();
      } else if (mono - s.lastCommitFlushMs >= config.flushIntervalCommitLog) {
        s.lastCommitFlushMs = mono;
        const dirty = commitLog.maxOffset - commitLog.flushedOffset;
        const thorough = mono - s.lastThoroughMs >= config.flushCommitLogThoroughInterval;
        if (thorough || dirty >= config.flushCommitLogLeastPages * 4096) {
          if (thorough) s.lastThoroughMs = mono;
          this.#checkpointer.flushCommitLog();
        }
      }
    }
    if (mono - s.lastRetentionMs >= config.cleanResourceInterval) {
      s.lastRetentionMs = mono;
      this.runRetention();
    }
    for (let i = 0; i < 2 && commitLog.prepareAhead(); i++) { /* bounded warm-up steps */ }
  }

  /** Runs one retention pass now; returns segments deleted. */
  runRetention(options: { force?: boolean } = {}): number {
    const out = runRetention(this.#ctx, { force: options.force ?? false });
    this.#state.segmentsDeleted += out.deleted;
    this.#state.diskFull = out.diskFull;
    return out.deleted;
  }

  /** Flushes everything and writes the checkpoint now. */
  flush(): void {
    this.#checkpointer.checkpointNow();
  }

  /** Counters. */
  stats(): ShardStats {
    const { commitLog } = this.#ctx;
    return {
      shard: this.#ctx.shard,
      commitLogMinOffset: commitLog.minOffset,
      commitLogMaxOffset: commitLog.maxOffset,
      commitLogFlushedOffset: commitLog.flushedOffset,
      queueCount: this.#ctx.queues.size,
      putCount: this.#state.putCount,
      getCount: this.#state.getCount,
      diskFull: this.#state.diskFull,
      segmentsDeleted: this.#state.segmentsDeleted,
      recovery: this.#state.recovery,
      flushLatency: this.#ctx.flushLatency.snapshot(),
    };
  }

  /**
   * Flushes, checkpoints, removes the abort file and closes every file. When
   * the final flush fails (disk full) the files are still closed but the
   * abort file stays, so the next start runs crash recovery.
   */
  close(): void {
    if (this.#state.closed) return;
    this.#state.closed = true;
    const ctx = this.#ctx;
    let failure: unknown;
    const attempt = (step: () => void) => {
      try {
        step();
      } catch (error) {
        failure ??= error;
      }
    };
    // An off-thread job still running is abandoned; everything is synced here instead.
    attempt(() => this.#checkpointer.close());
    attempt(() => ctx.index.close());
    attempt(() => ctx.handles.close());
    attempt(() => ctx.commitLog.close());
    if (failure === undefined) ctx.io.remove(`${ctx.dir}/abort`);
    else log.error("Shard closed without a final checkpoint", { shard: ctx.shard, error: failure });
  }

  #refuseReason(): "SERVICE_NOT_AVAILABLE" | "DISK_FULL" | undefined {
    if (this.#state.closed) return "SERVICE_NOT_AVAILABLE";
    return this.#state.diskFull ? "DISK_FULL" : undefined;
  }
}
