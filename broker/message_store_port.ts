/**
 * What the broker needs from a message store, as one interface. `store_adapter.ts` implements
 * it over the sharded file `MessageStore` of `store/` (the runtime store);
 * `memory_message_store.ts` implements it in memory as a test double for fast unit tests.
 * Everything crossing this port is plain data (tag filters are hash lists, not closures), so
 * an implementation may run the work in shard workers. Statuses are Java's
 * `PutMessageStatus` / `GetMessageStatus` names; the broker maps them in `response_codes.ts`.
 *
 * Runs on: main thread
 * @module
 */
import type { MessageToStore } from "../common/mod.ts";
import type { StoreMetrics } from "./store_metrics.ts";

/** Outcome of a put (Java `PutMessageStatus`). */
export type PutStatus =
  | "PUT_OK"
  | "FLUSH_DISK_TIMEOUT"
  | "FLUSH_SLAVE_TIMEOUT"
  | "SLAVE_NOT_AVAILABLE"
  | "SERVICE_NOT_AVAILABLE"
  | "CREATE_MAPEDFILE_FAILED"
  | "MESSAGE_ILLEGAL"
  | "PROPERTIES_SIZE_EXCEEDED"
  | "OS_PAGECACHE_BUSY"
  | "UNKNOWN_ERROR";

/** Result of putting the messages of one send (one message, or one batch into one queue). */
export interface PutResult {
  status: PutStatus;
  /** Per stored message, in order: where it went (and its record bytes, when known). */
  stored: { queueOffset: number; physicalOffset: number; storeTimestamp: number; size?: number }[];
}

/** Outcome of a get (Java `GetMessageStatus`). */
export type GetStatus =
  | "FOUND"
  | "NO_MATCHED_MESSAGE"
  | "MESSAGE_WAS_REMOVING"
  | "OFFSET_FOUND_NULL"
  | "OFFSET_OVERFLOW_BADLY"
  | "OFFSET_OVERFLOW_ONE"
  | "OFFSET_TOO_SMALL"
  | "NO_MATCHED_LOGIC_QUEUE"
  | "NO_MESSAGE_IN_QUEUE";

/** Result of reading a queue. */
export interface GetResult {
  status: GetStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Stored records back to back, each exactly as in the commit log (the pull body). */
  messages: Uint8Array;
  /** Records in `messages`. */
  count: number;
  /** The consumer lags far behind (Java `suggestPullingFromSlave`). */
  suggestPullingFromSlave: boolean;
}

/** Result of a key query. */
export interface QueryResult {
  records: Uint8Array[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

/**
 * Called after messages became visible, to wake parked pulls. `queueOffset` is the queue
 * offset of the newest visible message; `tagsCode` is given when exactly one message with a
 * known tag hash arrived (absent: wake every pull below the offset, it re-checks tags).
 */
export type MessageArrivedListener = (
  topic: string,
  queueId: number,
  info: { queueOffset: number; tagsCode?: number },
) => void;

/** Options of `BrokerMessageStore.getMessage`. */
export interface GetMessageOptions {
  /** First queue offset wanted. */
  offset: number;
  /** Most records wanted. */
  maxCount: number;
  /** Most bytes wanted (one record always fits). */
  maxBytes?: number;
  /** Keep only records whose consume-queue tag hash is listed; absent = every record. */
  tagsCodes?: readonly number[];
}

/** A message store as the broker uses it. */
export interface BrokerMessageStore {
  /** Stores messages (all for the same topic and queue), in order. */
  putMessages(messages: MessageToStore[]): Promise<PutResult>;
  /** Reads up to `maxCount` records from a queue, keeping those whose tag hash is listed. */
  getMessage(topic: string, queueId: number, options: GetMessageOptions): Promise<GetResult>;
  /** Smallest readable queue offset (0 for an unknown queue). */
  getMinOffset(topic: string, queueId: number): Promise<number>;
  /** Next queue offset to be written (0 for an unknown queue). */
  getMaxOffset(topic: string, queueId: number): Promise<number>;
  /** Queue offset by store time (`boundary` lower = first at/after, upper = last at/before). */
  getOffsetByTime(
    topic: string,
    queueId: number,
    options: { timestamp: number; boundary: "lower" | "upper" },
  ): Promise<number>;
  /** Store time of the message at the min offset, or -1 when the queue is empty. */
  getEarliestMessageTime(topic: string, queueId: number): Promise<number>;
  /** Store time of the oldest message of the whole store, or -1 when empty (runtime info). */
  getEarliestStoreTime?(): Promise<number>;
  /** The stored record at a commit-log physical offset. */
  lookMessageByOffset(physicalOffset: number): Promise<Uint8Array | undefined>;
  /** Records whose key (KEYS or UNIQ_KEY) is `key`, stored in `[begin, end]`. */
  queryMessage(
    topic: string,
    key: string,
    options: { maxNum: number; begin: number; end: number },
  ): Promise<QueryResult>;
  /** Drops a topic's queues. */
  deleteTopic(topic: string): Promise<void>;
  /** Commit-log bytes written (broker-wide, summed over shards), for runtime info. */
  maxPhysicalOffset(): number;
  /** Registers the long-poll wake-up listener. */
  onMessageArrived(listener: MessageArrivedListener): void;
  /** Extra GET_BROKER_RUNTIME_INFO keys (replication state), when the store has any. */
  runtimeInfo?(): Record<string, string>;
  /** Disk, flush and replication figures for `/metrics` (file stores only). */
  storeMetrics?(): Promise<StoreMetrics>;
  /** Flushes and closes (writes the checkpoint). */
  close(): Promise<void>;
}
