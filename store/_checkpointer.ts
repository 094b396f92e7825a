/**
 * Flushes and checkpoints of one shard (docs/store.md, "Flush, checkpoint"):
 * on the calling thread, or with every fdatasync on the shard's flush worker
 * so puts never wait on the disk. Also writes the queue registry right after
 * a checkpoint, so its max offsets are durable ones.
 *
 * Runs on: shard worker | main thread (in-process shards, tests)
 * @module
 */
import { getLogger } from "../common/mod.ts";
import { registrySnapshot, writeRegistry } from "./_recovery.ts";
import type { ShardContext } from "./_shard_context.ts";
import { Checkpoint } from "./checkpoint.ts";
import type { ConsumeQueue } from "./consume_queue.ts";
import type { Flusher } from "./flusher.ts";

const log = getLogger("store");

/** See the module comment. */
export class Checkpointer {
  readonly #ctx: ShardContext;
  readonly #flusher: Flusher | undefined;
  readonly #checkpoint: Checkpoint;
  readonly #lastStoreTimestamp: () => number;
  #running = false;
  #closed = false;
  #checkpointedOffset = -1;
  #registryDirty = false;
  #lastRegistryMs = 0;
  /** Bumped when queues are deleted, so an older registry snapshot is never written after. */
  #registryEpoch = 0;

  /** Opens the checkpoint file; `lastStoreTimestamp` reports the newest store time. */
  constructor(ctx: ShardContext, flusher: Flusher | undefined, lastStoreTimestamp: () => number) {
    this.#ctx = ctx;
    this.#flusher = flusher;
    this.#lastStoreTimestamp = lastStoreTimestamp;
    this.#checkpoint = new Checkpoint(ctx.io, `${ctx.dir}/checkpoint`);
  }

  /** Whether a flush or checkpoint is under way (periodic work then waits for the next tick). */
  get busy(): boolean {
    return this.#running || (this.#flusher?.busy ?? false);
  }

  /** New queues exist: write the registry at the next checkpoint. */
  markRegistryDirty(): void {
    this.#registryDirty = true;
  }

  /** Queues were deleted: drop registry snapshots taken before, write a fresh one now. */
  queuesDeleted(): void {
    this.#registryEpoch++;
    this.#registryDirty = true;
    this.checkpointNow(true);
  }

  /** Periodic commit-log flush. */
  flushCommitLog(): void {
    const { commitLog, clock, flushLatency } = this.#ctx;
    const t0 = clock.monotonic();
    if (this.#flusher === undefined) {
      const pending = commitLog.flushedOffset < commitLog.maxOffset;
      commitLog.flush();
      if (pending) flushLatency.record(clock.monotonic() - t0);
      return;
    }
    const end = commitLog.maxOffset;
    const paths = commitLog.pathsToSync();
    if (paths.length === 0) return;
    this.#flusher.sync(paths, (error) => {
      flushLatency.record(clock.monotonic() - t0);
      if (error !== undefined) {
        log.error("Commit-log flush failed", { shard: this.#ctx.shard, error });
      } else commitLog.markFlushed(end);
    });
  }

  /** Periodic checkpoint, off-thread when a flusher exists. */
  checkpoint(): void {
    if (this.#flusher === undefined) this.checkpointNow();
    else this.#checkpointOffThread(this.#flusher);
  }

  /** Stops the flusher (a running job is abandoned), checkpoints here and closes the file. */
  close(): void {
    this.#flusher?.close();
    this.#closed = true;
    try {
      this.checkpointNow(true);
      writeRegistry(this.#ctx);
    } finally {
      this.#checkpoint.close();
    }
  }

  #registryDue(): boolean {
    const elapsed = this.#ctx.clock.monotonic() - this.#lastRegistryMs;
    return this.#registryDirty || elapsed >= this.#ctx.config.flushCommitLogThoroughInterval;
  }

  #registryWritten(snapshot?: string): void {
    this.#registryDirty = false;
    this.#lastRegistryMs = this.#ctx.clock.monotonic();
    writeRegistry(this.#ctx, snapshot);
  }

  /**
   * The checkpoint of `checkpointNow` with every fdatasync on the flush
   * worker, in three steps so each write is durable before the next one that
   * depends on it: data files; then the index header; then the checkpoint.
   */
  #checkpointOffThread(flusher: Flusher): void {
    const { commitLog, queues, index } = this.#ctx;
    const safe = commitLog.maxOffset;
    const registryDue = this.#registryDue();
    if (this.#running || (safe === this.#checkpointedOffset && !registryDue)) return;
    const paths = commitLog.pathsToSync();
    const tokens: [ConsumeQueue, Map<number, number>][] = [];
    for (const queue of queues.values()) {
      const prepared = queue.cq.prepareSync();
      if (prepared.paths.length === 0) continue;
      paths.push(...prepared.paths);
      tokens.push([queue.cq, prepared.token]);
    }
    const indexFlush = index.prepareFlush();
    if (indexFlush !== undefined) paths.push(indexFlush.file.path);
    const registry = registryDue ? registrySnapshot(this.#ctx) : undefined;
    const epoch = this.#registryEpoch;
    const ts = this.#lastStoreTimestamp();
    const fail = (error: string) => {
      this.#running = false;
      log.error("Checkpoint failed", { shard: this.#ctx.shard, error });
    };
    this.#running = true;
    const step = (stepPaths: readonly string[], next: () => void) => {
      const started = flusher.sync(stepPaths, (error) => {
        if (error !== undefined || this.#closed) fail(error ?? "closed");
        else next();
      });
      if (!started) fail("flusher busy");
    };
    step(paths, () => {
      commitLog.markFlushed(safe);
      for (const [cq, token] of tokens) cq.markSynced(token);
      if (indexFlush !== undefined) indexFlush.file.writeHeader(indexFlush.header);
      step(indexFlush === undefined ? [] : [indexFlush.file.path], () => {
        const data = {
          safeOffset: safe,
          physicMsgTimestamp: ts,
          logicsMsgTimestamp: ts,
          indexMsgTimestamp: ts,
        };
        this.#checkpoint.writeNoSync(data);
        step([this.#checkpoint.path], () => {
          this.#running = false;
          this.#checkpointedOffset = Math.max(this.#checkpointedOffset, safe);
          if (registry !== undefined && epoch === this.#registryEpoch) {
            this.#registryWritten(registry);
          }
        });
      });
    });
  }

  /** Commit log, then queues, then index, then the checkpoint naming what is now safe. */
  checkpointNow(force = false): void {
    const { commitLog, queues, index } = this.#ctx;
    const safe = commitLog.maxOffset;
    if (safe === this.#checkpointedOffset && !force) return;
    const t0 = this.#ctx.clock.monotonic();
    commitLog.flush();
    this.#ctx.flushLatency.record(this.#ctx.clock.monotonic() - t0);
    for (const queue of queues.values()) queue.cq.sync();
    index.flush();
    const ts = this.#lastStoreTimestamp();
    this.#checkpoint.write({
      safeOffset: safe,
      physicMsgTimestamp: ts,
      logicsMsgTimestamp: ts,
      indexMsgTimestamp: ts,
    });
    this.#checkpointedOffset = safe;
    if (this.#registryDue()) this.#registryWritten();
  }
}
