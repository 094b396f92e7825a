/**
 * Retention of one shard (storage.md §8): expired commit-log segments are
 * deleted at the `deleteWhen` hours, or at any hour when disk use passes
 * `diskMaxUsedSpaceRatio`; above `diskSpaceCleanForciblyRatio` even
 * unexpired ones go. Consume queues and index files follow the new min
 * offset. Above `diskSpaceWarningLevelRatio` the shard refuses puts.
 *
 * Runs on: shard worker | main thread (in-process shards, tests)
 * @module
 */
import { getLogger } from "../common/mod.ts";
import type { ShardContext } from "./_shard_context.ts";
import { parseDeleteWhen } from "./store_config.ts";

const log = getLogger("store");
const HOUR_MS = 3_600_000;

/** Output of one retention pass. */
export interface RetentionOutput {
  /** Segments deleted. */
  deleted: number;
  /** Whether disk use is above the warning level. */
  diskFull: boolean;
}

/** One retention pass; `force` deletes expired segments regardless of the hour. */
export function runRetention(ctx: ShardContext, options: { force: boolean }): RetentionOutput {
  const { config, clock, commitLog, io } = ctx;
  const now = clock.now();
  const ratio = io.diskUsedRatio(ctx.dir);
  const diskFull = ratio !== undefined && ratio * 100 >= config.diskSpaceWarningLevelRatio;
  const spaceLow = ratio !== undefined && ratio * 100 >= config.diskMaxUsedSpaceRatio;
  const forcibly = config.cleanFileForciblyEnable && ratio !== undefined &&
    ratio * 100 >= config.diskSpaceCleanForciblyRatio;
  const timeToDelete = parseDeleteWhen(config.deleteWhen).includes(new Date(now).getHours());
  if (!(options.force || timeToDelete || spaceLow || forcibly)) return { deleted: 0, diskFull };
  const reservedMs = config.fileReservedTime * HOUR_MS;
  const deleted = commitLog.deleteOldest(config.deleteFileBatchMax, (segment) => {
    if (forcibly) return true;
    const mtime = io.mtime(segment.path);
    return mtime !== undefined && mtime + reservedMs <= now;
  });
  if (deleted > 0) {
    const min = commitLog.minOffset;
    for (const queue of ctx.queues.values()) queue.cq.deleteBelow(min);
    ctx.index.deleteBelow(min);
    log.info("Deleted expired commit-log segments", { shard: ctx.shard, deleted, minOffset: min });
  }
  return { deleted, diskFull };
}
