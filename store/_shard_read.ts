/**
 * Read paths of one shard: get by queue offset (RocketMQ's statuses and
 * next-offset rules), message by physical offset, key query, offset by time.
 * Reads use pread on the commit log and coalesce adjacent records into one
 * read; every record read back is checked against its consume-queue entry.
 *
 * Runs on: shard worker
 * @module
 */
import { assert } from "../common/mod.ts";
import { readI64, storeTimestampPos, summarizeRecord } from "./_record.ts";
import { findQueue, type ShardContext } from "./_shard_context.ts";
import { CQ_ENTRY_BYTES } from "./consume_queue.ts";
import type { GetRequest, GetResult, GetStatus, QueryRequest, QueryResult } from "./store_types.ts";

const FILTER_SCAN_MAX = 16_000;

/** A get's answer before the bytes are read. */
interface Selection {
  offsets: number[];
  sizes: number[];
  total: number;
}

function emptyResult(status: GetStatus, next: number, min: number, max: number): GetResult {
  return {
    status,
    messages: new Uint8Array(0),
    count: 0,
    nextBeginOffset: next,
    minOffset: min,
    maxOffset: max,
  };
}

/** Reads records at `offsets`/`sizes` into one buffer, merging adjacent ranges. */
export function readRecords(ctx: ShardContext, sel: Selection): Uint8Array {
  const out = new Uint8Array(sel.total);
  const view = new DataView(out.buffer);
  let i = 0;
  let pos = 0;
  while (i < sel.offsets.length) {
    let j = i + 1;
    let len = sel.sizes[i]!;
    while (j < sel.offsets.length && sel.offsets[j] === sel.offsets[i]! + len) {
      len += sel.sizes[j++]!;
    }
    const n = ctx.commitLog.read(sel.offsets[i]!, out.subarray(pos, pos + len));
    assert(n === len, `Short commit-log read at offset ${sel.offsets[i]}`);
    for (let k = i; k < j; k++) {
      assert(
        view.getInt32(pos) === sel.sizes[k],
        `Record size mismatch at offset ${sel.offsets[k]}`,
      );
      pos += sel.sizes[k]!;
    }
    i = j;
  }
  return out;
}

/** Get by queue and offset; see RocketMQ's `DefaultMessageStore.getMessage`. */
export function getMessage(ctx: ShardContext, req: GetRequest): GetResult {
  const queue = findQueue(ctx, req.topic, req.queueId, false);
  if (queue === undefined) return emptyResult("NO_MESSAGE_IN_QUEUE", 0, 0, 0);
  const { cq } = queue;
  const min = cq.minOffset;
  const max = cq.maxOffset;
  const offset = req.offset;
  if (max === 0) return emptyResult("NO_MESSAGE_IN_QUEUE", 0, min, max);
  if (offset < min) return emptyResult("OFFSET_TOO_SMALL", min, min, max);
  if (offset === max) return emptyResult("OFFSET_OVERFLOW_ONE", offset, min, max);
  if (offset > max) return emptyResult("OFFSET_OVERFLOW_BADLY", min === 0 ? min : max, min, max);
  const maxCount = Math.max(
    1,
    Math.min(req.maxCount, ctx.config.maxTransferCountOnMessageInMemory),
  );
  const maxBytes = Math.min(req.maxBytes ?? Infinity, ctx.config.maxTransferBytesOnMessageInMemory);
  const tags = req.tagsCodes === undefined ? undefined : new Set(req.tagsCodes);
  // Without a tag filter every entry is taken, so read only as many as can be returned.
  const scan = tags === undefined ? maxCount : Math.max(FILTER_SCAN_MAX / CQ_ENTRY_BYTES, maxCount);
  const entries = cq.read(offset, scan);
  if (entries.length === 0) {
    // Like Java's rollNextFile: skip to the first entry of the next consume-queue file.
    const perFile = ctx.config.mappedFileSizeConsumeQueue / CQ_ENTRY_BYTES;
    return emptyResult("OFFSET_FOUND_NULL", (Math.floor(offset / perFile) + 1) * perFile, min, max);
  }
  const view = new DataView(entries.buffer, entries.byteOffset, entries.length);
  const sel: Selection = { offsets: [], sizes: [], total: 0 };
  let status: GetStatus = "NO_MATCHED_MESSAGE";
  const clMin = ctx.commitLog.minOffset;
  let i = 0;
  for (; i < entries.length / CQ_ENTRY_BYTES; i++) {
    const p = i * CQ_ENTRY_BYTES;
    const phys = readI64(view, p);
    const size = view.getInt32(p + 8);
    if (sel.offsets.length >= maxCount) break;
    if (sel.offsets.length > 0 && sel.total + size > maxBytes) break;
    if (size <= 0) continue;
    if (tags !== undefined && !tags.has(readI64(view, p + 12))) continue;
    if (phys < clMin) {
      if (sel.offsets.length === 0) status = "MESSAGE_WAS_REMOVING";
      continue;
    }
    sel.offsets.push(phys);
    sel.sizes.push(size);
    sel.total += size;
    status = "FOUND";
  }
  const messages = sel.total === 0 ? new Uint8Array(0) : readRecords(ctx, sel);
  return {
    status,
    messages,
    count: sel.offsets.length,
    nextBeginOffset: offset + i,
    minOffset: min,
    maxOffset: max,
  };
}

const LOOK_GUESS_BYTES = 4096;
const lookScratch = new Uint8Array(LOOK_GUESS_BYTES);

/** The record stored at `physicalOffset`, or `undefined` when there is none there. */
export function lookMessageByOffset(
  ctx: ShardContext,
  physicalOffset: number,
): Uint8Array | undefined {
  const { commitLog } = ctx;
  if (physicalOffset < commitLog.minOffset || physicalOffset + 8 > commitLog.maxOffset) {
    return undefined;
  }
  // One read usually covers the whole record; a larger one needs a second read.
  const guess = Math.min(LOOK_GUESS_BYTES, commitLog.maxOffset - physicalOffset);
  const n = commitLog.read(physicalOffset, lookScratch.subarray(0, guess));
  if (n < 8) return undefined;
  const size = new DataView(lookScratch.buffer).getInt32(0);
  if (
    size <= 8 || size > ctx.config.maxMessageSize + 65536 ||
    physicalOffset + size > commitLog.maxOffset
  ) {
    return undefined;
  }
  let bytes: Uint8Array;
  if (size <= n) {
    bytes = lookScratch.slice(0, size);
  } else {
    bytes = new Uint8Array(size);
    if (commitLog.read(physicalOffset, bytes) < size) return undefined;
  }
  const s = summarizeRecord(new DataView(bytes.buffer), 0, size);
  if (s === undefined || s.physicalOffset !== physicalOffset) return undefined;
  return bytes;
}

/** A growing byte buffer that lookups write into, so a batch of them is one transfer. */
export class ByteArena {
  bytes: Uint8Array<ArrayBuffer>;
  length = 0;

  /** Starts with room for `capacity` bytes. */
  constructor(capacity = 64 * 1024) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

/**
 * `lookMessageByOffset` that reads straight into `arena` at its end and
 * returns the record length (0 when there is no record there; nothing kept).
 */
export function lookMessageInto(
  ctx: ShardContext,
  physicalOffset: number,
  arena: ByteArena,
): number {
  const { commitLog } = ctx;
  if (physicalOffset < commitLog.minOffset || physicalOffset + 8 > commitLog.maxOffset) return 0;
  const guess = Math.min(LOOK_GUESS_BYTES, commitLog.maxOffset - physicalOffset);
  arena.reserve(guess);
  const at = arena.length;
  const n = commitLog.read(physicalOffset, arena.bytes.subarray(at, at + guess));
  if (n < 8) return 0;
  const view = new DataView(arena.bytes.buffer);
  const size = view.getInt32(at);
  if (
    size <= 8 || size > ctx.config.maxMessageSize + 65536 ||
    physicalOffset + size > commitLog.maxOffset
  ) {
    return 0;
  }
  if (size > n) {
    arena.reserve(size);
    if (commitLog.read(physicalOffset, arena.bytes.subarray(at, at + size)) < size) return 0;
  }
  const s = summarizeRecord(new DataView(arena.bytes.buffer), at, at + size);
  if (s === undefined || s.physicalOffset !== physicalOffset) return 0;
  arena.length = at + size;
  return size;
}

/** Store timestamp of the record at `physicalOffset`, or -1 when unreadable. */
export function storeTimeAt(ctx: ShardContext, physicalOffset: number): number {
  const head = new Uint8Array(80);
  if (ctx.commitLog.read(physicalOffset, head) < 80) return -1;
  const view = new DataView(head.buffer);
  return readI64(view, storeTimestampPos(view.getInt32(36)));
}

/**
 * Offset of the first message stored at or after `timestamp` (binary search
 * over store times); max offset when all are older, min when all are newer.
 */
export function getOffsetInQueueByTime(
  ctx: ShardContext,
  topic: string,
  queueId: number,
  timestamp: number,
): number {
  const queue = findQueue(ctx, topic, queueId, false);
  if (queue === undefined) return 0;
  let lo = queue.cq.minOffset;
  let hi = queue.cq.maxOffset;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const entry = queue.cq.entryAt(mid);
    const time = entry === undefined ? -1 : storeTimeAt(ctx, entry.physicalOffset);
    if (time < timestamp) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Store time of the oldest message of a queue (or of the shard when `topic` is undefined); -1 if none. */
export function getEarliestMessageTime(ctx: ShardContext, topic?: string, queueId = 0): number {
  if (topic === undefined) {
    const min = ctx.commitLog.minOffset;
    return min < ctx.commitLog.maxOffset ? storeTimeAt(ctx, min) : -1;
  }
  const queue = findQueue(ctx, topic, queueId, false);
  const entry = queue?.cq.entryAt(queue.cq.minOffset);
  return entry === undefined ? -1 : storeTimeAt(ctx, entry.physicalOffset);
}

/** Key query through the index; reads each record found. */
export function queryMessage(ctx: ShardContext, req: QueryRequest): QueryResult {
  const maxNum = Math.min(
    req.maxNum ?? ctx.config.defaultQueryMaxNum,
    ctx.config.defaultQueryMaxNum * 2,
  );
  const offsets = ctx.index.query(req.topic, req.key, { maxNum, begin: req.begin, end: req.end });
  const found: Uint8Array[] = [];
  const physicalOffsets: number[] = [];
  for (const offset of offsets) {
    const bytes = lookMessageByOffset(ctx, offset);
    if (bytes === undefined) continue;
    found.push(bytes);
    physicalOffsets.push(offset);
  }
  const messages = new Uint8Array(found.reduce((n, b) => n + b.length, 0));
  let pos = 0;
  for (const bytes of found) {
    messages.set(bytes, pos);
    pos += bytes.length;
  }
  return { messages, physicalOffsets };
}
