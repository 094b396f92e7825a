/**
 * CONSUMER_SEND_MSG_BACK (36), Java 4.9 `AbstractSendMessageProcessor.consumerSendMsgBack`:
 * a message the consumer failed to consume is stored again in `%RETRY%<group>` with
 * `reconsumeTimes + 1` and delay level `3 + reconsumeTimes` (or the request's `delayLevel`);
 * once `reconsumeTimes` reaches the group's `retryMaxTimes` (or the header's
 * `maxReconsumeTimes`, version >= 121), or when `delayLevel` < 0, it goes to `%DLQ%<group>`
 * instead (created on demand, 1 queue, perm 6), without delay. `RETRY_TOPIC` keeps the first
 * topic, `ORIGIN_MESSAGE_ID` the first message id.
 *
 * Runs on: main thread
 * @module
 */
import { defaultRandom, type MessageExt } from "../../common/mod.ts";
import type { SubscriptionGroupConfig } from "../subscription_group_manager.ts";
import { type RemotingCommand, ResponseCode } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { RequestHeader } from "../request_header.ts";
import { PERM_READ, PERM_WRITE } from "../topic_config_manager.ts";
import {
  decodeRecord,
  type MessageDraft,
  rebuildMessage,
  routeDelayLevel,
} from "../message_transform.ts";
import { putStatusToResponse } from "../response_codes.ts";
import { fail, ok } from "./_reply.ts";

/** Java `MQVersion.Version.V3_4_9.ordinal()`: from here the header's maxReconsumeTimes counts. */
const VERSION_WITH_MAX_RECONSUME = 121;

interface SendBackHeader {
  offset: number;
  group: string;
  delayLevel: number;
  originMsgId: string | undefined;
  maxReconsumeTimes: number | undefined;
}

function readHeader(request: RemotingCommand): SendBackHeader {
  const h = new RequestHeader(request.extFields);
  return {
    offset: h.long("offset"),
    group: h.string("group"),
    delayLevel: h.optInt("delayLevel", 0),
    originMsgId: h.optString("originMsgId"),
    maxReconsumeTimes: h.has("maxReconsumeTimes") ? h.optInt("maxReconsumeTimes", 16) : undefined,
  };
}

/** Handles code 36. */
export async function handleConsumerSendMsgBack(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const { request } = ctx;
  const header = readHeader(request);
  const group = rt.groups.findOrCreate(header.group);
  if (group === undefined) {
    return fail(
      request,
      ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
      `subscription group not exist, ${header.group}`,
    );
  }
  if ((rt.settings.brokerPermission & PERM_WRITE) === 0) {
    return fail(
      request,
      ResponseCode.NO_PERMISSION,
      `the broker[${rt.settings.brokerIP1}] sending message is forbidden`,
    );
  }
  if (group.retryQueueNums <= 0) return ok(request);
  const retryTopic = `%RETRY%${header.group}`;
  const retry = rt.topics.createIfMissing(retryTopic, group.retryQueueNums, PERM_READ | PERM_WRITE);
  if ((retry.perm & PERM_WRITE) === 0) {
    return fail(
      request,
      ResponseCode.NO_PERMISSION,
      `the topic[${retryTopic}] sending message is forbidden`,
    );
  }
  const record = await rt.store.lookMessageByOffset(header.offset);
  if (record === undefined) {
    return fail(
      request,
      ResponseCode.SYSTEM_ERROR,
      `look message by offset failed, ${header.offset}`,
    );
  }
  const stored = decodeRecord(record);
  const properties = new Map(stored.properties);
  if (!properties.has("RETRY_TOPIC")) properties.set("RETRY_TOPIC", stored.topic);
  properties.set("WAIT", "false");
  const draft = chooseTarget(rt, { header, request, stored, properties, group });
  const origin = stored.properties.get("ORIGIN_MESSAGE_ID");
  properties.set(
    "ORIGIN_MESSAGE_ID",
    origin !== undefined && origin.trim() !== "" ? origin : stored.msgId,
  );
  const message = rebuildMessage(stored, {
    ...draft,
    reconsumeTimes: stored.reconsumeTimes + 1,
    storeHost: rt.storeHost,
  });
  const result = await rt.store.putMessages([message]);
  if (result.stored.length === 0) {
    const mapped = putStatusToResponse(result.status);
    return fail(request, ResponseCode.SYSTEM_ERROR, mapped.remark ?? result.status);
  }
  rt.stats.putMessageCount++;
  return ok(request);
}

/** `%RETRY%<group>` with the next delay level, or `%DLQ%<group>` once the tries are used up. */
function chooseTarget(
  rt: BrokerRuntime,
  input: {
    header: SendBackHeader;
    request: RemotingCommand;
    stored: MessageExt;
    properties: Map<string, string>;
    group: SubscriptionGroupConfig;
  },
): MessageDraft {
  const { header, request, stored, properties, group } = input;
  const retryTopic = `%RETRY%${header.group}`;
  const maxTimes =
    request.version >= VERSION_WITH_MAX_RECONSUME && header.maxReconsumeTimes !== undefined
      ? header.maxReconsumeTimes
      : group.retryMaxTimes;
  const draft: MessageDraft = {
    topic: retryTopic,
    queueId: defaultRandom.nextInt(Math.max(1, group.retryQueueNums)),
    properties,
    sysFlag: stored.sysFlag,
  };
  if (stored.reconsumeTimes >= maxTimes || header.delayLevel < 0) {
    draft.topic = `%DLQ%${header.group}`;
    draft.queueId = 0;
    properties.delete("DELAY");
    rt.topics.createIfMissing(draft.topic, 1, PERM_READ | PERM_WRITE);
  } else {
    const level = header.delayLevel === 0 ? 3 + stored.reconsumeTimes : header.delayLevel;
    properties.set("DELAY", String(level));
    routeDelayLevel(draft, rt.delayLevels.length);
  }
  return draft;
}
