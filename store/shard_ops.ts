/**
 * Executes one shard batch (puts, then reads) against a `ShardStore`; shared
 * by the worker entry and the in-process mode so both behave the same.
 *
 * Runs on: shard worker | main thread (in-process shards)
 * @module
 */
import { unreachable } from "../common/mod.ts";
import type { ShardStore } from "./shard_store.ts";
import { ByteArena } from "./_shard_read.ts";
import {
  decodePutOps,
  encodePutResults,
  type OpResult,
  type PutOpsWire,
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
  packed: ArrayBuffer | null;
  lookIndex: Float64Array | null;
  lookBytes: ArrayBuffer | null;
}

/** Rebuilds look results: each record copied out of the shared bytes, `undefined` when none. */
export function unpackLooks(index: Float64Array, bytes: ArrayBuffer): (Uint8Array | undefined)[] {
  const out: (Uint8Array | undefined)[] = [];
  for (let i = 0; i < index.length; i += 2) {
    const len = index[i + 1]!;
    out.push(len === 0 ? undefined : new Uint8Array(bytes.slice(index[i]!, index[i]! + len)));
  }
  return out;
}

/** Runs every put of the batch in one `putBatch`, then each read op in order. */
export function runShardBatch(
  store: ShardStore,
  batch: {
    payload: ArrayBuffer | null;
    puts: PutOpsWire | null;
    ops: ReadOp[];
    looks?: Float64Array | null;
  },
): ShardBatchOutput {
  const out: ShardBatchOutput = {
    putResults: null,
    results: [],
    arrivals: [],
    transfer: [],
    packed: null,
    lookIndex: null,
    lookBytes: null,
  };
  if (batch.puts !== null && batch.payload !== null) {
    const put = store.putBatch(new Uint8Array(batch.payload), decodePutOps(batch.puts));
    out.putResults = encodePutResults(put.results);
    out.arrivals = put.arrivals;
    out.transfer.push(out.putResults.buffer as ArrayBuffer);
  }
  // Byte results travel in one packed buffer: one transfer per batch, not one per op.
  const chunks: Uint8Array[] = [];
  let packedBytes = 0;
  const pack = (bytes: Uint8Array): [number, number] => {
    chunks.push(bytes);
    packedBytes += bytes.length;
    return [packedBytes - bytes.length, bytes.length];
  };
  for (const op of batch.ops) {
    try {
      const value = runOp(store, op);
      if (value instanceof Uint8Array) {
        out.results.push({ id: op.id, bytes: pack(value) });
      } else if (value !== null && typeof value === "object" && "messages" in value) {
        const { messages, ...rest } = value as { messages: Uint8Array };
        out.results.push({ id: op.id, value: rest, bytes: pack(messages) });
      } else {
        out.results.push({ id: op.id, value });
      }
    } catch (error) {
      out.results.push({ id: op.id, error: toWireError(error) });
    }
  }
  if (batch.looks !== undefined && batch.looks !== null && batch.looks.length > 0) {
    // Room for typical records up front, so the arena rarely grows (grow = copy).
    const arena = new ByteArena(batch.looks.length * 2048 + 4096);
    const index = new Float64Array(batch.looks.length * 2);
    for (let i = 0; i < batch.looks.length; i++) {
      const start = arena.length;
      index[i * 2] = start;
      index[i * 2 + 1] = store.lookMessageInto(batch.looks[i]!, arena);
    }
    const bytes = arena.bytes.buffer.slice(0, arena.length);
    out.lookIndex = index;
    out.lookBytes = bytes;
    out.transfer.push(index.buffer, bytes);
  }
  if (chunks.length > 0) {
    const packed = new Uint8Array(packedBytes);
    let pos = 0;
    for (const chunk of chunks) {
      packed.set(chunk, pos);
      pos += chunk.length;
    }
    out.packed = packed.buffer;
    out.transfer.push(packed.buffer);
  }
  return out;
}

/**
 * Rebuilds an op's value on the receiving side. Its bytes are copied out of
 * the packed buffer (so no value keeps the others' bytes alive), unless they
 * are all of it: then the buffer itself is handed over (a 1 MiB replication
 * read is not copied again).
 */
export function unpackResult(result: OpResult, packed: ArrayBuffer | null): unknown {
  if (result.bytes === undefined || packed === null) return result.value;
  const [start, length] = result.bytes;
  const view = new Uint8Array(packed, start, length);
  const bytes = start === 0 && length === packed.byteLength ? view : view.slice();
  if (result.value === undefined) return bytes;
  return { ...(result.value as object), messages: bytes };
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
    case "replicaRead":
      return store.readReplica(op.offset, op.max);
    case "replicaAppend":
      return store.appendReplica(op.offset, op.bytes);
    case "replicaTruncate":
      return store.truncateReplica(op.offset);
    default:
      return unreachable(op);
  }
}
