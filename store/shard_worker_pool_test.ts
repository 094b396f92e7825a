/**
 * Tests of the prewarmed shard-worker pool: prewarmed workers are handed out
 * first, and the ones nobody took are stopped by `releasePrewarmedShardWorkers`.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { equal, notEqual } from "node:assert/strict";
import {
  prewarmShardWorkers,
  releasePrewarmedShardWorkers,
  takeShardWorker,
} from "./shard_worker_pool.ts";

Deno.test("shard worker pool hands out prewarmed workers first and releases the rest", () => {
  equal(releasePrewarmedShardWorkers(), 0, "nothing prewarmed yet");
  prewarmShardWorkers(2);
  const first = takeShardWorker();
  equal(releasePrewarmedShardWorkers(), 1, "one prewarmed worker was left");
  equal(releasePrewarmedShardWorkers(), 0);
  const fresh = takeShardWorker();
  notEqual(fresh, first);
  first.terminate();
  fresh.terminate();
});
