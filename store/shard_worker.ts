/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * Entry of a shard worker: decodes protocol messages, runs them against the
 * shard's `ShardStore` with synchronous file I/O, answers with transferred
 * buffers, and runs the periodic flush/checkpoint/retention tick.
 *
 * Runs on: shard worker
 * @module
 */
import { ShardStore } from "./shard_store.ts";
import { type ShardResponse, toWireError, validateShardRequest } from "./shard_protocol.ts";
import { runShardBatch } from "./shard_ops.ts";
import { WorkerSpareAllocator } from "./spare_allocator.ts";
import { AsyncOpFlusher } from "./flusher.ts";

const TICK_MAX_MS = 20;
let store: ShardStore | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

function post(msg: ShardResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

self.onmessage = (event: MessageEvent) => {
  const msg = validateShardRequest(event.data);
  switch (msg.kind) {
    case "open": {
      const spares = new WorkerSpareAllocator();
      const flusher = new AsyncOpFlusher();
      try {
        store = ShardStore.open({ config: msg.config, shard: msg.shard, spares, flusher });
      } catch (error) {
        spares.close();
        flusher.close();
        post({ kind: "openFailed", error: toWireError(error) });
        return;
      }
      const period = Math.max(1, Math.min(TICK_MAX_MS, msg.config.flushIntervalCommitLog));
      timer = setInterval(() => store?.tick(), period);
      post({ kind: "opened", stats: store.stats() });
      return;
    }
    case "batch": {
      if (store === undefined) throw new Error("Shard worker received a batch before open");
      const out = runShardBatch(store, msg);
      post({
        kind: "results",
        putResults: out.putResults,
        results: out.results,
        arrivals: out.arrivals,
        packed: out.packed,
        lookIndex: out.lookIndex,
        lookBytes: out.lookBytes,
      }, out.transfer);
      return;
    }
    case "close": {
      if (timer !== undefined) clearInterval(timer);
      store?.close();
      store = undefined;
      post({ kind: "closed" });
      self.close();
      return;
    }
  }
};
