/**
 * Client management: HEART_BEAT (34), UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38),
 * QUERY_CONSUMER_OFFSET (14) and UPDATE_CONSUMER_OFFSET (15, also one-way).
 *
 * Runs on: main thread
 * @module
 */
import { createResponse, type RemotingCommand, ResponseCode } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { RequestHeader } from "../request_header.ts";
import { PERM_READ, PERM_WRITE } from "../topic_config_manager.ts";
import type { SubscriptionData } from "../consumer_manager.ts";
import { buildSubscriptionData } from "../message_filter.ts";
import { fail, jsonBody, objectsIn, ok, parseJsonBody } from "./_reply.ts";
import { getLogger } from "../../common/mod.ts";

const log = getLogger("broker");

interface HeartbeatBody {
  clientID?: string;
  producerDataSet?: { groupName?: string }[];
  consumerDataSet?: {
    groupName?: string;
    consumeType?: string;
    messageModel?: string;
    consumeFromWhere?: string;
    subscriptionDataSet?: Partial<SubscriptionData>[];
  }[];
}

/** Most consumer/producer groups accepted in one heartbeat. */
const HEARTBEAT_GROUPS_MAX = 1024;

/** HEART_BEAT: registers the client's producer and consumer groups. */
export async function handleHeartbeat(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const { request, channel } = ctx;
  const body = parseJsonBody<HeartbeatBody>(request);
  const clientId = String(body.clientID ?? channel.remoteAddress);
  const now = rt.clock.now();
  const client = {
    channel,
    clientId,
    language: request.language,
    version: request.version,
    remoteAddress: channel.remoteAddress,
    lastUpdateMs: now,
  };
  type ConsumerData = NonNullable<HeartbeatBody["consumerDataSet"]>[number];
  for (const data of objectsIn<ConsumerData>(body.consumerDataSet).slice(0, HEARTBEAT_GROUPS_MAX)) {
    const group = String(data.groupName ?? "");
    if (group === "") continue;
    const config = rt.groups.findOrCreate(group);
    if (config === undefined) continue;
    const retryTopic = `%RETRY%${group}`;
    if (config.retryQueueNums > 0 && rt.topics.get(retryTopic) === undefined) {
      rt.topics.createIfMissing(retryTopic, config.retryQueueNums, PERM_READ | PERM_WRITE);
      // As Java does: the new retry topic reaches the name servers before the consumer hears
      // of its group change, so its rebalance finds the retry queue's route at once.
      await rt.topicsRegistered();
    }
    const subscriptions = objectsIn<SubscriptionData>(data.subscriptionDataSet)
      .map((s) => normalizeSubscription(s));
    registerSqlFilters(rt, group, subscriptions);
    const changed = rt.consumers.register(group, client, {
      consumeType: String(data.consumeType ?? "CONSUME_PASSIVELY"),
      messageModel: String(data.messageModel ?? "CLUSTERING"),
      consumeFromWhere: String(data.consumeFromWhere ?? "CONSUME_FROM_LAST_OFFSET"),
      subscriptions,
    });
    if (changed.channelsChanged && config.notifyConsumerIdsChangedEnable) {
      rt.notifyConsumerIdsChanged(group);
    }
  }
  type ProducerData = { groupName?: string };
  for (const data of objectsIn<ProducerData>(body.producerDataSet).slice(0, HEARTBEAT_GROUPS_MAX)) {
    const group = String(data.groupName ?? "");
    if (group !== "") rt.producers.register(group, client);
  }
  return ok(request, { IS_SUPPORT_HEART_BEAT_V2: "false" });
}

/**
 * Java `ConsumerFilterManager.register`: SQL92 subscriptions are compiled and kept for pulls;
 * an invalid one is kept with its error (the pull answers FILTER_DATA_NOT_EXIST and why).
 */
function registerSqlFilters(rt: BrokerRuntime, group: string, subs: SubscriptionData[]): void {
  if (!rt.settings.enablePropertyFilter) return;
  for (const sub of subs) {
    if (sub.expressionType === "TAG" || sub.expressionType === "") continue;
    const data = rt.filters.register(group, sub.topic, {
      expression: sub.subString,
      clientVersion: sub.subVersion,
    });
    if (!data.compiled.ok) {
      log.warn("Invalid SQL92 subscription", {
        group,
        topic: sub.topic,
        error: data.compiled.error,
      });
    }
  }
}

/**
 * CHECK_CLIENT_CONFIG (46), sent by Java clients with SQL92 subscriptions before they start:
 * SYSTEM_ERROR when property filters are off, SUBSCRIPTION_PARSE_FAILED for a bad expression.
 */
export function handleCheckClientConfig(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  const body = parseJsonBody<{ subscriptionData?: Partial<SubscriptionData> }>(ctx.request);
  const sub = body.subscriptionData;
  const type = String(sub?.expressionType ?? "TAG");
  if (sub === undefined || type === "TAG" || type === "") return ok(ctx.request);
  if (!rt.settings.enablePropertyFilter) {
    return fail(
      ctx.request,
      ResponseCode.SYSTEM_ERROR,
      `The broker does not support consumer to filter message by ${type}`,
    );
  }
  const compiled = rt.filters.compile(String(sub.subString ?? ""));
  if (!compiled.ok) {
    return fail(ctx.request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, compiled.error);
  }
  return ok(ctx.request);
}

function normalizeSubscription(raw: Partial<SubscriptionData>): SubscriptionData {
  const topic = String(raw.topic ?? "");
  const subString = typeof raw.subString === "string" ? raw.subString : undefined;
  const built = buildSubscriptionData(topic, subString, {
    expressionType: typeof raw.expressionType === "string" ? raw.expressionType : "TAG",
    subVersion: Number(raw.subVersion ?? 0),
  });
  if (Array.isArray(raw.codeSet) && Array.isArray(raw.tagsSet)) {
    built.codeSet = raw.codeSet.map(Number);
    built.tagsSet = raw.tagsSet.map(String);
  }
  built.classFilterMode = raw.classFilterMode === true;
  return built;
}

/** UNREGISTER_CLIENT: removes the channel from the named groups. */
export function handleUnregisterClient(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  const h = new RequestHeader(ctx.request.extFields);
  h.string("clientID");
  const producerGroup = h.optString("producerGroup");
  const consumerGroup = h.optString("consumerGroup");
  if (producerGroup !== undefined) rt.producers.unregister(producerGroup, ctx.channel);
  if (consumerGroup !== undefined && rt.consumers.unregister(consumerGroup, ctx.channel)) {
    if (rt.groups.get(consumerGroup)?.notifyConsumerIdsChangedEnable ?? true) {
      rt.notifyConsumerIdsChanged(consumerGroup);
    }
  }
  return ok(ctx.request);
}

/** GET_CONSUMER_LIST_BY_GROUP: the client ids of the group's live consumers. */
export function handleGetConsumerList(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  const group = new RequestHeader(ctx.request.extFields).string("consumerGroup");
  const ids = rt.consumers.consumerIds(group);
  if (ids.length === 0) {
    return fail(ctx.request, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${group}`);
  }
  return ok(ctx.request, {}, jsonBody({ consumerIdList: ids }));
}

/** QUERY_CONSUMER_OFFSET: the committed offset, or 0 for a young queue, or QUERY_NOT_FOUND. */
export async function handleQueryConsumerOffset(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const h = new RequestHeader(ctx.request.extFields);
  const group = h.string("consumerGroup");
  const topic = h.string("topic");
  const queueId = h.int("queueId");
  const offset = rt.offsets.queryOffset(group, topic, queueId);
  if (offset >= 0) return ok(ctx.request, { offset: String(offset) });
  // Java 4.x: a queue whose first message is still at offset 0 (nothing deleted) counts as
  // "hot", so a new group starts from 0 instead of the end.
  const minOffset = await rt.store.getMinOffset(topic, queueId);
  if (minOffset <= 0 && h.bool("setZeroIfNotFound", true)) {
    return ok(ctx.request, { offset: "0" });
  }
  return createResponse(ctx.request, ResponseCode.QUERY_NOT_FOUND, {
    remark: "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first",
  });
}

/** UPDATE_CONSUMER_OFFSET: stores the offset (one-way requests get no answer). */
export function handleUpdateConsumerOffset(
  rt: BrokerRuntime,
  ctx: RequestContext,
): RemotingCommand {
  const h = new RequestHeader(ctx.request.extFields);
  rt.offsets.commitOffset(
    h.string("consumerGroup"),
    h.string("topic"),
    h.int("queueId"),
    h.long("commitOffset"),
  );
  return ok(ctx.request);
}
