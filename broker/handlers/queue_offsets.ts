/**
 * Offset queries: SEARCH_OFFSET_BY_TIMESTAMP (29), GET_MAX_OFFSET (30), GET_MIN_OFFSET (31)
 * and GET_EARLIEST_MSG_STORETIME (32). An unknown topic or queue reads as empty, as in Java.
 *
 * Runs on: main thread
 * @module
 */
import type { RemotingCommand } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { RequestHeader } from "../request_header.ts";
import { ok } from "./_reply.ts";

function topicQueue(
  request: RemotingCommand,
): { h: RequestHeader; topic: string; queueId: number } {
  const h = new RequestHeader(request.extFields);
  return { h, topic: h.string("topic"), queueId: h.int("queueId") };
}

/** GET_MAX_OFFSET. */
export async function handleGetMaxOffset(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const { topic, queueId } = topicQueue(ctx.request);
  return ok(ctx.request, { offset: String(await rt.store.getMaxOffset(topic, queueId)) });
}

/** GET_MIN_OFFSET. */
export async function handleGetMinOffset(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const { topic, queueId } = topicQueue(ctx.request);
  return ok(ctx.request, { offset: String(await rt.store.getMinOffset(topic, queueId)) });
}

/** SEARCH_OFFSET_BY_TIMESTAMP. */
export async function handleSearchOffsetByTimestamp(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const { h, topic, queueId } = topicQueue(ctx.request);
  const timestamp = h.long("timestamp");
  const boundary = (h.optString("boundaryType") ?? "lower").toLowerCase() === "upper"
    ? "upper"
    : "lower";
  const offset = await rt.store.getOffsetByTime(topic, queueId, { timestamp, boundary });
  return ok(ctx.request, { offset: String(offset) });
}

/** GET_EARLIEST_MSG_STORETIME. */
export async function handleGetEarliestMsgStoreTime(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const { topic, queueId } = topicQueue(ctx.request);
  return ok(ctx.request, {
    timestamp: String(await rt.store.getEarliestMessageTime(topic, queueId)),
  });
}
