/**
 * `storeConfigFromSettings`: maps the broker's settings (`broker.properties` keys) onto the
 * file store's `StoreConfig`. The shard count of an existing store cannot change (physical
 * offsets and queue placement depend on it), so when `<storePathRootDir>/store.json` records
 * one, that count wins over the setting, with a warning when they differ.
 *
 * Runs on: main thread
 * @module
 */
import { ConfigError, getLogger } from "../common/mod.ts";
import type { StoreConfig } from "../store/mod.ts";
import type { BrokerSettings } from "./broker_settings.ts";

const log = getLogger("broker");

/** The store layout file written by the store on first open (`{ version, shardCount }`). */
const LAYOUT_FILE = "store.json";

function recordedShardCount(root: string): number | undefined {
  const path = `${root}/${LAYOUT_FILE}`;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigError(`Cannot read store layout "${path}"`, { cause: error });
  }
  try {
    const count = (JSON.parse(text) as { shardCount?: unknown }).shardCount;
    return typeof count === "number" && Number.isSafeInteger(count) && count > 0
      ? count
      : undefined;
  } catch (error) {
    throw new ConfigError(`Cannot parse store layout "${path}"`, { cause: error });
  }
}

/** The `StoreConfig` (partial, store defaults fill the rest) a broker with `settings` uses. */
export function storeConfigFromSettings(
  settings: BrokerSettings,
): Partial<StoreConfig> & { storePathRootDir: string } {
  const root = settings.storePathRootDir;
  const recorded = recordedShardCount(root);
  if (recorded !== undefined && recorded !== settings.shardCount) {
    log.warn("Store keeps the shard count it was created with", {
      storePathRootDir: root,
      recorded,
      configured: settings.shardCount,
    });
  }
  return {
    storePathRootDir: root,
    flushDiskType: settings.flushDiskType,
    maxMessageSize: settings.maxMessageSize,
    mappedFileSizeCommitLog: settings.mappedFileSizeCommitLog,
    mappedFileSizeConsumeQueue: settings.mappedFileSizeConsumeQueue,
    flushIntervalCommitLog: settings.flushIntervalCommitLog,
    flushCommitLogLeastPages: settings.flushCommitLogLeastPages,
    flushCommitLogThoroughInterval: settings.flushCommitLogThoroughInterval,
    flushIntervalConsumeQueue: settings.flushIntervalConsumeQueue,
    syncFlushTimeout: settings.syncFlushTimeout,
    fileReservedTime: settings.fileReservedTime,
    deleteWhen: settings.deleteWhen,
    diskMaxUsedSpaceRatio: settings.diskMaxUsedSpaceRatio,
    diskSpaceCleanForciblyRatio: settings.diskSpaceCleanForciblyRatio,
    diskSpaceWarningLevelRatio: settings.diskSpaceWarningLevelRatio,
    cleanFileForciblyEnable: settings.cleanFileForciblyEnable,
    cleanResourceInterval: settings.cleanResourceInterval,
    messageIndexEnable: settings.messageIndexEnable,
    maxHashSlotNum: settings.maxHashSlotNum,
    maxIndexNum: settings.maxIndexNum,
    checkCRCOnRecover: settings.checkCRCOnRecover,
    maxTransferBytesOnMessageInMemory: settings.maxTransferBytesOnMessageInMemory,
    maxTransferCountOnMessageInMemory: settings.maxTransferCountOnMessageInMemory,
    defaultQueryMaxNum: settings.defaultQueryMaxNum,
    shardCount: recorded ?? settings.shardCount,
  };
}
