/**
 * Client-side queue allocation strategies for clustering consumers, as Java's
 * `client/.../consumer/rebalance/*.java`: averagely (default), averagely by
 * circle, by config and consistent hash. Each is a pure function of the
 * sorted queue list, the sorted consumer id list and this client's id.
 *
 * Runs on: any
 * @module
 */
import { createHash } from "node:crypto";
import type { MessageQueue } from "./message_queue.ts";

/** Inputs of one allocation: every readable queue and every live consumer of the group. */
export interface AllocateContext {
  /** Consumer group being rebalanced. */
  readonly consumerGroup: string;
  /** This client's id. */
  readonly currentCid: string;
  /** All queues of the topic, sorted (topic, broker name, queue id). */
  readonly mqAll: readonly MessageQueue[];
  /** All consumer ids of the group, sorted. */
  readonly cidAll: readonly string[];
}

/** A strategy that picks this client's share of the queues. */
export interface AllocateStrategy {
  /** Java-compatible short name: `AVG`, `AVG_BY_CIRCLE`, `CONFIG`, `CONSISTENT_HASH`. */
  readonly name: string;
  /** Returns the queues this client should consume; empty when it is not in `cidAll`. */
  allocate(context: AllocateContext): MessageQueue[];
}

/** Names of the built-in strategies. */
export type AllocateStrategyName = "AVG" | "AVG_BY_CIRCLE" | "CONFIG" | "CONSISTENT_HASH";

/** Contiguous blocks: the first `q mod n` consumers get one queue more (Java default). */
export const allocateAveragely: AllocateStrategy = {
  name: "AVG",
  allocate({ currentCid, mqAll, cidAll }) {
    const index = cidAll.indexOf(currentCid);
    if (index < 0 || mqAll.length === 0) return [];
    const q = mqAll.length;
    const n = cidAll.length;
    const mod = q % n;
    const bigger = mod > 0 && index < mod;
    const size = q <= n ? 1 : bigger ? Math.floor(q / n) + 1 : Math.floor(q / n);
    const start = bigger ? index * size : index * size + mod;
    const count = Math.min(size, q - start);
    const result: MessageQueue[] = [];
    for (let i = 0; i < count; i++) {
      const mq = mqAll[(start + i) % q];
      if (mq !== undefined) result.push(mq);
    }
    return result;
  },
};

/** Round robin: queue `i` goes to consumer `i mod n`. */
export const allocateAveragelyByCircle: AllocateStrategy = {
  name: "AVG_BY_CIRCLE",
  allocate({ currentCid, mqAll, cidAll }) {
    const index = cidAll.indexOf(currentCid);
    if (index < 0) return [];
    return mqAll.filter((_, i) => i % cidAll.length === index);
  },
};

/** A fixed list of queues, whatever the group looks like. */
export function allocateByConfig(queues: readonly MessageQueue[]): AllocateStrategy {
  const fixed = [...queues];
  return { name: "CONFIG", allocate: () => [...fixed] };
}

/**
 * A consistent-hash ring of consumers with `virtualNodeCount` virtual nodes each
 * (Java default 10), keyed as Java does (`<clientId>-<i>` for nodes, the
 * `MessageQueue.toString()` text for queues, the first four MD5 bytes read big-endian),
 * so a Java and a TypeScript consumer in one group agree on the split.
 */
export function allocateByConsistentHash(virtualNodeCount = 10): AllocateStrategy {
  if (!Number.isInteger(virtualNodeCount) || virtualNodeCount < 1) {
    throw new RangeError(`Invalid virtual node count: "${virtualNodeCount}"`);
  }
  return {
    name: "CONSISTENT_HASH",
    allocate({ currentCid, mqAll, cidAll }) {
      if (!cidAll.includes(currentCid)) return [];
      const ring: Array<{ hash: number; cid: string }> = [];
      for (const cid of cidAll) {
        for (let i = 0; i < virtualNodeCount; i++) ring.push({ hash: md5Hash(`${cid}-${i}`), cid });
      }
      ring.sort((a, b) => a.hash - b.hash);
      return mqAll.filter((mq) => routeOnRing(ring, md5Hash(javaQueueText(mq))) === currentCid);
    },
  };
}

function routeOnRing(ring: ReadonlyArray<{ hash: number; cid: string }>, hash: number): string {
  // Java uses TreeMap.tailMap(hash) (first key >= hash), wrapping to the first key.
  for (const node of ring) if (node.hash >= hash) return node.cid;
  return ring[0]?.cid ?? "";
}

function javaQueueText(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}

function md5Hash(key: string): number {
  const d = createHash("md5").update(key, "utf8").digest();
  // First four digest bytes, big-endian, unsigned (Java ConsistentHashRouter.MD5Hash).
  return ((d[0]! << 24) >>> 0) + (d[1]! << 16) + (d[2]! << 8) + d[3]!;
}

/** Returns the built-in strategy called `name` (`CONFIG` needs its queue list). */
export function allocateStrategy(
  name: AllocateStrategyName,
  options: { queues?: readonly MessageQueue[]; virtualNodeCount?: number } = {},
): AllocateStrategy {
  switch (name) {
    case "AVG":
      return allocateAveragely;
    case "AVG_BY_CIRCLE":
      return allocateAveragelyByCircle;
    case "CONFIG":
      return allocateByConfig(options.queues ?? []);
    case "CONSISTENT_HASH":
      return allocateByConsistentHash(options.virtualNodeCount ?? 10);
  }
}
