/**
 * Statistics and connection views: GET_CONSUME_STATS (208), GET_TOPIC_STATS_INFO (202),
 * GET_BROKER_RUNTIME_INFO (28), GET_BROKER_CONFIG (26), GET_CONSUMER_CONNECTION_LIST (203)
 * and GET_PRODUCER_CONNECTION_LIST (204). Maps keyed by MessageQueue objects are written in
 * fastjson's object-key form, doubles with `.0`.
 *
 * Runs on: main thread
 * @module
 */
import {
  javaDouble,
  javaMap,
  type RemotingCommand,
  ResponseCode,
  stringifyJava,
} from "../../remoting/mod.ts";
import { readRecordSummary } from "../../common/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { RequestHeader } from "../request_header.ts";
import { fail, jsonBody, ok, textBody } from "./_reply.ts";
import { diskUsage } from "../store_metrics.ts";

function messageQueue(rt: BrokerRuntime, topic: string, queueId: number) {
  return { brokerName: rt.settings.brokerName, queueId, topic };
}

/** Store timestamp of the message at a queue offset, or 0 when it cannot be read. */
async function storeTimeAt(
  rt: BrokerRuntime,
  topic: string,
  queueId: number,
  offset: number,
): Promise<number> {
  const got = await rt.store.getMessage(topic, queueId, { offset, maxCount: 1 });
  if (got.status !== "FOUND" || got.count === 0) return 0;
  const summary = readRecordSummary(got.messages, 0);
  return typeof summary === "object" ? summary.storeTimestamp : 0;
}

/** GET_TOPIC_STATS_INFO: min/max offset and last update time of each queue. */
export async function handleGetTopicStats(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const topic = new RequestHeader(ctx.request.extFields).string("topic");
  const config = rt.topics.get(topic);
  if (config === undefined) {
    return fail(ctx.request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  }
  const entries: [object, unknown][] = [];
  for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
    const maxOffset = await rt.store.getMaxOffset(topic, queueId);
    const minOffset = await rt.store.getMinOffset(topic, queueId);
    // Java: the store time of the newest message (not the earliest).
    const lastUpdateTimestamp = maxOffset > 0
      ? await storeTimeAt(rt, topic, queueId, maxOffset - 1)
      : 0;
    entries.push([messageQueue(rt, topic, queueId), { lastUpdateTimestamp, maxOffset, minOffset }]);
  }
  return ok(ctx.request, {}, textBody(stringifyJava({ offsetTable: javaMap(entries) })));
}

/** GET_CONSUME_STATS: broker and consumer offsets of a group per queue. */
export async function handleGetConsumeStats(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const h = new RequestHeader(ctx.request.extFields);
  const group = h.string("consumerGroup");
  const oneTopic = h.optString("topic");
  const topics = oneTopic !== undefined && oneTopic !== ""
    ? [oneTopic]
    : rt.offsets.topicsOfGroup(group);
  const entries: [object, unknown][] = [];
  let consumeTps = 0;
  for (const topic of topics) {
    const config = rt.topics.get(topic);
    if (config === undefined) continue;
    consumeTps += rt.stats.groupGetTps(group, topic);
    for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
      const brokerOffset = await rt.store.getMaxOffset(topic, queueId);
      const consumerOffset = Math.max(0, rt.offsets.queryOffset(group, topic, queueId));
      // Java: the store time of the last consumed message (0 before any).
      const lastTimestamp = consumerOffset > 0
        ? await storeTimeAt(rt, topic, queueId, consumerOffset - 1)
        : 0;
      entries.push([messageQueue(rt, topic, queueId), {
        brokerOffset,
        consumerOffset,
        lastTimestamp,
      }]);
    }
  }
  return ok(
    ctx.request,
    {},
    textBody(stringifyJava({ consumeTps: javaDouble(consumeTps), offsetTable: javaMap(entries) })),
  );
}

function tpsText(rate: (windowS: number) => number): string {
  return [10, 60, 600].map((w) => `${rate(w).toFixed(2)} `).join("");
}

/**
 * GET_BROKER_RUNTIME_INFO: a KVTable of string values. Every key that Java 4.9.4's
 * `mqadmin clusterList` reads is present (a missing `getTransferedTps` made it throw).
 */
export async function handleGetBrokerRuntimeInfo(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const now = rt.clock.now();
  const disk = await diskUsage(rt.settings.storePathRootDir);
  const day = rt.stats.dayMarks();
  const earliest = await rt.store.getEarliestStoreTime?.() ?? -1;
  const table: Record<string, string> = {
    brokerVersionDesc: "V4_9_4",
    brokerVersion: "401",
    msgPutTotalTodayNow: String(rt.stats.putMessageCount),
    msgGetTotalTodayNow: String(rt.stats.getMessageCount),
    msgPutTotalTodayMorning: String(day.todayPut),
    msgGetTotalTodayMorning: String(day.todayGet),
    msgPutTotalYesterdayMorning: String(day.yesterdayPut),
    msgGetTotalYesterdayMorning: String(day.yesterdayGet),
    putMessageTimesTotal: String(rt.stats.putMessageCount),
    putTps: tpsText((w) => rt.stats.putTps(w)),
    getTransferedTps: tpsText((w) => rt.stats.getTps(w)),
    getFoundTps: tpsText((w) => rt.stats.pullTps(w).found),
    getMissTps: tpsText((w) => rt.stats.pullTps(w).miss),
    getTotalTps: tpsText((w) => rt.stats.pullTps(w).found + rt.stats.pullTps(w).miss),
    commitLogMinOffset: "0",
    commitLogMaxOffset: String(rt.store.maxPhysicalOffset()),
    bootTimestamp: String(rt.stats.bootTimestamp),
    runtime: `[ ${Math.floor((now - rt.stats.bootTimestamp) / 1000)} seconds ]`,
    earliestMessageTimeStamp: String(Math.max(0, earliest)),
    dispatchBehindBytes: "0",
    pageCacheLockTimeMills: "0",
    // Requests are answered on the main thread without Java's executor queues: nothing waits.
    sendThreadPoolQueueSize: "0",
    sendThreadPoolQueueHeadWaitTimeMills: "0",
    pullThreadPoolQueueSize: "0",
    pullThreadPoolQueueHeadWaitTimeMills: "0",
    queryThreadPoolQueueSize: "0",
    queryThreadPoolQueueHeadWaitTimeMills: "0",
    brokerActive: "true",
    commitLogDiskRatio: String(disk.usedRatio),
    consumeQueueDiskRatio: String(disk.usedRatio),
    ...rt.store.runtimeInfo?.(),
  };
  return ok(ctx.request, {}, jsonBody({ table }));
}

/** VIEW_BROKER_STATS_DATA: the last minute of TOPIC_PUT_NUMS or GROUP_GET_NUMS. */
export function handleViewBrokerStatsData(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  const h = new RequestHeader(ctx.request.extFields);
  const statsName = h.string("statsName");
  const statsKey = h.string("statsKey");
  const minute = rt.stats.minuteStats(statsName, statsKey);
  if (minute === undefined) {
    return fail(
      ctx.request,
      ResponseCode.SYSTEM_ERROR,
      `The stats <${statsName}> <${statsKey}> not exist`,
    );
  }
  const item = { sum: minute.sum, tps: javaDouble(minute.tps), avgpt: javaDouble(minute.avgpt) };
  return ok(ctx.request, {}, textBody(stringifyJava({ statsMinute: item })));
}

/** GET_BROKER_CONFIG: Java properties text; header `version` = the topic data version. */
export function handleGetBrokerConfig(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  const lines = Object.entries(rt.settings).map(([key, value]) => `${key}=${value ?? ""}`);
  return ok(
    ctx.request,
    { version: JSON.stringify(rt.topics.dataVersion) },
    textBody(`${lines.join("\n")}\n`),
  );
}

/** GET_CONSUMER_CONNECTION_LIST: the group's live connections and subscriptions. */
export function handleGetConsumerConnectionList(
  rt: BrokerRuntime,
  ctx: RequestContext,
): RemotingCommand {
  const group = new RequestHeader(ctx.request.extFields).string("consumerGroup");
  const info = rt.consumers.get(group);
  if (info === undefined) {
    return fail(
      ctx.request,
      ResponseCode.CONSUMER_NOT_ONLINE,
      `the consumer group[${group}] not online`,
    );
  }
  const connectionSet = [...info.channels.values()].map((c) => ({
    clientAddr: c.remoteAddress,
    clientId: c.clientId,
    language: c.language,
    version: c.version,
  }));
  return ok(
    ctx.request,
    {},
    jsonBody({
      connectionSet,
      consumeFromWhere: info.consumeFromWhere,
      consumeType: info.consumeType,
      messageModel: info.messageModel,
      subscriptionTable: Object.fromEntries(info.subscriptions),
    }),
  );
}

/** GET_PRODUCER_CONNECTION_LIST: the group's live producer connections. */
export function handleGetProducerConnectionList(
  rt: BrokerRuntime,
  ctx: RequestContext,
): RemotingCommand {
  const group = new RequestHeader(ctx.request.extFields).string("producerGroup");
  const channels = rt.producers.channels(group);
  if (channels.length === 0) {
    return fail(ctx.request, ResponseCode.SYSTEM_ERROR, `the producer group[${group}] not exist`);
  }
  const connectionSet = channels.map((c) => ({
    clientAddr: c.remoteAddress,
    clientId: c.clientId,
    language: c.language,
    version: c.version,
  }));
  return ok(ctx.request, {}, jsonBody({ connectionSet }));
}
