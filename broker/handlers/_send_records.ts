/**
 * Builds the stored records of one send: UNIQ_KEY and CLUSTER added (and, for a single
 * message, WAIT=true dropped), born host = client
 * address, MULTI_TAG flag from the topic, and (single messages only) the special routes of
 * `message_transform.ts`: transactional half message, delay level, 5.x timer.
 *
 * Runs on: main thread
 * @module
 */
import {
  createUniqueId,
  decodeProperties,
  encodeProperties,
  MessageSysFlag,
  type MessageToStore,
  parseSocketAddress,
  type SocketAddress,
} from "../../common/mod.ts";
import { type RemotingCommand, ResponseCode } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import type { TopicConfig } from "../topic_config_manager.ts";
import {
  type MessageDraft,
  routeDelayLevel,
  routeHalfMessage,
  routeTimer,
  timerDeliverMs,
} from "../message_transform.ts";
import { decodeBatchBody } from "./_batch_body.ts";
import { fail } from "./_reply.ts";

const BATCH_MAX_MESSAGES = 10_000;
/** A single message with none of these is no timer message (no clock read needed). */
const TIMER_PROPERTIES = ["TIMER_DELIVER_MS", "TIMER_DELAY_SEC", "TIMER_DELAY_MS"];

/** What the send handler hands over. */
export interface BuildInput {
  header: { sysFlag: number; bornTimestamp: number; reconsumeTimes: number; flag: number };
  topic: string;
  queueId: number;
  config: TopicConfig;
  body: Uint8Array;
  properties: Map<string, string>;
  batch: boolean;
}

/** The record of a single message whose properties `finishPlainProperties` finished. */
export function buildPlainMessage(
  rt: BrokerRuntime,
  ctx: RequestContext,
  input: Omit<BuildInput, "properties" | "batch"> & { properties: string },
): MessageToStore {
  const { header, config } = input;
  return {
    topic: input.topic,
    queueId: input.queueId,
    flag: header.flag,
    body: input.body,
    properties: input.properties,
    sysFlag: config.topicFilterType === "MULTI_TAG"
      ? header.sysFlag | MessageSysFlag.MULTI_TAGS_FLAG
      : header.sysFlag,
    bornTimestamp: header.bornTimestamp,
    bornHost: safeAddress(ctx.channel.remoteAddress),
    storeHost: rt.storeHost,
    reconsumeTimes: header.reconsumeTimes,
    preparedTransactionOffset: 0,
  };
}

/** The records of one send, or a refusal (empty batch, bad timer). */
export function buildMessages(
  rt: BrokerRuntime,
  ctx: RequestContext,
  input: BuildInput,
): MessageToStore[] | RemotingCommand {
  const { header, config } = input;
  const sysFlag = config.topicFilterType === "MULTI_TAG"
    ? header.sysFlag | MessageSysFlag.MULTI_TAGS_FLAG
    : header.sysFlag;
  const base = {
    topic: input.topic,
    queueId: input.queueId,
    sysFlag,
    bornTimestamp: header.bornTimestamp,
    bornHost: safeAddress(ctx.channel.remoteAddress),
    storeHost: rt.storeHost,
    reconsumeTimes: header.reconsumeTimes,
    preparedTransactionOffset: 0,
  };
  if (!input.batch) {
    finishProperties(rt, input.properties);
    // Java 4.9.4 drops "WAIT=true" from a single message's stored properties (9 bytes saved);
    // absent means "wait" to the store. Batches keep it, as Java's do.
    if (input.properties.get("WAIT") === "true") input.properties.delete("WAIT");
    const draft: MessageDraft = {
      topic: input.topic,
      queueId: input.queueId,
      properties: input.properties,
      sysFlag,
    };
    const refused = routeSpecial(rt, ctx.request, draft);
    if (refused !== undefined) return refused;
    return [{
      ...base,
      topic: draft.topic,
      queueId: draft.queueId,
      sysFlag: draft.sysFlag,
      flag: header.flag,
      body: input.body,
      properties: encodeProperties(draft.properties),
    }];
  }
  const entries = decodeBatchBody(input.body, BATCH_MAX_MESSAGES);
  if (entries.length === 0) {
    return fail(ctx.request, ResponseCode.MESSAGE_ILLEGAL, "the batch is empty");
  }
  return entries.map((e) => ({
    ...base,
    flag: e.flag,
    body: e.body,
    properties: encodeProperties(finishProperties(rt, decodeProperties(e.properties))),
  }));
}

/** Half message, delay level or timer; a refusal response for an unacceptable timer. */
function routeSpecial(
  rt: BrokerRuntime,
  request: RemotingCommand,
  draft: MessageDraft,
): RemotingCommand | undefined {
  if (draft.properties.get("TRAN_MSG") === "true") {
    routeHalfMessage(draft);
    return undefined;
  }
  if (routeDelayLevel(draft, rt.delayLevels.length)) return undefined;
  if (!TIMER_PROPERTIES.some((name) => draft.properties.has(name))) return undefined;
  const nowMs = rt.clock.now();
  if (!rt.settings.timerWheelEnable) {
    if (timerDeliverMs(draft.properties, nowMs) === undefined) return undefined;
    return fail(request, ResponseCode.MESSAGE_ILLEGAL, "timer message is not enabled");
  }
  const route = routeTimer(draft, { nowMs, maxDelayMs: rt.settings.timerMaxDelaySec * 1000 });
  if (route === "too-long") {
    return fail(
      request,
      ResponseCode.MESSAGE_ILLEGAL,
      `timer message delay exceeds timerMaxDelaySec ${rt.settings.timerMaxDelaySec}`,
    );
  }
  return undefined;
}

/** Adds UNIQ_KEY (when missing) and CLUSTER; returns the same map. */
export function finishProperties(
  rt: BrokerRuntime,
  properties: Map<string, string>,
): Map<string, string> {
  if (!properties.has("UNIQ_KEY")) properties.set("UNIQ_KEY", createUniqueId());
  properties.set("CLUSTER", rt.settings.brokerClusterName);
  return properties;
}

function safeAddress(text: string): SocketAddress {
  try {
    return parseSocketAddress(text);
  } catch {
    // Unparseable peer text (should not happen for TCP peers): record an unspecified address.
    return { host: "0.0.0.0", port: 0 };
  }
}
