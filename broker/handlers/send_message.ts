/**
 * SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320): checks the topic
 * (name, system list, auto-creation from the default topic, permission, queue id), handles
 * retry topics (DLQ after max reconsume times), builds the stored records (UNIQ_KEY and CLUSTER
 * added, born host = client address) and answers with msgId/queueId/queueOffset plus
 * MSG_REGION and TRACE_ON. Nothing reaches the store unless every check passed.
 *
 * Runs on: main thread
 * @module
 */
import {
  createOffsetMessageId,
  createUniqueId,
  decodeProperties,
  defaultRandom,
  type MessageToStore,
} from "../../common/mod.ts";
import { RequestCode, ResponseCode } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { type RequestHeader, sendHeaderWithLongNames } from "../request_header.ts";
import {
  AUTO_CREATE_TOPIC,
  PERM_READ,
  PERM_WRITE,
  type TopicConfig,
} from "../topic_config_manager.ts";
import { putStatusToResponse } from "../response_codes.ts";
import { type BuildInput, buildMessages, buildPlainMessage } from "./_send_records.ts";
import { finishPlainProperties } from "./_plain_properties.ts";
import { fail } from "./_reply.ts";
import { createResponse, type RemotingCommand } from "../../remoting/mod.ts";

/** Topics producers may not send to (Java `TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET`). */
const NOT_ALLOWED_SEND_TOPICS = new Set([
  "SCHEDULE_TOPIC_XXXX",
  "RMQ_SYS_TRANS_HALF_TOPIC",
  "RMQ_SYS_TRANS_OP_HALF_TOPIC",
  "TRANS_CHECK_MAX_TIME_TOPIC",
  "SELF_TEST_TOPIC",
  "OFFSET_MOVED_EVENT",
]);
const TOPIC_PATTERN = /^[%|a-zA-Z0-9_-]+$/;
const RETRY_PREFIX = "%RETRY%";
const DLQ_PREFIX = "%DLQ%";

/** Returns a remark when `topic` is not a valid topic name. */
export function checkTopicName(topic: string): string | undefined {
  if (topic.trim() === "") return "The specified topic is blank";
  if (!TOPIC_PATTERN.test(topic)) {
    return `The specified topic[${topic}] contains illegal characters`;
  }
  const max = topic.startsWith(RETRY_PREFIX) || topic.startsWith(DLQ_PREFIX) ? 255 : 127;
  if (topic.length > max) return `The specified topic is longer than topic max length ${max}`;
  return undefined;
}

interface SendHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties: string;
  reconsumeTimes: number;
  maxReconsumeTimes: number | undefined;
  unitMode: boolean;
}

function readSendHeader(h: RequestHeader): SendHeader {
  return {
    producerGroup: h.string("producerGroup"),
    topic: h.string("topic"),
    defaultTopic: h.optString("defaultTopic") ?? AUTO_CREATE_TOPIC,
    defaultTopicQueueNums: h.optInt("defaultTopicQueueNums", 4),
    queueId: h.int("queueId"),
    sysFlag: h.int("sysFlag"),
    bornTimestamp: h.long("bornTimestamp"),
    flag: h.int("flag"),
    properties: h.optString("properties") ?? "",
    reconsumeTimes: h.optInt("reconsumeTimes", 0),
    maxReconsumeTimes: h.has("maxReconsumeTimes") ? h.optInt("maxReconsumeTimes", 16) : undefined,
    unitMode: h.bool("unitMode", false),
  };
}

/** Handles codes 10, 310 and 320. */
export async function handleSendMessage(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand | undefined> {
  const { request } = ctx;
  const header = readSendHeader(sendHeaderWithLongNames(request.extFields));
  const batch = request.code === RequestCode.SEND_BATCH_MESSAGE;
  const known = rt.topics.get(header.topic) !== undefined;
  const checked = checkTopic(rt, request, header);
  if ("response" in checked) return checked.response;
  // An auto-created topic is registered before the answer (Java does the same), so a client
  // that asks the name server for its route right after the send finds it.
  if (!known) await rt.topicsRegistered();
  let { topic, queueId } = { topic: header.topic, queueId: header.queueId };
  const config = checked.config;
  if (queueId < 0) queueId = defaultRandom.nextInt(Math.max(1, config.writeQueueNums));
  if (topic.startsWith(RETRY_PREFIX)) {
    if (batch) {
      return fail(
        request,
        ResponseCode.MESSAGE_ILLEGAL,
        "Retry topic is not allowed for batch message",
      );
    }
    const redirected = retryOrDeadLetter(rt, request, header);
    if ("response" in redirected) return redirected.response;
    ({ topic, queueId } = redirected);
  }
  const body = request.body ?? new Uint8Array(0);
  if (body.length > rt.settings.maxMessageSize) {
    return fail(
      request,
      ResponseCode.MESSAGE_ILLEGAL,
      `the message body size ${body.length} exceeds ${rt.settings.maxMessageSize}`,
    );
  }
  const messages = toStore(rt, ctx, { header, topic, queueId, config, body, batch });
  if (!Array.isArray(messages)) return messages;
  const result = await rt.store.putMessages(messages);
  const mapped = putStatusToResponse(result.status);
  if (result.stored.length === 0) {
    return fail(
      request,
      mapped.code === ResponseCode.SUCCESS ? ResponseCode.SYSTEM_ERROR : mapped.code,
      mapped.remark ?? result.status,
    );
  }
  rt.stats.recordPut(topic, result.stored.length, body.length);
  const stored = result.stored;
  const msgId = stored.length === 1
    ? createOffsetMessageId(rt.storeHost, stored[0]!.physicalOffset)
    : stored.map((s) => createOffsetMessageId(rt.storeHost, s.physicalOffset)).join(",");
  return createResponse(request, mapped.code, {
    remark: mapped.remark,
    extFields: {
      msgId,
      queueId: String(queueId),
      queueOffset: String(result.stored[0]?.queueOffset ?? 0),
      MSG_REGION: rt.settings.regionId,
      TRACE_ON: String(rt.settings.traceOn),
    },
  });
}

/** The records of a send (plain single messages skip the properties map), or a refusal. */
function toStore(
  rt: BrokerRuntime,
  ctx: RequestContext,
  input: Omit<BuildInput, "properties"> & { header: SendHeader },
): MessageToStore[] | RemotingCommand {
  const { header, topic } = input;
  if (!input.batch && topic === header.topic) {
    const cluster = rt.settings.brokerClusterName;
    const plain = finishPlainProperties(header.properties, cluster, createUniqueId);
    if (plain !== undefined) return [buildPlainMessage(rt, ctx, { ...input, properties: plain })];
  }
  const properties = decodeProperties(header.properties);
  // A message redirected to the DLQ is not delayed (Java forces DELAY to -1).
  if (topic.startsWith(DLQ_PREFIX) && !header.topic.startsWith(DLQ_PREFIX)) {
    properties.set("DELAY", "-1");
  }
  if (properties.get("TRAN_MSG") === "true" && rt.settings.rejectTransactionMessage) {
    return fail(
      ctx.request,
      ResponseCode.NO_PERMISSION,
      `the broker[${rt.settings.brokerName}] sending transaction message is forbidden`,
    );
  }
  return buildMessages(rt, ctx, { ...input, properties });
}

function checkTopic(
  rt: BrokerRuntime,
  request: RemotingCommand,
  header: SendHeader,
): { config: TopicConfig } | { response: RemotingCommand } {
  const { topic } = header;
  if ((rt.settings.brokerPermission & PERM_WRITE) === 0) {
    return {
      response: fail(
        request,
        ResponseCode.NO_PERMISSION,
        `the broker[${rt.settings.brokerIP1}] sending message is forbidden`,
      ),
    };
  }
  const bad = checkTopicName(topic);
  if (bad !== undefined) return { response: fail(request, ResponseCode.INVALID_PARAMETER, bad) };
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) {
    return {
      response: fail(
        request,
        ResponseCode.NO_PERMISSION,
        `Sending message to topic[${topic}] is forbidden.`,
      ),
    };
  }
  let config = rt.topics.get(topic) ??
    rt.topics.createFromDefault(topic, header.defaultTopic, {
      clientQueueNums: header.defaultTopicQueueNums,
      topicSysFlag: 0,
    });
  if (config === undefined && topic.startsWith(RETRY_PREFIX)) {
    config = rt.topics.createIfMissing(topic, 1, PERM_READ | PERM_WRITE);
  }
  if (config === undefined) {
    return {
      response: fail(
        request,
        ResponseCode.TOPIC_NOT_EXIST,
        `topic[${topic}] not exist, apply first please!`,
      ),
    };
  }
  if ((config.perm & PERM_WRITE) === 0) {
    return {
      response: fail(
        request,
        ResponseCode.NO_PERMISSION,
        `the topic[${topic}] sending message is forbidden`,
      ),
    };
  }
  if (header.queueId >= Math.max(config.readQueueNums, config.writeQueueNums)) {
    return {
      response: fail(
        request,
        ResponseCode.INVALID_PARAMETER,
        `request queueId[${header.queueId}] is illegal, topic: ${topic}`,
      ),
    };
  }
  return { config };
}

function retryOrDeadLetter(
  rt: BrokerRuntime,
  request: RemotingCommand,
  header: SendHeader,
): { topic: string; queueId: number } | { response: RemotingCommand } {
  const group = header.topic.slice(RETRY_PREFIX.length);
  const groupConfig = rt.groups.findOrCreate(group);
  if (groupConfig === undefined) {
    return {
      response: fail(
        request,
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group not exist, ${group}`,
      ),
    };
  }
  const max = request.version >= 121 && header.maxReconsumeTimes !== undefined
    ? header.maxReconsumeTimes
    : groupConfig.retryMaxTimes;
  // 5.x: a group holding live queue locks consumes orderly; its re-sent message is dead now.
  const orderly = !rt.locks.isLockAllExpired(group, rt.clock.now());
  if (header.reconsumeTimes <= max && !orderly) {
    return { topic: header.topic, queueId: header.queueId };
  }
  const dlq = `${DLQ_PREFIX}${group}`;
  rt.topics.createIfMissing(dlq, 1, PERM_READ | PERM_WRITE);
  return { topic: dlq, queueId: 0 };
}
