/**
 * Address choice within one broker group, as Java's `MQClientInstance`
 * (`findBrokerAddressInSubscribe`, `cleanOfflineBroker`), on plain maps so it
 * can be tested without a client.
 *
 * Runs on: any
 * @module
 */
import type { TopicRouteData } from "./topic_route.ts";

/** A broker address found for a broker group, and whether it is a slave. */
export interface FindBrokerResult {
  readonly addr: string;
  readonly brokerId: number;
  readonly slave: boolean;
}

/**
 * The address of `brokerId` in `addrs` (broker id → address); when missing
 * and `brokerId` is a slave id, `brokerId + 1`; then, unless `onlyThisBroker`,
 * any address of the group, lowest id first (Java's `HashMap` order).
 */
export function findBrokerInGroup(
  addrs: ReadonlyMap<number, string> | undefined,
  brokerId: number,
  onlyThisBroker: boolean,
): FindBrokerResult | undefined {
  if (addrs === undefined || addrs.size === 0) return undefined;
  const exact = addrs.get(brokerId);
  if (exact !== undefined) return { addr: exact, brokerId, slave: brokerId !== 0 };
  if (brokerId !== 0) {
    const next = addrs.get(brokerId + 1);
    if (next !== undefined) return { addr: next, brokerId: brokerId + 1, slave: true };
  }
  if (onlyThisBroker) return undefined;
  const lowest = Math.min(...addrs.keys());
  return { addr: addrs.get(lowest)!, brokerId: lowest, slave: lowest !== 0 };
}

/** Removes from `brokerAddrs` every address no route in `routes` lists (empty groups too). */
export function cleanOfflineBrokers(
  brokerAddrs: Map<string, Map<number, string>>,
  routes: Iterable<TopicRouteData>,
): void {
  const listed = new Set<string>();
  for (const route of routes) {
    for (const b of route.brokerDatas) for (const addr of b.brokerAddrs.values()) listed.add(addr);
  }
  for (const [name, addrs] of brokerAddrs) {
    for (const [id, addr] of addrs) if (!listed.has(addr)) addrs.delete(id);
    if (addrs.size === 0) brokerAddrs.delete(name);
  }
}
