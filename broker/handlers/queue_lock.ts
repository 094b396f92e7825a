/**
 * LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42) for orderly consumers. Request body
 * `{"consumerGroup","clientId","onlyThisBroker","mqSet":[{"brokerName","queueId","topic"}]}`;
 * the lock answer is `{"lockOKMQSet":[...]}` (the queues this client now holds), the unlock
 * answer is SUCCESS without body. Locks live in `rebalance_lock_manager.ts`.
 *
 * Runs on: main thread
 * @module
 */
import type { RemotingCommand } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import type { MessageQueueData } from "../rebalance_lock_manager.ts";
import { HeaderError } from "../request_header.ts";
import { jsonBody, ok, parseJsonBody } from "./_reply.ts";

/** Most queues accepted in one request. */
const MQ_SET_MAX = 10_000;

interface LockBody {
  consumerGroup?: unknown;
  clientId?: unknown;
  mqSet?: unknown;
}

function readBody(
  request: RemotingCommand,
): { group: string; clientId: string; mqs: MessageQueueData[] } {
  const body = parseJsonBody<LockBody>(request);
  const group = typeof body.consumerGroup === "string" ? body.consumerGroup : "";
  const clientId = typeof body.clientId === "string" ? body.clientId : "";
  if (group === "" || clientId === "" || !Array.isArray(body.mqSet)) {
    throw new HeaderError("the lock body needs consumerGroup, clientId and mqSet");
  }
  const mqs: MessageQueueData[] = [];
  for (const raw of body.mqSet.slice(0, MQ_SET_MAX) as Partial<MessageQueueData>[]) {
    if (typeof raw?.topic !== "string") continue;
    mqs.push({
      brokerName: String(raw.brokerName ?? ""),
      queueId: Number(raw.queueId ?? 0),
      topic: raw.topic,
    });
  }
  return { group, clientId, mqs };
}

/** LOCK_BATCH_MQ: locks or renews what it can; answers the queues held by the caller. */
export function handleLockBatchMq(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  const { group, clientId, mqs } = readBody(ctx.request);
  const locked = rt.locks.tryLockBatch(group, mqs, { clientId, nowMs: rt.clock.now() });
  return ok(ctx.request, {}, jsonBody({ lockOKMQSet: locked }));
}

/** UNLOCK_BATCH_MQ: releases the caller's locks. */
export function handleUnlockBatchMq(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  const { group, clientId, mqs } = readBody(ctx.request);
  rt.locks.unlockBatch(group, mqs, clientId);
  return ok(ctx.request);
}
