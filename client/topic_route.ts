/**
 * Topic route data (`GET_ROUTEINFO_BY_TOPIC` body) and the queue lists a
 * producer and a consumer derive from it, as Java's `MQClientInstance`
 * (`topicRouteData2TopicPublishInfo`, `topicRouteData2TopicSubscribeInfo`).
 *
 * Runs on: any
 * @module
 */
import { DecodeError } from "../common/mod.ts";
import type { MessageQueue } from "./message_queue.ts";

/** Topic permission bits. */
export const PERM = { PRIORITY: 8, READ: 4, WRITE: 2, INHERIT: 1 } as const;

/** The default topic whose route producers borrow for topics that do not exist yet. */
export const AUTO_CREATE_TOPIC_KEY = "TBW102";

/** One broker group's queue counts and permission for a topic. */
export interface QueueData {
  readonly brokerName: string;
  readonly readQueueNums: number;
  readonly writeQueueNums: number;
  readonly perm: number;
  readonly topicSysFlag: number;
}

/** One broker group: brokerId (0 = master) to `ip:port`. */
export interface BrokerData {
  readonly cluster: string;
  readonly brokerName: string;
  readonly brokerAddrs: ReadonlyMap<number, string>;
}

/** A topic's route as the name server reports it. */
export interface TopicRouteData {
  readonly orderTopicConf?: string | undefined;
  readonly queueDatas: readonly QueueData[];
  readonly brokerDatas: readonly BrokerData[];
}

function field(obj: Record<string, unknown>, key: string, what: string): unknown {
  if (!(key in obj)) throw new DecodeError(`Cannot decode ${what}: field "${key}" is missing`);
  return obj[key];
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DecodeError(`Cannot decode ${what}: not an object`);
  }
  return value as Record<string, unknown>;
}

function asInt(value: unknown, what: string): number {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new DecodeError(`Cannot decode ${what}: "${String(value)}" is not an integer`);
  }
  return n;
}

function asString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new DecodeError(`Cannot decode ${what}: not a string`);
  return value;
}

function parseQueueData(value: unknown): QueueData {
  const q = asRecord(value, "queue data");
  return {
    brokerName: asString(field(q, "brokerName", "queue data"), "brokerName"),
    readQueueNums: asInt(field(q, "readQueueNums", "queue data"), "readQueueNums"),
    writeQueueNums: asInt(field(q, "writeQueueNums", "queue data"), "writeQueueNums"),
    perm: asInt(field(q, "perm", "queue data"), "perm"),
    topicSysFlag: asInt(q.topicSysFlag ?? q.topicSynFlag ?? 0, "topicSysFlag"),
  };
}

function parseBrokerData(value: unknown): BrokerData {
  const b = asRecord(value, "broker data");
  const addrs = asRecord(field(b, "brokerAddrs", "broker data"), "brokerAddrs");
  const brokerAddrs = new Map<number, string>();
  for (const [id, addr] of Object.entries(addrs)) {
    brokerAddrs.set(asInt(id, "broker id"), asString(addr, "broker address"));
  }
  return {
    cluster: typeof b.cluster === "string" ? b.cluster : "",
    brokerName: asString(field(b, "brokerName", "broker data"), "brokerName"),
    brokerAddrs,
  };
}

/** Validates a parsed route body (bare integer keys already turned into strings). */
export function parseTopicRouteData(value: unknown): TopicRouteData {
  const r = asRecord(value, "topic route");
  const queueDatas = r.queueDatas ?? [];
  const brokerDatas = r.brokerDatas ?? [];
  if (!Array.isArray(queueDatas) || !Array.isArray(brokerDatas)) {
    throw new DecodeError("Cannot decode topic route: queueDatas or brokerDatas is not an array");
  }
  return {
    orderTopicConf: typeof r.orderTopicConf === "string" ? r.orderTopicConf : undefined,
    queueDatas: queueDatas.map(parseQueueData),
    brokerDatas: brokerDatas.map(parseBrokerData),
  };
}

/** The master (`brokerId` 0) address of `brokerName`, if the route has one. */
export function masterAddress(route: TopicRouteData, brokerName: string): string | undefined {
  return route.brokerDatas.find((b) => b.brokerName === brokerName)?.brokerAddrs.get(0);
}

/** Every broker address in the route (masters and slaves). */
export function allAddresses(route: TopicRouteData): string[] {
  return route.brokerDatas.flatMap((b) => [...b.brokerAddrs.values()]);
}

/**
 * The queues a producer may write: writable queue data whose broker group has
 * a master, sorted by broker name; `orderTopicConf` (`name:count;...`) wins.
 */
export function publishQueues(topic: string, route: TopicRouteData): MessageQueue[] {
  const result: MessageQueue[] = [];
  if (route.orderTopicConf !== undefined && route.orderTopicConf !== "") {
    for (const item of route.orderTopicConf.split(";")) {
      const [brokerName, count] = item.split(":");
      const n = Number(count);
      if (brokerName === undefined || !Number.isInteger(n)) continue;
      for (let queueId = 0; queueId < n; queueId++) result.push({ topic, brokerName, queueId });
    }
    return result;
  }
  const sorted = [...route.queueDatas].sort((a, b) => a.brokerName < b.brokerName ? -1 : 1);
  for (const q of sorted) {
    if ((q.perm & PERM.WRITE) === 0) continue;
    if (masterAddress(route, q.brokerName) === undefined) continue;
    for (let queueId = 0; queueId < q.writeQueueNums; queueId++) {
      result.push({ topic, brokerName: q.brokerName, queueId });
    }
  }
  return result;
}

/** The queues a consumer reads: readable queue data, queues `0 .. readQueueNums - 1`. */
export function subscribeQueues(topic: string, route: TopicRouteData): MessageQueue[] {
  const result: MessageQueue[] = [];
  for (const q of route.queueDatas) {
    if ((q.perm & PERM.READ) === 0) continue;
    for (let queueId = 0; queueId < q.readQueueNums; queueId++) {
      result.push({ topic, brokerName: q.brokerName, queueId });
    }
  }
  return result;
}

/** The default topic's route with queue counts capped at `queueNums`, for a topic not yet created. */
export function defaultTopicRoute(route: TopicRouteData, queueNums: number): TopicRouteData {
  return {
    brokerDatas: route.brokerDatas,
    queueDatas: route.queueDatas.map((q) => {
      const n = Math.min(queueNums, q.readQueueNums);
      return { ...q, readQueueNums: n, writeQueueNums: n };
    }),
  };
}
