/**
 * Requests, results and statuses of the store API, shared by the facade,
 * the worker protocol and the shard engine. Statuses are RocketMQ's
 * `PutMessageStatus` and `GetMessageStatus` names.
 *
 * Runs on: any
 * @module
 */
import type { LatencySnapshot } from "../common/mod.ts";

/** Outcome of a put, as RocketMQ's `PutMessageStatus` (plus `DISK_FULL`). */
export type PutStatus =
  | "PUT_OK"
  | "FLUSH_DISK_TIMEOUT"
  | "MESSAGE_ILLEGAL"
  | "PROPERTIES_SIZE_EXCEEDED"
  | "SERVICE_NOT_AVAILABLE"
  | "OS_PAGE_CACHE_BUSY"
  | "DISK_FULL"
  | "UNKNOWN_ERROR";

/** Every put status, indexed by its wire number in the worker protocol. */
export const PUT_STATUSES: readonly PutStatus[] = [
  "PUT_OK",
  "FLUSH_DISK_TIMEOUT",
  "MESSAGE_ILLEGAL",
  "PROPERTIES_SIZE_EXCEEDED",
  "SERVICE_NOT_AVAILABLE",
  "OS_PAGE_CACHE_BUSY",
  "DISK_FULL",
  "UNKNOWN_ERROR",
];

/** One put: one or more stored-layout records of the same queue, back to back. */
export interface PutRequest {
  /** Topic of every record (checked against the record bytes). */
  topic: string;
  /** Queue id of every record. */
  queueId: number;
  /** Records built by `encodeStoredMessage`; queue offset, physical offset, store time are filled in. */
  records: Uint8Array;
  /** False when the producer sent `WAIT=false`: answer without waiting for the flush. */
  waitStoreMsgOk?: boolean;
  /**
   * The caller gives `records` away: when they fill a buffer of their own, a shard worker
   * may take that buffer by transfer instead of a copy (the caller's view is then detached).
   */
  giveRecords?: boolean;
}

/** Answer to a put. */
export interface PutResult {
  /** Outcome. */
  status: PutStatus;
  /** Queue offset of the first record (0 for transactional prepared/rollback records). */
  queueOffset: number;
  /** Physical offset of each record, in order. */
  physicalOffsets: number[];
  /** Store timestamp given to the records. */
  storeTimestamp: number;
  /** Records stored. */
  count: number;
}

/** Outcome of a get, as RocketMQ's `GetMessageStatus`. */
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

/** A get by queue and logical offset. */
export interface GetRequest {
  /** Topic. */
  topic: string;
  /** Queue id. */
  queueId: number;
  /** First logical offset wanted. */
  offset: number;
  /** Most records wanted (capped by `maxTransferCountOnMessageInMemory`). */
  maxCount: number;
  /** Most bytes wanted (capped by `maxTransferBytesOnMessageInMemory`); one record always fits. */
  maxBytes?: number;
  /** Only records whose consume-queue tags code is in this set (tag filtering). */
  tagsCodes?: readonly number[];
}

/** Answer to a get. */
export interface GetResult {
  /** Outcome. */
  status: GetStatus;
  /** Stored records concatenated (exactly the bytes a pull response carries). */
  messages: Uint8Array;
  /** Records in `messages`. */
  count: number;
  /** Offset the next get should start at. */
  nextBeginOffset: number;
  /** Queue min offset. */
  minOffset: number;
  /** Queue max offset (next offset to be written). */
  maxOffset: number;
}

/** A key query (QUERY_MESSAGE). */
export interface QueryRequest {
  /** Topic. */
  topic: string;
  /** A key from `KEYS`, or a `UNIQ_KEY`. */
  key: string;
  /** Most records (default `defaultQueryMaxNum`). */
  maxNum?: number;
  /** Earliest store time, ms. */
  begin: number;
  /** Latest store time, ms. */
  end: number;
}

/** Answer to a key query. */
export interface QueryResult {
  /** Records concatenated (may include hash collisions; callers filter by key). */
  messages: Uint8Array;
  /** Physical offsets of the records, in the same order. */
  physicalOffsets: number[];
}

/** New messages became visible in a queue (for long-poll wake-ups). */
export interface MessageArrival {
  /** Topic. */
  topic: string;
  /** Queue id. */
  queueId: number;
  /** New max offset of the queue. */
  maxOffset: number;
}

/** Counters of one shard. */
export interface ShardStats {
  /** Shard number. */
  shard: number;
  /** Commit-log min offset. */
  commitLogMinOffset: number;
  /** Commit-log max offset. */
  commitLogMaxOffset: number;
  /** Commit-log flushed offset. */
  commitLogFlushedOffset: number;
  /** Queues known. */
  queueCount: number;
  /** Records stored since start. */
  putCount: number;
  /** Records returned by gets since start. */
  getCount: number;
  /** Whether puts are refused because the disk is full. */
  diskFull: boolean;
  /** Commit-log segments deleted by retention since start. */
  segmentsDeleted: number;
  /** How the last start recovered: clean restart or crash recovery. */
  recovery: "clean" | "crash" | "fresh";
  /** Time commit-log flushes took. */
  flushLatency: LatencySnapshot;
}
