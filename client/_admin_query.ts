/**
 * The message queries of `AdminClient` (Java `DefaultMQAdminExt` / `mqadmin queryMsgById`,
 * `queryMsgByKey`, `queryMsgByUniqueKey`, `queryMsgByOffset`, and the consumer's
 * `searchOffset`): by offset message id (VIEW_MESSAGE_BY_ID at the broker the id names), by key
 * or unique key within a store-time range (QUERY_MESSAGE on every master of the topic), by queue
 * offset (one PULL_MESSAGE of `TOOLS_CONSUMER`, as Java's pull consumer does) and queue offset
 * by store time (SEARCH_OFFSET_BY_TIMESTAMP).
 *
 * Runs on: main thread
 * @module
 */
import { decodeOffsetMessageId, formatSocketAddress } from "../common/mod.ts";
import { RequestCode, ResponseCode } from "../remoting/mod.ts";
import { MQClientError } from "./errors.ts";
import { decodeMessageViews } from "./message.ts";
import type { MessageView } from "./message.ts";
import type { MessageQueue } from "./message_queue.ts";
import { pullMessageHeader, toExtFields } from "./request_headers.ts";
import type { TopicRouteData } from "./topic_route.ts";
import type { WireRequest, WireResponse } from "./transport.ts";

/** What the queries need from `AdminClient`. */
export interface AdminQueryContext {
  call(addr: string, request: WireRequest, what: string, accept?: number[]): Promise<WireResponse>;
  topicRoute(topic: string): Promise<TopicRouteData>;
}

/** Options of `queryMessage`. */
export interface QueryMessageOptions {
  /** Most messages per broker (32). */
  maxNum?: number;
  /** Store-time range, ms (0 .. unbounded). */
  beginTimestamp?: number;
  endTimestamp?: number;
  /** `key` is a UNIQ_KEY (the client message id), not a KEYS entry. */
  uniqueKey?: boolean;
}

/** Java's group for tool pulls. */
const TOOLS_CONSUMER = "TOOLS_CONSUMER";
/** PULL_MESSAGE sysFlag: the subscription travels in the request. */
const FLAG_SUBSCRIPTION = 0x4;

async function masterOf(ctx: AdminQueryContext, mq: MessageQueue): Promise<string> {
  const route = await ctx.topicRoute(mq.topic);
  const addr = route.brokerDatas.find((b) => b.brokerName === mq.brokerName)?.brokerAddrs.get(0);
  if (addr === undefined) {
    throw new MQClientError(`No master of "${mq.brokerName}" for "${mq.topic}"`, "NO_ROUTE");
  }
  return addr;
}

/** VIEW_MESSAGE_BY_ID: the message with this offset message id. */
export async function viewMessage(
  ctx: AdminQueryContext,
  offsetMsgId: string,
): Promise<MessageView> {
  const id = decodeOffsetMessageId(offsetMsgId);
  const addr = formatSocketAddress(id.address);
  const response = await ctx.call(
    addr,
    { code: RequestCode.VIEW_MESSAGE_BY_ID, extFields: toExtFields({ offset: id.offset }) },
    `view message "${offsetMsgId}"`,
  );
  const [message] = decodeMessageViews(response.body ?? new Uint8Array(), "");
  if (message === undefined) {
    throw new MQClientError(`Message "${offsetMsgId}" not found`, "NO_ROUTE");
  }
  return message;
}

/** QUERY_MESSAGE by key (or UNIQ_KEY) on every master of `topic`, filtered exactly. */
export async function queryMessage(
  ctx: AdminQueryContext,
  topic: string,
  key: string,
  options: QueryMessageOptions,
): Promise<MessageView[]> {
  const route = await ctx.topicRoute(topic);
  const found: MessageView[] = [];
  for (const b of route.brokerDatas) {
    const addr = b.brokerAddrs.get(0);
    if (addr === undefined) continue;
    const extFields = toExtFields({
      topic,
      key,
      maxNum: options.maxNum ?? 32,
      beginTimestamp: options.beginTimestamp ?? 0,
      endTimestamp: options.endTimestamp ?? Number.MAX_SAFE_INTEGER,
      _UNIQUE_KEY_QUERY: options.uniqueKey ?? false,
    });
    const response = await ctx.call(
      addr,
      { code: RequestCode.QUERY_MESSAGE, extFields },
      `query "${key}"`,
      [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND],
    );
    if (response.code !== ResponseCode.SUCCESS || response.body === undefined) continue;
    for (const m of decodeMessageViews(response.body, b.brokerName)) {
      const match = options.uniqueKey === true ? m.msgId === key : m.keys.includes(key);
      if (match && m.topic === topic) found.push(m);
    }
  }
  return found;
}

/** SEARCH_OFFSET_BY_TIMESTAMP on the queue's master: first offset stored at or after `timestampMs`. */
export async function searchOffset(
  ctx: AdminQueryContext,
  mq: MessageQueue,
  timestampMs: number,
): Promise<number> {
  const response = await ctx.call(
    await masterOf(ctx, mq),
    {
      code: RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
      extFields: toExtFields({ topic: mq.topic, queueId: mq.queueId, timestamp: timestampMs }),
    },
    "search offset by timestamp",
  );
  const offset = Number(response.extFields?.["offset"]);
  if (!Number.isSafeInteger(offset)) {
    throw new MQClientError("SEARCH_OFFSET_BY_TIMESTAMP answered no offset", "SEND_FAILED");
  }
  return offset;
}

/** The message at `offset` of a queue (one pull, no commit), or `undefined` when none is there. */
export async function viewMessageAt(
  ctx: AdminQueryContext,
  mq: MessageQueue,
  offset: number,
): Promise<MessageView | undefined> {
  const extFields = pullMessageHeader({
    consumerGroup: TOOLS_CONSUMER,
    topic: mq.topic,
    queueId: mq.queueId,
    queueOffset: offset,
    maxMsgNums: 1,
    sysFlag: FLAG_SUBSCRIPTION,
    commitOffset: 0,
    suspendTimeoutMillis: 0,
    subscription: "*",
    subVersion: 0,
    expressionType: "TAG",
  });
  const response = await ctx.call(
    await masterOf(ctx, mq),
    { code: RequestCode.PULL_MESSAGE, extFields },
    `pull "${mq.topic}" queue ${mq.queueId} at ${offset}`,
    [
      ResponseCode.SUCCESS,
      ResponseCode.PULL_NOT_FOUND,
      ResponseCode.PULL_RETRY_IMMEDIATELY,
      ResponseCode.PULL_OFFSET_MOVED,
    ],
  );
  if (response.code !== ResponseCode.SUCCESS || response.body === undefined) return undefined;
  return decodeMessageViews(response.body, mq.brokerName).find((m) => m.queueOffset === offset);
}
