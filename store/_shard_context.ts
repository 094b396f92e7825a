/**
 * The state one shard's modules share: files, queues, config. Internal to
 * store/; the shard engine (`shard_store.ts`) owns it and passes it to the
 * read, recovery and retention helpers.
 *
 * Runs on: shard worker
 * @module
 */
import type { Clock, LatencyHistogram } from "../common/mod.ts";
import type { CommitLog } from "./commit_log.ts";
import { ConsumeQueue } from "./consume_queue.ts";
import type { FileIO } from "./file_io.ts";
import type { HandleCache } from "./handle_cache.ts";
import type { IndexService } from "./index_service.ts";
import type { StoreConfig } from "./store_config.ts";
import { javaHashString } from "./_record.ts";

/** A queue known to the shard. */
export interface QueueState {
  /** Topic. */
  readonly topic: string;
  /** Queue id. */
  readonly queueId: number;
  /** Its consume queue. */
  readonly cq: ConsumeQueue;
  /** Java hash state of `topic#`, the prefix of every index key. */
  readonly prefixHash: number;
}

/** Shared shard state. */
export interface ShardContext {
  /** Shard number. */
  readonly shard: number;
  /** `<root>/shard-<k>`. */
  readonly dir: string;
  /** Resolved config. */
  readonly config: StoreConfig;
  /** File operations. */
  readonly io: FileIO;
  /** Clock. */
  readonly clock: Clock;
  /** Commit log. */
  readonly commitLog: CommitLog;
  /** Key index. */
  readonly index: IndexService;
  /** Consume-queue handle cache. */
  readonly handles: HandleCache;
  /** Queues by `queueKey`. */
  readonly queues: Map<string, QueueState>;
  /** Time each commit-log flush took (periodic, SYNC_FLUSH puts and checkpoints). */
  readonly flushLatency: LatencyHistogram;
}

/** Map key of a queue. */
export function queueKey(topic: string, queueId: number): string {
  return `${topic}\u0000${queueId}`;
}

/** Topic names that are safe as folder names (RocketMQ's character set). */
export const TOPIC_PATTERN = /^[%|a-zA-Z0-9_-]{1,255}$/;

/** The queue, created (empty) when `create` and it does not exist yet. */
export function findQueue(
  ctx: ShardContext,
  topic: string,
  queueId: number,
  create: boolean,
): QueueState | undefined {
  const key = queueKey(topic, queueId);
  const found = ctx.queues.get(key);
  if (found !== undefined || !create) return found;
  const cq = new ConsumeQueue(`${ctx.dir}/consumequeue/${topic}/${queueId}`, {
    io: ctx.io,
    handles: ctx.handles,
    fileBytes: ctx.config.mappedFileSizeConsumeQueue,
  });
  const state = { topic, queueId, cq, prefixHash: javaHashString(javaHashString(0, topic), "#") };
  ctx.queues.set(key, state);
  return state;
}

/** Loads every consume queue found on disk. */
export function loadQueues(ctx: ShardContext): void {
  const root = `${ctx.dir}/consumequeue`;
  for (const topic of ctx.io.list(root)) {
    if (!TOPIC_PATTERN.test(topic)) continue;
    for (const id of ctx.io.list(`${root}/${topic}`)) {
      if (/^\d+$/.test(id)) findQueue(ctx, topic, Number(id), true);
    }
  }
}
