/**
 * Topic and subscription-group administration: UPDATE_AND_CREATE_TOPIC (17),
 * DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21), UPDATE_AND_CREATE_SUBSCRIPTIONGROUP
 * (200), GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201), DELETE_SUBSCRIPTIONGROUP (207),
 * GET_ALL_CONSUMER_OFFSET (43), GET_ALL_DELAY_OFFSET (45), QUERY_TOPIC_CONSUME_BY_WHO (300).
 *
 * Runs on: main thread
 * @module
 */
import { createResponse, type RemotingCommand, ResponseCode } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { RequestHeader } from "../request_header.ts";
import { makeTopicConfig } from "../topic_config_manager.ts";
import {
  makeSubscriptionGroupConfig,
  type SubscriptionGroupConfig,
} from "../subscription_group_manager.ts";
import { checkTopicName } from "./send_message.ts";
import { fail, jsonBody, ok, parseJsonBody, textBody } from "./_reply.ts";

/**
 * Most queues a topic (or a group's retry topic) may have. Not RocketMQ (4.9.4 takes any int):
 * stats and consume-stats walk every queue, so 2^31 queues would hang the broker.
 */
export const QUEUE_NUMS_MAX = 4096;

function queueNumsProblem(name: string, value: unknown): string | undefined {
  if (
    typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= QUEUE_NUMS_MAX
  ) {
    return undefined;
  }
  return `${name} must be an integer from 0 to ${QUEUE_NUMS_MAX}, got ${String(value)}`;
}

const GROUP_NUMBER_FIELDS = ["brokerId", "retryMaxTimes", "whichBrokerWhenConsumeSlowly"] as const;
const GROUP_BOOLEAN_FIELDS = [
  "consumeBroadcastEnable",
  "consumeEnable",
  "consumeFromMinEnable",
  "notifyConsumerIdsChangedEnable",
] as const;

/** Why a group body cannot be stored (a field of the wrong type or out of range), if so. */
function groupBodyProblem(body: Partial<SubscriptionGroupConfig>): string | undefined {
  if (body.retryQueueNums !== undefined) {
    const bad = queueNumsProblem("retryQueueNums", body.retryQueueNums);
    if (bad !== undefined) return bad;
  }
  for (const key of GROUP_NUMBER_FIELDS) {
    const value = body[key];
    if (value !== undefined && !Number.isSafeInteger(value)) return `${key} must be an integer`;
  }
  for (const key of GROUP_BOOLEAN_FIELDS) {
    const value = body[key];
    if (value !== undefined && typeof value !== "boolean") return `${key} must be true or false`;
  }
  return undefined;
}

/** UPDATE_AND_CREATE_TOPIC: creates or updates a topic and re-registers. */
export function handleUpdateAndCreateTopic(
  rt: BrokerRuntime,
  ctx: RequestContext,
): RemotingCommand {
  const h = new RequestHeader(ctx.request.extFields);
  const topic = h.string("topic");
  const bad = checkTopicName(topic);
  if (bad !== undefined) return fail(ctx.request, ResponseCode.INVALID_PARAMETER, bad);
  if (topic === rt.settings.brokerClusterName) {
    return fail(
      ctx.request,
      ResponseCode.SYSTEM_ERROR,
      `the topic[${topic}] is conflict with system reserved words.`,
    );
  }
  const filter = h.optString("topicFilterType") ?? "SINGLE_TAG";
  const readQueueNums = h.int("readQueueNums");
  const writeQueueNums = h.int("writeQueueNums");
  const badNums = queueNumsProblem("readQueueNums", readQueueNums) ??
    queueNumsProblem("writeQueueNums", writeQueueNums);
  if (badNums !== undefined) return fail(ctx.request, ResponseCode.INVALID_PARAMETER, badNums);
  rt.topics.upsert(makeTopicConfig(topic, {
    readQueueNums,
    writeQueueNums,
    perm: h.int("perm"),
    topicFilterType: filter === "MULTI_TAG" ? "MULTI_TAG" : "SINGLE_TAG",
    topicSysFlag: h.optInt("topicSysFlag", 0),
    order: h.bool("order", false),
  }));
  // Java 4.9 answers SUCCESS but leaves its default remark in place.
  return createResponse(ctx.request, ResponseCode.SUCCESS, { remark: "not set any response code" });
}

/** DELETE_TOPIC_IN_BROKER: drops the topic config, its queues and every group's offsets. */
export async function handleDeleteTopic(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const topic = new RequestHeader(ctx.request.extFields).string("topic");
  if (topic.trim() === "") {
    return fail(ctx.request, ResponseCode.INVALID_PARAMETER, "The specified topic is blank.");
  }
  if (rt.topics.isSystemTopic(topic)) {
    return fail(
      ctx.request,
      ResponseCode.INVALID_PARAMETER,
      `The topic[${topic}] is conflict with system topic.`,
    );
  }
  rt.topics.delete(topic);
  rt.offsets.deleteTopic(topic);
  await rt.store.deleteTopic(topic);
  rt.holds.forgetTopic(topic);
  return ok(ctx.request);
}

/** GET_ALL_TOPIC_CONFIG: the whole topic table. */
export function handleGetAllTopicConfig(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  return ok(ctx.request, {}, jsonBody(rt.topics.toWrapper()));
}

/** UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: body is a SubscriptionGroupConfig. */
export function handleUpdateSubscriptionGroup(
  rt: BrokerRuntime,
  ctx: RequestContext,
): RemotingCommand {
  const body = parseJsonBody<Partial<SubscriptionGroupConfig>>(ctx.request);
  const bad = groupBodyProblem(body);
  if (bad !== undefined) return fail(ctx.request, ResponseCode.INVALID_PARAMETER, bad);
  const name = String(body.groupName ?? "");
  if (name === "") {
    return fail(ctx.request, ResponseCode.INVALID_PARAMETER, "The group name is blank");
  }
  rt.groups.upsert(makeSubscriptionGroupConfig(name, body));
  return ok(ctx.request);
}

/** GET_ALL_SUBSCRIPTIONGROUP_CONFIG: the whole group table. */
export function handleGetAllSubscriptionGroups(
  rt: BrokerRuntime,
  ctx: RequestContext,
): RemotingCommand {
  return ok(ctx.request, {}, jsonBody(rt.groups.toWrapper()));
}

/** DELETE_SUBSCRIPTIONGROUP: header `groupName`, optional `cleanOffset`. */
export function handleDeleteSubscriptionGroup(
  rt: BrokerRuntime,
  ctx: RequestContext,
): RemotingCommand {
  const h = new RequestHeader(ctx.request.extFields);
  const group = h.string("groupName");
  rt.groups.delete(group);
  if (h.bool("cleanOffset", false)) rt.offsets.deleteGroup(group);
  return ok(ctx.request);
}

/** GET_ALL_CONSUMER_OFFSET: the offset table (slave sync). */
export function handleGetAllConsumerOffset(
  rt: BrokerRuntime,
  ctx: RequestContext,
): RemotingCommand {
  return ok(ctx.request, {}, textBody(rt.offsets.toJson()));
}

/** GET_ALL_DELAY_OFFSET: the delay-level cursors, `{"offsetTable":{1:0,...}}` as Java writes. */
export function handleGetAllDelayOffset(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  return ok(ctx.request, {}, textBody(rt.schedule.toJson()));
}

/** QUERY_TOPIC_CONSUME_BY_WHO: groups that consume (or consumed) a topic. */
export function handleQueryTopicConsumeByWho(
  rt: BrokerRuntime,
  ctx: RequestContext,
): RemotingCommand {
  const topic = new RequestHeader(ctx.request.extFields).string("topic");
  const groups = new Set([
    ...rt.consumers.groupsOfTopic(topic),
    ...rt.offsets.groupsOfTopic(topic),
  ]);
  return ok(ctx.request, {}, jsonBody({ groupList: [...groups] }));
}
