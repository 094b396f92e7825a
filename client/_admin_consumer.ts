/**
 * The `AdminClient` requests that reach one consumer client through a broker (Java
 * `DefaultMQAdminExt.consumeMessageDirectly` / `getConsumerRunningInfo`): CONSUME_MESSAGE_DIRECTLY
 * to the broker that stored the message (the offset message id names it), and
 * GET_CONSUMER_RUNNING_INFO to a master of the group's retry topic. The broker forwards each to
 * the client's connection and returns the client's answer.
 *
 * Runs on: main thread
 * @module
 */
import { decodeOffsetMessageId, formatSocketAddress } from "../common/mod.ts";
import { RequestCode } from "../remoting/mod.ts";
import { parseJsonBody } from "./_json_body.ts";
import { MQClientError } from "./errors.ts";
import type { TopicRouteData } from "./topic_route.ts";
import type { WireRequest, WireResponse } from "./transport.ts";

/** What these requests need from `AdminClient`. */
export interface AdminConsumerContext {
  call(addr: string, request: WireRequest, what: string, timeoutMs?: number): Promise<WireResponse>;
  topicRoute(topic: string): Promise<TopicRouteData>;
  /** The admin's request timeout, ms. */
  readonly timeoutMs: number;
}

/** Java's `CMResult`. */
export type ConsumeDirectlyOutcome =
  | "CR_SUCCESS"
  | "CR_LATER"
  | "CR_ROLLBACK"
  | "CR_COMMIT"
  | "CR_THROW_EXCEPTION"
  | "CR_RETURN_NULL";

/** Java's `ConsumeMessageDirectlyResult`. */
export interface ConsumeMessageDirectlyResult {
  order: boolean;
  autoCommit: boolean;
  consumeResult: ConsumeDirectlyOutcome | undefined;
  remark: string | undefined;
  spentTimeMills: number;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? value as Record<string, unknown> : {};
}

/**
 * CONSUME_MESSAGE_DIRECTLY: the consumer `clientId` of `group` consumes the message `msgId`
 * (an offset message id) now, outside its queues; resolves with what its listener returned.
 */
export async function consumeMessageDirectly(
  ctx: AdminConsumerContext,
  group: string,
  clientId: string,
  msgId: string,
): Promise<ConsumeMessageDirectlyResult> {
  const addr = formatSocketAddress(decodeOffsetMessageId(msgId).address);
  const response = await ctx.call(
    addr,
    {
      code: RequestCode.CONSUME_MESSAGE_DIRECTLY,
      extFields: { consumerGroup: group, clientId, msgId },
    },
    `consume "${msgId}" directly on "${clientId}"`,
    // As Java: three request timeouts (the broker itself waits up to 10 s for the client).
    ctx.timeoutMs * 3,
  );
  const r = record(parseJsonBody(response.body ?? new Uint8Array(), "consume directly result"));
  return {
    order: r.order === true,
    autoCommit: r.autoCommit !== false,
    consumeResult: typeof r.consumeResult === "string"
      ? r.consumeResult as ConsumeDirectlyOutcome
      : undefined,
    remark: typeof r.remark === "string" ? r.remark : undefined,
    spentTimeMills: Number(r.spentTimeMills ?? 0),
  };
}

/** GET_CONSUMER_RUNNING_INFO: the consumer's own report (properties, subscriptions, queues). */
export async function consumerRunningInfo(
  ctx: AdminConsumerContext,
  group: string,
  clientId: string,
): Promise<Record<string, unknown>> {
  const route = await ctx.topicRoute(`%RETRY%${group}`);
  const addr = route.brokerDatas.map((b) => b.brokerAddrs.get(0)).find((a) => a !== undefined);
  if (addr === undefined) {
    throw new MQClientError(`No broker serves the retry topic of "${group}"`, "NO_ROUTE");
  }
  const response = await ctx.call(
    addr,
    {
      code: RequestCode.GET_CONSUMER_RUNNING_INFO,
      extFields: { consumerGroup: group, clientId, jstackEnable: "false" },
    },
    `get the running info of "${clientId}"`,
  );
  return record(parseJsonBody(response.body ?? new Uint8Array(), "consumer running info"));
}

/** Java's `ConsumeMessageDirectlyResult.toString()`, as `mqadmin` prints it. */
export function formatConsumeDirectlyResult(result: ConsumeMessageDirectlyResult): string {
  return `ConsumeMessageDirectlyResult [order=${result.order}, autoCommit=${result.autoCommit}, ` +
    `consumeResult=${result.consumeResult ?? null}, remark=${result.remark ?? null}, ` +
    `spentTimeMills=${result.spentTimeMills}]`;
}
