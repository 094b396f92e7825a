/**
 * Small lookups over a topic route shared by the commands: the master address of a broker
 * group and every master of the route.
 *
 * Runs on: any
 * @module
 */
import type { TopicRouteData } from "../../client/mod.ts";
import { UsageError } from "../exit_codes.ts";

/** One master of a route with its group name and its write queue count. */
export interface RouteMaster {
  readonly brokerName: string;
  readonly addr: string;
  readonly writeQueueNums: number;
  readonly readQueueNums: number;
}

/** Every master (brokerId 0) of `route`, sorted by broker name. */
export function routeMasters(route: TopicRouteData): RouteMaster[] {
  const result: RouteMaster[] = [];
  for (const b of route.brokerDatas) {
    const addr = b.brokerAddrs.get(0);
    const q = route.queueDatas.find((d) => d.brokerName === b.brokerName);
    if (addr === undefined || q === undefined) continue;
    result.push({
      brokerName: b.brokerName,
      addr,
      writeQueueNums: q.writeQueueNums,
      readQueueNums: q.readQueueNums,
    });
  }
  return result.sort((a, b) => a.brokerName.localeCompare(b.brokerName));
}

/** The master of `brokerName` in `route`; a usage error when the topic is not on it. */
export function masterOf(route: TopicRouteData, brokerName: string): RouteMaster {
  const found = routeMasters(route).find((m) => m.brokerName === brokerName);
  if (found === undefined) {
    throw new UsageError(`Broker "${brokerName}" has no master serving this topic`);
  }
  return found;
}
