/**
 * Store configuration: RocketMQ's `MessageStoreConfig` key names with their
 * defaults, as a plain object. The broker maps its validated config onto this.
 *
 * Runs on: any
 * @module
 */
import { ConfigError, machineShardCount } from "../common/mod.ts";

/** `ASYNC_FLUSH` answers after the page cache write; `SYNC_FLUSH` after fdatasync. */
export type FlushDiskType = "ASYNC_FLUSH" | "SYNC_FLUSH";

/** Every setting of the store, RocketMQ names where one exists. */
export interface StoreConfig {
  /** Root folder; shard `k` lives in `<root>/shard-<k>/`. */
  storePathRootDir: string;
  /** Commit-log segment size in bytes (default 1 GiB). */
  mappedFileSizeCommitLog: number;
  /** Consume-queue file size in bytes, a multiple of 20 (default 6 000 000). */
  mappedFileSizeConsumeQueue: number;
  /** `ASYNC_FLUSH` (default) or `SYNC_FLUSH`. */
  flushDiskType: FlushDiskType;
  /** Async flush period of the commit log, ms (default 500). */
  flushIntervalCommitLog: number;
  /** Async flush only when at least this many 4 KiB pages are dirty (default 4). */
  flushCommitLogLeastPages: number;
  /** Async flush of everything at least this often, ms (default 10 000). */
  flushCommitLogThoroughInterval: number;
  /** Consume-queue and index flush period, ms (default 1000). */
  flushIntervalConsumeQueue: number;
  /** SYNC_FLUSH puts slower than this answer FLUSH_DISK_TIMEOUT, ms (default 5000). */
  syncFlushTimeout: number;
  /** Largest record accepted, bytes (default 4 MiB). */
  maxMessageSize: number;
  /** Hours a commit-log segment is kept (default 72). */
  fileReservedTime: number;
  /** Hours of the day (local) when expired segments are deleted, `;`-separated (default "04"). */
  deleteWhen: string;
  /** Disk use percentage above which expired segments are deleted at any hour (default 75). */
  diskMaxUsedSpaceRatio: number;
  /** Disk use percentage above which segments are deleted even if not expired (default 85). */
  diskSpaceCleanForciblyRatio: number;
  /** Disk use percentage above which puts are refused (default 90). */
  diskSpaceWarningLevelRatio: number;
  /** Delete even unexpired segments above `diskSpaceCleanForciblyRatio` (default true). */
  cleanFileForciblyEnable: boolean;
  /** Retention check period, ms (default 10 000). */
  cleanResourceInterval: number;
  /** Segments deleted per retention run at most (default 10). */
  deleteFileBatchMax: number;
  /** Build the key index (default true). */
  messageIndexEnable: boolean;
  /** Hash slots per index file (default 5 000 000; the active file's slots are held in memory). */
  maxHashSlotNum: number;
  /** Entries per index file (default 20 000 000). */
  maxIndexNum: number;
  /** Check body CRCs when recovering (default true). */
  checkCRCOnRecover: boolean;
  /** Zero-fill the next segment ahead of time (off the shard thread in worker mode); `undefined` = only with SYNC_FLUSH. */
  warmMapedFileEnable: boolean | undefined;
  /** Number of shard workers (default: 1 on ≤ 2 cores, else cores - 1, at most 8). */
  shardCount: number;
  /** Largest answer of one get in bytes (default 256 KiB, `maxTransferBytesOnMessageInMemory`). */
  maxTransferBytesOnMessageInMemory: number;
  /** Largest answer of one get in messages (default 32, `maxTransferCountOnMessageInMemory`). */
  maxTransferCountOnMessageInMemory: number;
  /** Default and largest `maxNum` of a key query (default 32 / 64). */
  defaultQueryMaxNum: number;
  /** Put batches in flight per shard before the facade queues (default 4). */
  maxInFlightBatchesPerShard: number;
}

/** Defaults of every key except `storePathRootDir`. */
export const STORE_CONFIG_DEFAULTS: Omit<StoreConfig, "storePathRootDir"> = {
  mappedFileSizeCommitLog: 1024 * 1024 * 1024,
  mappedFileSizeConsumeQueue: 300_000 * 20,
  flushDiskType: "ASYNC_FLUSH",
  flushIntervalCommitLog: 500,
  flushCommitLogLeastPages: 4,
  flushCommitLogThoroughInterval: 10_000,
  flushIntervalConsumeQueue: 1000,
  syncFlushTimeout: 5000,
  maxMessageSize: 4 * 1024 * 1024,
  fileReservedTime: 72,
  deleteWhen: "04",
  diskMaxUsedSpaceRatio: 75,
  diskSpaceCleanForciblyRatio: 85,
  diskSpaceWarningLevelRatio: 90,
  cleanFileForciblyEnable: true,
  cleanResourceInterval: 10_000,
  deleteFileBatchMax: 10,
  messageIndexEnable: true,
  maxHashSlotNum: 5_000_000,
  maxIndexNum: 20_000_000,
  checkCRCOnRecover: true,
  warmMapedFileEnable: undefined,
  shardCount: machineShardCount(),
  maxTransferBytesOnMessageInMemory: 256 * 1024,
  maxTransferCountOnMessageInMemory: 32,
  defaultQueryMaxNum: 32,
  maxInFlightBatchesPerShard: 4,
};

/** Largest shard count: shard numbers live in the top 5 bits of a 53-bit offset. */
export const SHARD_COUNT_MAX = 32;

/** Fills defaults and checks relations; throws `ConfigError` on a bad value. */
export function resolveStoreConfig(
  partial: Partial<StoreConfig> & { storePathRootDir: string },
): StoreConfig {
  const config: StoreConfig = {
    ...STORE_CONFIG_DEFAULTS,
    ...stripUndefined(partial),
    storePathRootDir: partial.storePathRootDir,
  };
  const positive: (keyof StoreConfig)[] = [
    "mappedFileSizeCommitLog",
    "mappedFileSizeConsumeQueue",
    "flushIntervalCommitLog",
    "flushIntervalConsumeQueue",
    "maxMessageSize",
    "shardCount",
    "maxHashSlotNum",
    "maxIndexNum",
    "maxInFlightBatchesPerShard",
  ];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
      throw new ConfigError(`Invalid store config: "${key}" must be a positive integer`);
    }
  }
  if (config.mappedFileSizeConsumeQueue % 20 !== 0) {
    throw new ConfigError(
      `Invalid store config: "mappedFileSizeConsumeQueue" must be a multiple of 20`,
    );
  }
  if (config.mappedFileSizeCommitLog < config.maxMessageSize + 8) {
    throw new ConfigError(
      `Invalid store config: "mappedFileSizeCommitLog" must exceed "maxMessageSize" + 8`,
    );
  }
  if (config.shardCount > SHARD_COUNT_MAX) {
    throw new ConfigError(`Invalid store config: "shardCount" must be at most ${SHARD_COUNT_MAX}`);
  }
  if (config.flushDiskType !== "ASYNC_FLUSH" && config.flushDiskType !== "SYNC_FLUSH") {
    throw new ConfigError(`Invalid store config: "flushDiskType" is "${config.flushDiskType}"`);
  }
  parseDeleteWhen(config.deleteWhen);
  return config;
}

/** Parses `deleteWhen` ("04" or "04;16") into hours; throws `ConfigError` when malformed. */
export function parseDeleteWhen(text: string): number[] {
  const hours = text.split(";").map((part) => part.trim()).filter((part) => part !== "");
  const result: number[] = [];
  for (const hour of hours) {
    const value = Number(hour);
    if (!/^\d{1,2}$/.test(hour) || value > 23) {
      throw new ConfigError(`Invalid store config: "deleteWhen" has hour "${hour}"`);
    }
    result.push(value);
  }
  return result;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) (out as Record<string, unknown>)[key] = item;
  }
  return out;
}
