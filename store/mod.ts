/**
 * The message store: commit log, consume queues and key index per shard,
 * each shard in its own Worker, behind the async `MessageStore` facade.
 * Knows nothing of sockets or request codes.
 *
 * ```ts ignore
 * import { MessageStore } from "./mod.ts";
 * const store = await MessageStore.open({ config: { storePathRootDir: "/tmp/store" } });
 * const result = await store.putMessage({ topic: "T", queueId: 0, records });
 * await store.close();
 * ```
 *
 * Runs on: main thread
 * @module
 */
export { MessageStore, shardOfQueue } from "./message_store.ts";
export type { ArrivalListener, GetMessageRequest, MessageStoreOptions } from "./message_store.ts";
export {
  parseDeleteWhen,
  resolveStoreConfig,
  SHARD_COUNT_MAX,
  STORE_CONFIG_DEFAULTS,
} from "./store_config.ts";
export type { FlushDiskType, StoreConfig } from "./store_config.ts";
export { PUT_STATUSES } from "./store_types.ts";
export type {
  GetRequest,
  GetResult,
  GetStatus,
  MessageArrival,
  PutRequest,
  PutResult,
  PutStatus,
  QueryRequest,
  QueryResult,
  ShardStats,
} from "./store_types.ts";
export { SHARD_OFFSET_BITS, SHARD_OFFSET_SPAN, shardOfOffset } from "./shard_store.ts";
export { DiskFullError, nodeFileIO, StoreIOError } from "./file_io.ts";
export type { ReplicaAppendResult } from "./replica.ts";
export type { FileHandle, FileIO } from "./file_io.ts";
