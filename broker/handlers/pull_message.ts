/**
 * PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361): checks group, topic and queue, picks the
 * subscription (from the request when the SUBSCRIPTION bit is set, else from the group's
 * heartbeat registration), reads the store, commits the carried offset when the COMMIT_OFFSET
 * bit is set, and parks the pull (long polling) when nothing is there and SUSPEND is set.
 * Every response carries suggestWhichBrokerId, nextBeginOffset, minOffset and maxOffset.
 *
 * Runs on: main thread
 * @module
 */
import { createResponse, type RemotingCommand, ResponseCode } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { RequestHeader } from "../request_header.ts";
import { PERM_READ } from "../topic_config_manager.ts";
import { getStatusToPullCode } from "../response_codes.ts";
import { buildSubscriptionData, matchesTagsCode, tagsCodesOf } from "../message_filter.ts";
import type { SubscriptionData } from "../consumer_manager.ts";
import { fail } from "./_reply.ts";
import { filterRecords } from "../consumer_filter_manager.ts";
import type { SqlFilter } from "../../common/filter/mod.ts";

/** PullSysFlag bits. */
const FLAG_COMMIT_OFFSET = 0x1;
const FLAG_SUSPEND = 0x2;
const FLAG_SUBSCRIPTION = 0x4;
/** Remark of the SYSTEM_BUSY answer to a pull that could not be suspended (bound reached). */
export const SUSPEND_FULL_REMARK =
  "[OVERLOAD]too many suspended pulls (maxSuspendedPulls), start flow control for a while";

interface PullHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: number;
  suspendTimeoutMillis: number;
  subscription: string | undefined;
  subVersion: number;
  expressionType: string;
  maxMsgBytes: number | undefined;
}

function readPullHeader(request: RemotingCommand): PullHeader {
  const h = new RequestHeader(request.extFields);
  return {
    consumerGroup: h.string("consumerGroup"),
    topic: h.string("topic"),
    queueId: h.int("queueId"),
    queueOffset: h.long("queueOffset"),
    maxMsgNums: h.int("maxMsgNums"),
    sysFlag: h.int("sysFlag"),
    commitOffset: h.optLong("commitOffset", 0),
    suspendTimeoutMillis: h.optLong("suspendTimeoutMillis", 15_000),
    subscription: h.optString("subscription"),
    subVersion: h.optLong("subVersion", 0),
    expressionType: h.optString("expressionType") ?? "TAG",
    maxMsgBytes: h.has("maxMsgBytes") ? h.optInt("maxMsgBytes", 0) : undefined,
  };
}

/**
 * Java 4.x `suggestWhichBrokerId`: with `slaveReadEnable`, a consumer lagging far behind
 * (`suggestPullingFromSlave`) is sent to the group's `whichBrokerWhenConsumeSlowly`, others
 * to the group's `brokerId`; without it, always the master (0).
 */
function suggestBrokerId(rt: BrokerRuntime, group: string, slow: boolean): number {
  if (!rt.settings.slaveReadEnable) return 0;
  const config = rt.groups.get(group);
  if (config === undefined) return slow ? 1 : 0;
  return slow ? config.whichBrokerWhenConsumeSlowly : config.brokerId;
}

function offsetsHeader(
  fields: { next: number; min: number; max: number; suggest?: number },
): Record<string, string> {
  return {
    suggestWhichBrokerId: String(fields.suggest ?? 0),
    nextBeginOffset: String(fields.next),
    minOffset: String(fields.min),
    maxOffset: String(fields.max),
  };
}

/** Handles codes 11 and 361. */
export async function handlePullMessage(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand | undefined> {
  const { request } = ctx;
  const header = readPullHeader(request);
  const rejected = checkPull(rt, request, header);
  if (rejected !== undefined) return rejected;
  const sub = pickSubscription(rt, request, header);
  if ("response" in sub) return sub.response;
  const hasSuspend = (header.sysFlag & FLAG_SUSPEND) !== 0;
  if (
    hasSuspend && ctx.mayHold && rt.holds.announcedEnd(header.topic, header.queueId) ===
      header.queueOffset
  ) {
    // A consumer caught up with the queue's announced end: the store would answer "no new
    // message" (OFFSET_OVERFLOW_ONE), so park at once and skip the store round trip. The
    // re-run after a wake or the timeout reads the store as usual.
    commitCarriedOffset(rt, ctx, header);
    if (park(rt, ctx, header, sub.data)) return undefined;
  }
  const maxCount = Math.max(
    1,
    Math.min(header.maxMsgNums, rt.settings.maxTransferCountOnMessageInMemory),
  );
  const result = await rt.store.getMessage(header.topic, header.queueId, {
    offset: header.queueOffset,
    maxCount,
    ...(header.maxMsgBytes !== undefined && header.maxMsgBytes > 0
      ? { maxBytes: header.maxMsgBytes }
      : {}),
    ...tagsCodesOf(sub.data),
  });
  if (sub.sql !== undefined && result.status === "FOUND") {
    // SQL92: evaluated here over the returned batch (the store port carries only tag hashes).
    const kept = filterRecords(result.messages, sub.sql);
    result.messages = kept.messages;
    result.count = kept.count;
    if (kept.count === 0) result.status = "NO_MATCHED_MESSAGE";
  }
  const code = getStatusToPullCode(result.status, header.queueOffset);
  commitCarriedOffset(rt, ctx, header);
  if (code === ResponseCode.PULL_NOT_FOUND && hasSuspend && ctx.mayHold) {
    if (park(rt, ctx, header, sub.data)) return undefined;
    if (rt.holds.full) {
      return createResponse(request, ResponseCode.SYSTEM_BUSY, { remark: SUSPEND_FULL_REMARK });
    }
  }
  const extFields = offsetsHeader({
    next: result.nextBeginOffset,
    min: result.minOffset,
    max: result.maxOffset,
    suggest: suggestBrokerId(rt, header.consumerGroup, result.suggestPullingFromSlave),
  });
  let body: Uint8Array | undefined;
  if (code === ResponseCode.SUCCESS) {
    body = result.messages;
    rt.stats.recordGet(header.consumerGroup, header.topic, result.count, body.length);
  }
  rt.stats.recordPull(code === ResponseCode.SUCCESS);
  // A re-run of a parked pull answers in JSON, as the Java broker does.
  return createResponse(request, code, {
    remark: result.status,
    extFields,
    body,
    ...(ctx.mayHold ? {} : { serializeType: "JSON" as const }),
  });
}

/** Commits the offset a first-run pull carries (COMMIT_OFFSET bit; not on a slave). */
function commitCarriedOffset(rt: BrokerRuntime, ctx: RequestContext, header: PullHeader): void {
  // A slave keeps the master's offsets (synchronised), not the ones pulls carry.
  if (!ctx.mayHold || rt.settings.brokerRole === "SLAVE") return;
  if ((header.sysFlag & FLAG_COMMIT_OFFSET) === 0) return;
  rt.offsets.commitOffset(header.consumerGroup, header.topic, header.queueId, header.commitOffset);
}

/** Parks the pull until a matching message arrives or its suspend time ends; false when full. */
function park(
  rt: BrokerRuntime,
  ctx: RequestContext,
  header: PullHeader,
  data: SubscriptionData,
): boolean {
  const holdMs = rt.settings.longPollingEnable
    ? Math.min(header.suspendTimeoutMillis, 25_000)
    : rt.settings.shortPollingTimeMills;
  return rt.holds.hold({
    topic: header.topic,
    queueId: header.queueId,
    offset: header.queueOffset,
    matches: (tagsCode) => matchesTagsCode(data, tagsCode),
    wake: () => rt.replay(ctx.request, ctx.channel),
  }, holdMs);
}

function checkPull(
  rt: BrokerRuntime,
  request: RemotingCommand,
  header: PullHeader,
): RemotingCommand | undefined {
  if ((rt.settings.brokerPermission & PERM_READ) === 0) {
    return fail(
      request,
      ResponseCode.NO_PERMISSION,
      `the broker[${rt.settings.brokerIP1}] pulling message is forbidden`,
    );
  }
  const group = rt.groups.findOrCreate(header.consumerGroup);
  if (group === undefined) {
    return fail(
      request,
      ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
      `subscription group [${header.consumerGroup}] does not exist`,
    );
  }
  if (!group.consumeEnable) {
    return fail(
      request,
      ResponseCode.NO_PERMISSION,
      `subscription group no permission, ${header.consumerGroup}`,
    );
  }
  const topic = rt.topics.get(header.topic);
  if (topic === undefined) {
    return fail(
      request,
      ResponseCode.TOPIC_NOT_EXIST,
      `topic[${header.topic}] not exist, apply first please!`,
    );
  }
  if ((topic.perm & PERM_READ) === 0) {
    return fail(
      request,
      ResponseCode.NO_PERMISSION,
      `the topic[${header.topic}] pulling message is forbidden`,
    );
  }
  if (header.queueId < 0 || header.queueId >= topic.readQueueNums) {
    return fail(
      request,
      ResponseCode.INVALID_PARAMETER,
      `queueId[${header.queueId}] is illegal, topic:[${header.topic}] topicConfig.readQueueNums:[${topic.readQueueNums}]`,
    );
  }
  return undefined;
}

type PickedSubscription = { data: SubscriptionData; sql?: SqlFilter } | {
  response: RemotingCommand;
};

function pickSubscription(
  rt: BrokerRuntime,
  request: RemotingCommand,
  header: PullHeader,
): PickedSubscription {
  const picked = pickTagOrSql(rt, request, header);
  if ("response" in picked) return picked;
  const type = picked.data.expressionType;
  if (type === "TAG" || type === "") return picked;
  if (!rt.settings.enablePropertyFilter) {
    return {
      response: fail(
        request,
        ResponseCode.SYSTEM_ERROR,
        `The broker does not support consumer to filter message by ${type}`,
      ),
    };
  }
  if ((header.sysFlag & FLAG_SUBSCRIPTION) !== 0) {
    const compiled = rt.filters.compile(picked.data.subString);
    if (compiled.ok) return { data: picked.data, sql: compiled.filter };
    return {
      response: fail(
        request,
        ResponseCode.SUBSCRIPTION_PARSE_FAILED,
        `parse the consumer's subscription failed: ${compiled.error}`,
      ),
    };
  }
  const registered = rt.filters.get(header.consumerGroup, header.topic);
  if (registered === undefined || !registered.compiled.ok) {
    const why = registered?.compiled.ok === false ? `: ${registered.compiled.error}` : "";
    return {
      response: fail(
        request,
        ResponseCode.FILTER_DATA_NOT_EXIST,
        `The broker's consumer filter data is not exist!Your expression may be wrong!${why}`,
      ),
    };
  }
  if (registered.clientVersion < header.subVersion) {
    return {
      response: fail(
        request,
        ResponseCode.FILTER_DATA_NOT_LATEST,
        "the consumer's consumer filter data not latest",
      ),
    };
  }
  return { data: picked.data, sql: registered.compiled.filter };
}

function pickTagOrSql(
  rt: BrokerRuntime,
  request: RemotingCommand,
  header: PullHeader,
): { data: SubscriptionData } | { response: RemotingCommand } {
  if ((header.sysFlag & FLAG_SUBSCRIPTION) !== 0) {
    return {
      data: buildSubscriptionData(header.topic, header.subscription, {
        subVersion: header.subVersion,
        expressionType: header.expressionType,
      }),
    };
  }
  const info = rt.consumers.get(header.consumerGroup);
  if (info === undefined) {
    return {
      response: fail(
        request,
        ResponseCode.SUBSCRIPTION_NOT_EXIST,
        `the consumer's group info not exist`,
      ),
    };
  }
  const data = info.subscriptions.get(header.topic);
  if (data === undefined) {
    return {
      response: fail(
        request,
        ResponseCode.SUBSCRIPTION_NOT_EXIST,
        `the consumer's subscription not exist`,
      ),
    };
  }
  if (data.subVersion < header.subVersion) {
    return {
      response: fail(
        request,
        ResponseCode.SUBSCRIPTION_NOT_LATEST,
        "the consumer's subscription not latest",
      ),
    };
  }
  return { data };
}
