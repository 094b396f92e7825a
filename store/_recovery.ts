/**
 * Recovery of one shard at start-up (docs/store.md): scan the commit log
 * from the checkpoint's safe offset, validating every record (structure,
 * own offset, body CRC), re-dispatch what the consume queues and index may
 * have lost, cut the log after the last good record, and rebuild any
 * consume queue that lost files.
 *
 * Runs on: shard worker
 * @module
 */
import { getLogger } from "../common/mod.ts";
import {
  bodyCrcMatches,
  javaHashString,
  MAGIC_BLANK,
  type RecordSummary,
  scanDispatch,
  summarizeRecord,
  TRANSACTION_MASK,
  TRANSACTION_PREPARED,
  TRANSACTION_ROLLBACK,
} from "./_record.ts";
import { findQueue, queueKey, type ShardContext } from "./_shard_context.ts";
import type { CheckpointData } from "./checkpoint.ts";

const log = getLogger("store");
const decoder = new TextDecoder();

/** Called for each valid record found by `scanLog`. */
export type ScanVisitor = (bytes: Uint8Array, pos: number, s: RecordSummary) => void;

/**
 * Visits every valid record from `from` on and returns the offset just past
 * the last valid one (where the log must end).
 */
export function scanLog(ctx: ShardContext, from: number, visit: ScanVisitor): number {
  const { commitLog, config } = ctx;
  const segBytes = commitLog.segmentBytes;
  const bufBytes = Math.min(segBytes, Math.max(4 * 1024 * 1024, config.maxMessageSize + 65536));
  const buf = new Uint8Array(bufBytes);
  const view = new DataView(buf.buffer);
  let offset = from;
  for (let guard = 0; guard < Number.MAX_SAFE_INTEGER; guard++) {
    const segment = commitLog.segments.find((s) =>
      s.start <= offset && offset < s.start + segBytes
    );
    if (segment === undefined) return offset;
    const rel = offset - segment.start;
    const want = Math.min(bufBytes, segBytes - rel);
    const n = commitLog.readRaw(segment, rel, want === bufBytes ? buf : buf.subarray(0, want));
    let pos = 0;
    let nextSegment = false;
    while (pos + 8 <= n) {
      const total = view.getInt32(pos);
      if (view.getInt32(pos + 4) === MAGIC_BLANK) {
        if (total !== segBytes - (rel + pos)) return offset + pos;
        nextSegment = true;
        break;
      }
      const s = summarizeRecord(view, pos, n);
      if (s === undefined) {
        const spansBuffer = total > 0 && total <= bufBytes && pos + total > n && n === want &&
          pos > 0;
        if (spansBuffer) break;
        return offset + pos;
      }
      if (s.physicalOffset !== offset + pos) return offset + pos;
      if (config.checkCRCOnRecover && !bodyCrcMatches(buf, view, pos, s)) return offset + pos;
      visit(buf, pos, s);
      pos += s.totalSize;
    }
    if (nextSegment) {
      offset = segment.start + segBytes;
      continue;
    }
    if (pos === 0) return offset;
    offset += pos;
  }
  return offset;
}

/** Dispatches one scanned record to its consume queue and/or the index. */
export function redispatch(
  ctx: ShardContext,
  bytes: Uint8Array,
  s: RecordSummary,
  options: { indexFrom: number; onlyQueues?: Set<string> },
): void {
  const topic = decoder.decode(bytes.subarray(s.topicStart, s.topicStart + s.topicLength));
  const tx = s.sysFlag & TRANSACTION_MASK;
  const wantIndex = options.onlyQueues === undefined && ctx.config.messageIndexEnable &&
    s.physicalOffset >= options.indexFrom && tx !== TRANSACTION_ROLLBACK;
  const wantQueue = tx !== TRANSACTION_PREPARED && tx !== TRANSACTION_ROLLBACK &&
    (options.onlyQueues === undefined || options.onlyQueues.has(queueKey(topic, s.queueId)));
  if (!wantIndex && !wantQueue) return;
  const queue = wantQueue ? findQueue(ctx, topic, s.queueId, true) : undefined;
  const prefix = queue?.prefixHash ?? javaHashString(javaHashString(0, topic), "#");
  const keyHashes: number[] = [];
  const tagsCode = scanDispatch(bytes, s.propertiesStart, s.propertiesLength, prefix, keyHashes);
  if (queue !== undefined) {
    queue.cq.put(s.queueOffset, s.physicalOffset, s.totalSize, tagsCode);
  }
  if (wantIndex && keyHashes.length > 0) {
    ctx.index.add(keyHashes, s.physicalOffset, s.storeTimestamp);
  }
}

/** What `recoverShard` found. */
export interface RecoveryReport {
  /** How the shard last stopped. */
  kind: "clean" | "crash" | "fresh";
  /** Offset the scan started at. */
  from: number;
  /** New end of the commit log. */
  end: number;
  /** Records re-dispatched. */
  redispatched: number;
  /** Store time of the last valid record seen (0 if none). */
  lastStoreTimestamp: number;
}

/** Runs recovery; see the module comment. */
export function recoverShard(
  ctx: ShardContext,
  checkpoint: CheckpointData | undefined,
  abortFilePresent: boolean,
): RecoveryReport {
  const { commitLog } = ctx;
  if (commitLog.segments.length === 0) {
    for (const queue of ctx.queues.values()) queue.cq.recoverTail(commitLog.minOffset);
    return {
      kind: "fresh",
      from: commitLog.minOffset,
      end: commitLog.maxOffset,
      redispatched: 0,
      lastStoreTimestamp: 0,
    };
  }
  let crash = abortFilePresent || checkpoint === undefined;
  const lastSeg = commitLog.segments.at(-1)!;
  let from = checkpoint?.safeOffset ?? commitLog.minOffset;
  if (from < commitLog.minOffset || from > lastSeg.start + commitLog.segmentBytes) {
    from = commitLog.minOffset;
  }
  // A segment shorter than its size was truncated behind our back: revalidate from its start.
  const short = commitLog.segments.find((seg) => ctx.io.size(seg.handle) < commitLog.segmentBytes);
  if (short !== undefined && short.start < from) {
    from = short.start;
    crash = true;
  }
  if (crash) {
    // Entries at or past the safe offset may be torn or have holes: cut them, the scan re-adds them.
    for (const queue of ctx.queues.values()) queue.cq.recoverTail(from);
  }
  const indexFrom = ctx.index.indexedBelow;
  // An index header older than the checkpoint: start where the index stopped so it is complete.
  const resume = crash ? indexResumeOffset(ctx) : undefined;
  if (resume !== undefined && resume < from && resume >= commitLog.minOffset) {
    for (const queue of ctx.queues.values()) queue.cq.recoverTail(resume);
    from = resume;
  }
  let redispatched = 0;
  let lastStoreTimestamp = 0;
  const end = scanLog(ctx, from, (bytes, _pos, s) => {
    redispatch(ctx, bytes, s, { indexFrom });
    redispatched++;
    lastStoreTimestamp = s.storeTimestamp;
  });
  commitLog.truncateTo(end);
  for (const queue of ctx.queues.values()) {
    queue.cq.recoverTail(end);
    queue.cq.correctMinOffset(commitLog.minOffset);
  }
  if (crash || end !== from) {
    log.warn("Recovered shard after an unclean stop", {
      shard: ctx.shard,
      from,
      end,
      redispatched,
    });
  }
  return { kind: crash ? "crash" : "clean", from, end, redispatched, lastStoreTimestamp };
}

/** End of the last record the durable index covers, when it lies inside the log. */
function indexResumeOffset(ctx: ShardContext): number | undefined {
  if (!ctx.config.messageIndexEnable) return undefined;
  const last = ctx.index.indexedBelow - 1;
  if (last < ctx.commitLog.minOffset) return undefined;
  const head = new Uint8Array(8);
  if (ctx.commitLog.read(last, head) < 8) return undefined;
  const size = new DataView(head.buffer).getInt32(0);
  return size > 0 && size <= ctx.config.maxMessageSize + 65536 ? last + size : undefined;
}

/** Reads `queues.json` (queue → max offset at the last registry write). */
export function readRegistry(ctx: ShardContext): Map<string, number> {
  const path = `${ctx.dir}/queues.json`;
  const out = new Map<string, number>();
  if (!ctx.io.exists(path)) return out;
  try {
    const text = Deno.readTextFileSync(path);
    const parsed = JSON.parse(text) as { queues?: Record<string, number> };
    for (const [key, value] of Object.entries(parsed.queues ?? {})) {
      if (typeof value === "number") out.set(key.replace("/", "\u0000"), value);
    }
  } catch (error) {
    log.warn("Ignoring unreadable queue registry", { shard: ctx.shard, error });
  }
  return out;
}

/** The registry content for the queues' current max offsets. */
export function registrySnapshot(ctx: ShardContext): string {
  const queues: Record<string, number> = {};
  for (const q of ctx.queues.values()) queues[`${q.topic}/${q.queueId}`] = q.cq.maxOffset;
  return JSON.stringify({ version: 1, queues });
}

/** Writes `queues.json` atomically (temp file and rename), from a snapshot or from now. */
export function writeRegistry(ctx: ShardContext, snapshot = registrySnapshot(ctx)): void {
  const path = `${ctx.dir}/queues.json`;
  Deno.writeTextFileSync(`${path}.tmp`, snapshot);
  Deno.renameSync(`${path}.tmp`, path);
}

/**
 * Rebuilds consume queues that lost files (max offset below the registry's,
 * or a gap between files) from the whole commit log. Returns the keys rebuilt.
 */
export function rebuildDamagedQueues(ctx: ShardContext, registry: Map<string, number>): string[] {
  const damaged = new Set<string>();
  for (const [key, recorded] of registry) {
    const [topic, id] = key.split("\u0000") as [string, string];
    const queue = findQueue(ctx, topic, Number(id), true)!;
    if (queue.cq.maxOffset < recorded) damaged.add(key);
  }
  for (const [key, queue] of ctx.queues) if (queue.cq.hasGap()) damaged.add(key);
  if (damaged.size === 0) return [];
  for (const key of damaged) ctx.queues.get(key)?.cq.destroy();
  scanLog(ctx, ctx.commitLog.minOffset, (bytes, _pos, s) => {
    redispatch(ctx, bytes, s, { indexFrom: Number.MAX_SAFE_INTEGER, onlyQueues: damaged });
  });
  for (const key of damaged) {
    const cq = ctx.queues.get(key)!.cq;
    cq.flushPending();
    cq.correctMinOffset(ctx.commitLog.minOffset);
  }
  log.warn("Rebuilt consume queues from the commit log", {
    shard: ctx.shard,
    queues: damaged.size,
  });
  return [...damaged];
}
