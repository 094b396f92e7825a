/**
 * `measureStore`: what an operator watches on a broker's disk. Bytes of files under the store
 * root by kind (commit log, consume queues, index, the rest), the file system's size, free
 * space and used ratio (`statfs`), and commit-log flush latency summed over shards. Walks the
 * folder asynchronously with a bound on entries, so a scrape never blocks the event loop long.
 *
 * Runs on: main thread
 * @module
 */
import { statfs } from "node:fs/promises";
import type { LatencySnapshot } from "../common/mod.ts";

/** One master-slave link as the metrics show it. */
export interface ReplicaLink {
  /** The slave's address (on a master) or the master's HA address (on a slave). */
  address: string;
  /** Bytes the master wrote that this slave has not confirmed (-1 when a slave cannot know). */
  behindBytes: number;
  /** Ms since the peer's last frame. */
  idleMs: number;
}

/** Disk, flush and replication figures of one broker's store. */
export interface StoreMetrics {
  /** Bytes by kind: `commitlog`, `consumequeue`, `index`, `other`. */
  sizeBytes: Record<"commitlog" | "consumequeue" | "index" | "other", number>;
  /** File-system size under the store root (0 when `statfs` is unavailable). */
  diskTotalBytes: number;
  /** Free bytes on that file system. */
  diskFreeBytes: number;
  /** Used ratio of that file system, 0..1. */
  diskUsedRatio: number;
  /** Commit-log flush latency over all shards. */
  flushLatency: LatencySnapshot;
  /** Role of the broker in replication. */
  role: "master" | "slave";
  /** Masters: one entry per connected slave. Slaves: the master link when connected. */
  replicas: ReplicaLink[];
}

/** Most directory entries visited per measurement. */
const ENTRIES_MAX = 200_000;

function kindOf(path: string): keyof StoreMetrics["sizeBytes"] {
  if (/\/commitlog(\/|$)/.test(path)) return "commitlog";
  if (/\/consumequeue(\/|$)/.test(path)) return "consumequeue";
  if (/\/index(\/|$)/.test(path)) return "index";
  return "other";
}

/** Sums file sizes under `root` by kind. */
export async function storeSizeBytes(root: string): Promise<StoreMetrics["sizeBytes"]> {
  const sizes = { commitlog: 0, consumequeue: 0, index: 0, other: 0 };
  const pending = [root];
  let visited = 0;
  while (pending.length > 0 && visited < ENTRIES_MAX) {
    const dir = pending.pop()!;
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (++visited > ENTRIES_MAX) break;
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory) pending.push(path);
        else if (entry.isFile) {
          const info = await Deno.stat(path).catch(() => undefined);
          sizes[kindOf(path.slice(root.length))] += info?.size ?? 0;
        }
      }
    } catch {
      // The folder vanished (a topic deleted meanwhile): skip it.
    }
  }
  return sizes;
}

/** Size, free space and used ratio of the file system holding `path` (zeros when unknown). */
export async function diskUsage(
  path: string,
): Promise<{ totalBytes: number; freeBytes: number; usedRatio: number }> {
  try {
    const s = await statfs(path);
    const total = Number(s.blocks) * Number(s.bsize);
    const free = Number(s.bavail) * Number(s.bsize);
    const used = s.blocks > 0 ? (Number(s.blocks) - Number(s.bfree)) / Number(s.blocks) : 0;
    return { totalBytes: total, freeBytes: free, usedRatio: used };
  } catch {
    return { totalBytes: 0, freeBytes: 0, usedRatio: 0 };
  }
}
