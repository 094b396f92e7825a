/**
 * The put path of one shard. Validates each put, assigns queue offsets,
 * physical offsets and the store time by patching the records in place in
 * the received buffer, writes contiguous runs with one write each, forces
 * the log for SYNC_FLUSH (once per batch), then dispatches to consume
 * queues and index. A failed write cuts the log back so a refused put
 * never reappears after a restart.
 *
 * Runs on: shard worker | main thread (in-process shards, tests)
 * @module
 */
import { getLogger } from "../common/mod.ts";
import {
  patchRecord,
  type RecordSummary,
  scanDispatch,
  summarizeRecord,
  TRANSACTION_MASK,
  TRANSACTION_PREPARED,
  TRANSACTION_ROLLBACK,
} from "./_record.ts";
import { findQueue, type QueueState, type ShardContext, TOPIC_PATTERN } from "./_shard_context.ts";
import { DiskFullError } from "./file_io.ts";
import type { MessageArrival, PutResult, PutStatus } from "./store_types.ts";

const log = getLogger("store");
const encoder = new TextEncoder();

/** One put inside a batch buffer. */
export interface PutMeta {
  /** Topic of the records. */
  topic: string;
  /** Queue id of the records. */
  queueId: number;
  /** Start of the put's records in the batch buffer. */
  byteOffset: number;
  /** Length of the put's records. */
  byteLength: number;
  /** Whether the answer waits for the flush under SYNC_FLUSH. */
  wait: boolean;
}

interface Staged {
  index: number;
  meta: PutMeta;
  timeout: boolean;
  queue: QueueState;
  records: RecordSummary[];
  physicalOffsets: number[];
  firstQueueOffset: number;
  startPhys: number;
  end: number;
}

/** Output of `putBatch`. */
export interface PutBatchOutput {
  results: PutResult[];
  arrivals: MessageArrival[];
  stored: number;
  newQueues: boolean;
  diskFull: boolean;
}

function failed(status: PutStatus, storeTimestamp: number): PutResult {
  return { status, queueOffset: 0, physicalOffsets: [], storeTimestamp, count: 0 };
}

const TOPIC_CACHE_MAX = 10_000;
const topicCache = new Map<string, Uint8Array | undefined>();

/** UTF-8 bytes of a valid topic name (cached), `undefined` for an invalid one. */
function topicBytes(topic: string): Uint8Array | undefined {
  if (topicCache.has(topic)) return topicCache.get(topic);
  if (topicCache.size >= TOPIC_CACHE_MAX) topicCache.clear();
  const bytes = TOPIC_PATTERN.test(topic) ? encoder.encode(topic) : undefined;
  topicCache.set(topic, bytes);
  return bytes;
}

function topicMatches(bytes: Uint8Array, s: RecordSummary, topic: Uint8Array): boolean {
  if (s.topicLength !== topic.length) return false;
  for (let i = 0; i < topic.length; i++) if (bytes[s.topicStart + i] !== topic[i]) return false;
  return true;
}

/** Validates one put; returns its record summaries or the refusal status. */
function validate(
  ctx: ShardContext,
  view: DataView,
  bytes: Uint8Array,
  meta: PutMeta,
): RecordSummary[] | PutStatus {
  const topic = topicBytes(meta.topic);
  if (topic === undefined || meta.queueId < 0 || meta.byteLength <= 0) return "MESSAGE_ILLEGAL";
  const end = meta.byteOffset + meta.byteLength;
  const out: RecordSummary[] = [];
  for (let pos = meta.byteOffset; pos < end;) {
    const s = summarizeRecord(view, pos, end);
    if (s === undefined || s.queueId !== meta.queueId || !topicMatches(bytes, s, topic)) {
      return "MESSAGE_ILLEGAL";
    }
    if (s.totalSize > ctx.config.maxMessageSize) return "MESSAGE_ILLEGAL";
    out.push(s);
    pos += s.totalSize;
  }
  return out;
}

/** Appends the batch; see the module comment. */
export function putBatch(
  ctx: ShardContext,
  bytes: Uint8Array,
  metas: readonly PutMeta[],
  options: { storeTimestamp: number; refuse: PutStatus | undefined },
): PutBatchOutput {
  const ts = options.storeTimestamp;
  const results: PutResult[] = metas.map(() => failed(options.refuse ?? "UNKNOWN_ERROR", ts));
  const out: PutBatchOutput = {
    results,
    arrivals: [],
    stored: 0,
    newQueues: false,
    diskFull: false,
  };
  if (options.refuse !== undefined) return out;
  const { commitLog } = ctx;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const batchStart = commitLog.maxOffset;
  const staged: (Staged | undefined)[] = [];
  const nextOffsets = new Map<QueueState, number>();
  const firstOffsets = new Map<QueueState, number>();
  const queues = new Map<string, QueueState[]>();
  let from = 0;
  let to = 0;
  let written = 0; // staged puts whose bytes are all written
  const writeChunk = () => {
    if (to > from) commitLog.append(bytes.subarray(from, to));
    from = to;
    while (
      written < staged.length && (staged[written] === undefined || staged[written]!.end <= to)
    ) written++;
  };
  try {
    for (const [i, meta] of metas.entries()) {
      const checked = validate(ctx, view, bytes, meta);
      if (typeof checked === "string") {
        results[i] = failed(checked, ts);
        staged.push(undefined);
        continue;
      }
      if (to !== meta.byteOffset) {
        writeChunk();
        from = to = meta.byteOffset;
      }
      const before = ctx.queues.size;
      const queue = batchQueue(ctx, queues, meta);
      if (ctx.queues.size !== before) out.newQueues = true;
      if (!firstOffsets.has(queue)) firstOffsets.set(queue, queue.cq.maxOffset);
      let next = nextOffsets.get(queue) ?? queue.cq.maxOffset;
      const st: Staged = {
        index: i,
        meta,
        timeout: false,
        queue,
        records: checked,
        physicalOffsets: [],
        firstQueueOffset: 0,
        startPhys: -1,
        end: meta.byteOffset + meta.byteLength,
      };
      staged.push(st);
      for (const s of checked) {
        if (s.totalSize + 8 > commitLog.remaining() - (to - from)) {
          writeChunk();
          commitLog.ensureRoom(s.totalSize);
        }
        const phys = commitLog.maxOffset + (to - from);
        if (st.startPhys < 0) st.startPhys = phys;
        const tx = s.sysFlag & TRANSACTION_MASK;
        const noQueue = tx === TRANSACTION_PREPARED || tx === TRANSACTION_ROLLBACK;
        const queueOffset = noQueue ? 0 : next++;
        patchRecord(bytes, to, { queueOffset, physicalOffset: phys, storeTimestamp: ts });
        s.queueOffset = queueOffset;
        s.physicalOffset = phys;
        s.storeTimestamp = ts;
        st.physicalOffsets.push(phys);
        to += s.totalSize;
      }
      st.firstQueueOffset = checked[0]?.queueOffset ?? 0;
      nextOffsets.set(queue, next);
    }
    writeChunk();
  } catch (error) {
    cutAfterFailure(ctx, staged.slice(written), error, out);
    // Puts the loop never reached fail the same way.
    const status = statusOf(error);
    for (let i = staged.length; i < metas.length; i++) out.results[i] = failed(status, ts);
  }
  const done = staged.slice(0, written);
  if (!syncIfNeeded(ctx, done, batchStart, out)) return out;
  try {
    dispatch(ctx, bytes, done, out);
  } catch (error) {
    undoDispatch(ctx, { done, firstOffsets, batchStart, error }, out);
  }
  return out;
}

/** `findQueue` with a per-batch cache by topic and queue id (no key string per put). */
function batchQueue(
  ctx: ShardContext,
  cache: Map<string, QueueState[]>,
  meta: PutMeta,
): QueueState {
  let byId = cache.get(meta.topic);
  if (byId === undefined) {
    byId = [];
    cache.set(meta.topic, byId);
  }
  let queue = byId[meta.queueId];
  if (queue === undefined) {
    queue = findQueue(ctx, meta.topic, meta.queueId, true)!;
    byId[meta.queueId] = queue;
  }
  return queue;
}

function statusOf(error: unknown): PutStatus {
  return error instanceof DiskFullError ? "DISK_FULL" : "SERVICE_NOT_AVAILABLE";
}

function cutAfterFailure(
  ctx: ShardContext,
  lost: (Staged | undefined)[],
  error: unknown,
  out: PutBatchOutput,
): void {
  const status = statusOf(error);
  log.error("Commit-log write failed", { shard: ctx.shard, error });
  out.diskFull = status === "DISK_FULL";
  const firstLost = lost.find((s) => s !== undefined && s.startPhys >= 0);
  try {
    ctx.commitLog.truncateTo(firstLost?.startPhys ?? ctx.commitLog.maxOffset);
  } catch (cutError) {
    log.error("Cannot cut the commit log after a failed write", {
      shard: ctx.shard,
      error: cutError,
    });
  }
  for (const st of lost) {
    if (st !== undefined) {
      out.results[st.index] = failed(status, out.results[st.index]!.storeTimestamp);
    }
  }
}

/** Forces the log when a SYNC_FLUSH put waits; returns false when the flush failed. */
function syncIfNeeded(
  ctx: ShardContext,
  done: (Staged | undefined)[],
  batchStart: number,
  out: PutBatchOutput,
): boolean {
  const { config, commitLog, clock } = ctx;
  if (config.flushDiskType !== "SYNC_FLUSH" || !done.some((s) => s !== undefined && s.meta.wait)) {
    return true;
  }
  const t0 = clock.monotonic();
  try {
    commitLog.flush();
    ctx.flushLatency.record(clock.monotonic() - t0);
  } catch (error) {
    const status = statusOf(error);
    log.error("Commit-log flush failed", { shard: ctx.shard, error });
    out.diskFull = status === "DISK_FULL";
    try {
      commitLog.truncateTo(batchStart);
    } catch (cutError) {
      log.error("Cannot cut the commit log after a failed flush", {
        shard: ctx.shard,
        error: cutError,
      });
    }
    for (const st of done) {
      if (st !== undefined) {
        out.results[st.index] = failed(status, out.results[st.index]!.storeTimestamp);
      }
    }
    return false;
  }
  if (clock.monotonic() - t0 > config.syncFlushTimeout) {
    for (const st of done) if (st !== undefined && st.meta.wait) st.timeout = true;
  }
  return true;
}

/**
 * A consume-queue or index write failed (disk full): take the whole batch
 * back (queue entries and log bytes) and refuse it, so nothing half
 * dispatched stays. Index entries already added point at cut offsets and are
 * skipped by lookups.
 */
function undoDispatch(
  ctx: ShardContext,
  failure: {
    done: (Staged | undefined)[];
    firstOffsets: Map<QueueState, number>;
    batchStart: number;
    error: unknown;
  },
  out: PutBatchOutput,
): void {
  const status = statusOf(failure.error);
  log.error("Dispatch failed; the batch is taken back", { shard: ctx.shard, error: failure.error });
  for (const [queue, first] of failure.firstOffsets) queue.cq.rollbackTo(first);
  ctx.commitLog.truncateTo(failure.batchStart);
  for (const st of failure.done) {
    if (st !== undefined) {
      out.results[st.index] = failed(status, out.results[st.index]!.storeTimestamp);
    }
  }
  out.stored = 0;
  out.arrivals = [];
  out.diskFull = status === "DISK_FULL";
}

/** Writes consume-queue and index entries for every stored put and fills the results. */
function dispatch(
  ctx: ShardContext,
  bytes: Uint8Array,
  done: (Staged | undefined)[],
  out: PutBatchOutput,
): void {
  const touched = new Set<QueueState>();
  const indexOn = ctx.config.messageIndexEnable;
  const keyHashes: number[] = [];
  for (const st of done) {
    if (st === undefined) continue;
    for (const s of st.records) {
      const tx = s.sysFlag & TRANSACTION_MASK;
      keyHashes.length = 0;
      const tagsCode = scanDispatch(
        bytes,
        s.propertiesStart,
        s.propertiesLength,
        st.queue.prefixHash,
        keyHashes,
      );
      if (tx !== TRANSACTION_PREPARED && tx !== TRANSACTION_ROLLBACK) {
        st.queue.cq.put(s.queueOffset, s.physicalOffset, s.totalSize, tagsCode);
      }
      if (indexOn && tx !== TRANSACTION_ROLLBACK && keyHashes.length > 0) {
        ctx.index.add(keyHashes, s.physicalOffset, s.storeTimestamp);
      }
    }
    touched.add(st.queue);
    out.stored += st.records.length;
    out.results[st.index] = {
      status: st.timeout ? "FLUSH_DISK_TIMEOUT" : "PUT_OK",
      queueOffset: st.firstQueueOffset,
      physicalOffsets: st.physicalOffsets,
      storeTimestamp: st.records[0]?.storeTimestamp ?? 0,
      count: st.records.length,
    };
  }
  for (const queue of touched) {
    queue.cq.flushPending();
    out.arrivals.push({
      topic: queue.topic,
      queueId: queue.queueId,
      maxOffset: queue.cq.maxOffset,
    });
  }
  ctx.index.writePending();
}
