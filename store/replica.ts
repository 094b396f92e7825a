/**
 * The slave side of replication inside one shard: append bytes received
 * from the master at exactly the offset they had there (records may arrive
 * cut in the middle), dispatch every record completed by them to consume
 * queues and index as the master's put path does, and cut the log back when
 * a new master is behind this slave. Also the master side's raw read.
 *
 * Runs on: shard worker | main thread (in-process shards, tests)
 * @module
 */
import { getLogger } from "../common/mod.ts";
import { BLANK_MARKER_BYTES, MAGIC_BLANK, type RecordSummary, summarizeRecord } from "./_record.ts";
import { redispatch } from "./_recovery.ts";
import { findQueue, type QueueState, type ShardContext } from "./_shard_context.ts";
import type { MessageArrival } from "./store_types.ts";

const log = getLogger("store");

/** Bytes a slave shard received beyond its last whole record. */
export interface ReplicaTail {
  /** Offset the next received byte has. */
  received: number;
  /** Bytes `[commit-log end, received)`: at most one incomplete record. */
  pending: Uint8Array;
}

/** Answer of `appendReplica`. */
export interface ReplicaAppendResult {
  /**
   * `OFFSET_MISMATCH`: `offset` is neither the received end nor the commit-log end (nothing
   * written); `CORRUPT`: the bytes are not records at their own offsets (the rest is dropped).
   */
  status: "OK" | "OFFSET_MISMATCH" | "CORRUPT";
  /** Commit-log end after the call: the end of the last whole record (what a slave confirms). */
  maxOffset: number;
  /** Offset the next received byte must have. */
  receivedOffset: number;
  /** Queues that received messages. */
  arrivals: MessageArrival[];
  /** Records dispatched by this call. */
  dispatched: number;
  /** Store time of the last dispatched record (0 when none). */
  lastStoreTimestamp: number;
  /** Whether a queue was created. */
  newQueues: boolean;
}

/** Reads at most `max` raw commit-log bytes at `offset`, never past a segment end or the log end. */
export function readReplica(ctx: ShardContext, offset: number, max: number): Uint8Array {
  const { commitLog } = ctx;
  if (offset < commitLog.minOffset || offset >= commitLog.maxOffset || max <= 0) {
    return new Uint8Array(0);
  }
  const segEnd = offset + segmentLeft(ctx, offset);
  const len = Math.min(max, commitLog.maxOffset - offset, segEnd - offset);
  const buf = new Uint8Array(len);
  const n = commitLog.read(offset, buf);
  return n === len ? buf : buf.subarray(0, n);
}

function segmentLeft(ctx: ShardContext, offset: number): number {
  const segBytes = ctx.commitLog.segmentBytes;
  return segBytes - ((offset - ctx.shard * SHARD_SPAN) % segBytes);
}

const SHARD_SPAN = 2 ** 48;

/**
 * Takes master bytes that start at `offset`. Only whole records reach the
 * commit log (so it always ends on a record boundary, whatever the restart),
 * each dispatched once written; an incomplete last record waits in `tail`.
 * A blank marker ends the segment as on the master. `offset` may also be the
 * commit-log end (a new stream after a reconnect): the tail is then dropped.
 */
export function appendReplica(
  ctx: ShardContext,
  tail: ReplicaTail,
  offset: number,
  bytes: Uint8Array,
): ReplicaAppendResult {
  const { commitLog } = ctx;
  const result: ReplicaAppendResult = {
    status: "OK",
    maxOffset: commitLog.maxOffset,
    receivedOffset: tail.received,
    arrivals: [],
    dispatched: 0,
    lastStoreTimestamp: 0,
    newQueues: false,
  };
  if (offset !== tail.received) {
    if (offset !== commitLog.maxOffset) {
      result.status = "OFFSET_MISMATCH";
      return result;
    }
    tail.received = offset;
    tail.pending = new Uint8Array(0);
  }
  tail.received += bytes.length;
  result.receivedOffset = tail.received;
  // Bytes below the log end follow a blank marker: the zeros that fill its segment.
  const skip = Math.max(0, Math.min(bytes.length, commitLog.maxOffset - offset));
  const input = bytes.subarray(skip);
  let buf = input;
  if (tail.pending.length > 0) {
    buf = new Uint8Array(tail.pending.length + input.length);
    buf.set(tail.pending, 0);
    buf.set(input, tail.pending.length);
  }
  const queuesBefore = ctx.queues.size;
  const touched = new Set<QueueState>();
  const consumed = writeWholeRecords(ctx, buf, touched, result);
  tail.pending = consumed < 0 ? new Uint8Array(0) : buf.slice(consumed);
  if (consumed < 0) {
    result.status = "CORRUPT";
    tail.received = commitLog.maxOffset;
  }
  for (const queue of touched) {
    queue.cq.flushPending();
    result.arrivals.push({
      topic: queue.topic,
      queueId: queue.queueId,
      maxOffset: queue.cq.maxOffset,
    });
  }
  ctx.index.writePending();
  result.newQueues = ctx.queues.size !== queuesBefore;
  result.maxOffset = commitLog.maxOffset;
  return result;
}

/** Appends and dispatches every whole record of `buf`; returns bytes used, -1 when corrupt. */
function writeWholeRecords(
  ctx: ShardContext,
  buf: Uint8Array,
  touched: Set<QueueState>,
  result: ReplicaAppendResult,
): number {
  const { commitLog } = ctx;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const records: RecordSummary[] = [];
  let runStart = 0;
  let pos = 0;
  const flushRun = () => {
    if (pos > runStart) commitLog.append(buf.subarray(runStart, pos));
    for (const s of records) {
      redispatch(ctx, buf, s, { indexFrom: 0 });
      const topic = decoder.decode(buf.subarray(s.topicStart, s.topicStart + s.topicLength));
      const queue = findQueue(ctx, topic, s.queueId, false);
      if (queue !== undefined) touched.add(queue);
      result.dispatched++;
      result.lastStoreTimestamp = s.storeTimestamp;
    }
    records.length = 0;
    runStart = pos;
  };
  while (pos + 8 <= buf.length) {
    const total = view.getInt32(pos);
    const at = commitLog.maxOffset + (pos - runStart);
    if (view.getInt32(pos + 4) === MAGIC_BLANK) {
      const left = segmentLeft(ctx, at);
      if (total !== left) return corrupt(ctx, at, flushRun);
      flushRun();
      // Writes the marker and moves to the next segment, exactly as the master's append did.
      commitLog.ensureRoom(left - BLANK_MARKER_BYTES + 1);
      pos += Math.min(left, buf.length - pos);
      runStart = pos;
      continue;
    }
    if (total <= 0 || total > ctx.config.maxMessageSize + 65536) return corrupt(ctx, at, flushRun);
    if (pos + total > buf.length) break;
    const s = summarizeRecord(view, pos, pos + total);
    if (s === undefined || s.physicalOffset !== at || total > segmentLeft(ctx, at)) {
      return corrupt(ctx, at, flushRun);
    }
    records.push(s);
    pos += total;
  }
  flushRun();
  return pos;
}

function corrupt(ctx: ShardContext, at: number, flushRun: () => void): number {
  flushRun();
  log.error("Replicated bytes are not a valid record", { shard: ctx.shard, at });
  return -1;
}

const decoder = new TextDecoder();

/**
 * Cuts this slave shard back to `offset` (a new master is behind it): the
 * log ends there and consume-queue entries past it are removed. Returns the
 * new end; an offset below the oldest stored byte cannot be honoured.
 */
export function truncateReplica(ctx: ShardContext, offset: number): number {
  const { commitLog } = ctx;
  if (offset >= commitLog.maxOffset) return commitLog.maxOffset;
  if (offset < commitLog.minOffset) {
    throw new RangeError(
      `Cannot truncate shard ${ctx.shard}: offset ${offset} is below its min offset ${commitLog.minOffset}`,
    );
  }
  log.warn("Truncating slave shard to the master's offset", {
    shard: ctx.shard,
    from: commitLog.maxOffset,
    to: offset,
  });
  commitLog.truncateTo(offset);
  for (const queue of ctx.queues.values()) queue.cq.recoverTail(offset);
  return commitLog.maxOffset;
}
