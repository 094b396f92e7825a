/**
 * The default number of store shards. Imports nothing, so a process can
 * compute it (and start shard workers) before its module graph has loaded.
 *
 * Runs on: main thread
 * @module
 */

/**
 * Store shards for a machine with `cores` cores, as the store's own default (docs/store.md):
 * the main thread (sockets, frames, handlers) keeps a core, so 1 shard up to 2 cores, else
 * cores - 1, at most 8. On 2 vCPUs two shard workers cost a quarter more CPU per produced
 * message than one (BENCHMARKS.md).
 */
export function defaultShardCount(cores: number): number {
  return cores <= 2 ? 1 : Math.min(8, cores - 1);
}

/** `defaultShardCount` of this machine. */
export function machineShardCount(): number {
  return defaultShardCount(Math.max(1, navigator.hardwareConcurrency || 1));
}
