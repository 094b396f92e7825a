/**
 * Executes one shard batch (puts, then reads) against a `ShardStore`; shared
 * by the worker entry and the in-process mode so both behave the same.
 *
 * Runs on: shard worker | main thread (in-process shards)
 * @module
 */
import { unreachable } from "../common/assert.ts";
import type { ShardStore } from "./shard_store.ts";
import {
  encodePutResults,
  type OpResult,
  type PutOp,
  type ReadOp,
  toWireError,
} from "./shard_protocol.ts";
import type { MessageArrival } from "./store_types.ts";

/** Output of `runShardBatch`, with the buffers to transfer back. */
export interface ShardBatchOutput {
  putResults: Float64Array | null;
  results: OpResult[];
  arrivals: MessageArrival[];
  transfer: ArrayBuffer[];
}

/** Runs every put of the batch in one `putBatch`, then each read op in order. */
export function runShardBatch(
  store: ShardStore,
  batch: { payload: ArrayBuffer | null; puts: PutOp[]; ops: ReadOp[] },
): ShardBatchOutput {
  const out: ShardBatchOutput = { putResults: null, results: [], arrivals: [], transfer: [] };
  if (batch.puts.length > 0 && batch.payload !== null) {
    const put = store.putBatch(new Uint8Array(batch.payload), batch.puts);
    out.putResults = encodePutResults(put.results);
    out.arrivals = put.arrivals;
    out.transfer.push(out.putResults.buffer as ArrayBuffer);
  }
  for (const op of batch.ops) {
    try {
      const value = runOp(store, op);
      if (value instanceof Uint8Array) out.transfer.push(value.buffer as ArrayBuffer);
      else if (value !== null && typeof value === "object" && "messages" in value) {
        out.transfer.push((value.messages as Uint8Array).buffer as ArrayBuffer);
      }
      out.results.push({ id: op.id, value });
    } catch (error) {
      out.results.push({ id: op.id, error: toWireError(error) });
    }
  }
  return out;
}

function runOp(store: ShardStore, op: ReadOp): unknown {
  switch (op.op) {
    case "get":
      return store.getMessage(op.req);
    case "look":
      return store.lookMessageByOffset(op.physicalOffset);
    case "query":
      return store.queryMessage(op.req);
    case "maxOffset":
      return store.getMaxOffsetInQueue(op.topic, op.queueId);
    case "minOffset":
      return store.getMinOffsetInQueue(op.topic, op.queueId);
    case "offsetByTime":
      return store.getOffsetInQueueByTime(op.topic, op.queueId, op.timestamp);
    case "earliestTime":
      return store.getEarliestMessageTime(op.topic, op.queueId);
    case "storeTime":
      return store.getMessageStoreTimestamp(op.topic, op.queueId, op.offset);
    case "deleteTopics":
      return store.deleteTopics(op.topics);
    case "stats":
      return store.stats();
    case "flush":
      store.flush();
      return null;
    case "retention":
      return store.runRetention({ force: op.force });
    default:
      return unreachable(op);
  }
}
