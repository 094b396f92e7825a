/**
 * Shard workers started ahead of the store: a process can start the workers
 * (their isolates and module graphs load on their own threads) before its
 * own module graph has loaded, so the store opens without waiting for them.
 * This module imports nothing, so it can be loaded first.
 *
 * Runs on: main thread
 * @module
 */

const ready: Worker[] = [];

function spawn(): Worker {
  return new Worker(new URL("./shard_worker.ts", import.meta.url), { type: "module" });
}

/** Starts `count` shard workers now, to be taken by the store's shard clients. */
export function prewarmShardWorkers(count: number): void {
  for (let i = 0; i < count; i++) ready.push(spawn());
}

/** A started shard worker: a prewarmed one if any is left, else a new one. */
export function takeShardWorker(): Worker {
  return ready.shift() ?? spawn();
}

/** Stops prewarmed workers nobody took (the store opened fewer shards); returns how many. */
export function releasePrewarmedShardWorkers(): number {
  const left = ready.splice(0);
  for (const worker of left) worker.terminate();
  return left.length;
}
