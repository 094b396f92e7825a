/**
 * MQClientAPI: one typed method per request the client sends, over a
 * `ClientTransport`. Builds headers and bodies, checks response codes, and
 * turns answers into values. No state besides the transport.
 *
 * Runs on: main thread
 * @module
 */
import { RequestCode, ResponseCode } from "../remoting/mod.ts";
import { MQResponseError } from "./errors.ts";
import { encodeHeartbeat, subscriptionJson } from "./heartbeat_data.ts";
import type { HeartbeatData } from "./heartbeat_data.ts";
import type { MessageQueue } from "./message_queue.ts";
import { parseJsonBody } from "./_json_body.ts";
import {
  endTransactionHeader,
  pullMessageHeader,
  queryConsumerOffsetHeader,
  sendMessageHeaderV1,
  sendMessageHeaderV2,
  toExtFields,
  unregisterClientHeader,
  updateConsumerOffsetHeader,
} from "./request_headers.ts";
import type {
  EndTransactionHeader,
  PullMessageHeader,
  SendMessageHeader,
} from "./request_headers.ts";
import type { SubscriptionData } from "./subscription.ts";
import { parseTopicRouteData } from "./topic_route.ts";
import type { TopicRouteData } from "./topic_route.ts";
import type { ClientTransport, WireRequest, WireResponse } from "./transport.ts";

/** Outcome of a stored send, from the response code. */
export type SendStatus =
  | "SEND_OK"
  | "FLUSH_DISK_TIMEOUT"
  | "FLUSH_SLAVE_TIMEOUT"
  | "SLAVE_NOT_AVAILABLE";

/** What the broker said about one send (single or batch). */
export interface SendResponse {
  readonly status: SendStatus;
  /** Offset message id(s) from the broker (comma-separated for a batch). */
  readonly offsetMsgId: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly transactionId: string | undefined;
  readonly regionId: string;
  readonly traceOn: boolean;
}

/** Outcome of a pull, from the response code. */
export type PullStatus = "FOUND" | "NO_NEW_MSG" | "NO_MATCHED_MSG" | "OFFSET_ILLEGAL";

/** A pull answer before the body is decoded into messages. */
export interface RawPullResult {
  readonly status: PullStatus;
  readonly nextBeginOffset: number;
  readonly minOffset: number;
  readonly maxOffset: number;
  readonly suggestWhichBrokerId: number;
  /** Stored records, concatenated (only with `FOUND`). */
  readonly body: Uint8Array | undefined;
}

/** Which request code carries a send. */
export type SendCode = "SEND_MESSAGE" | "SEND_MESSAGE_V2" | "SEND_BATCH_MESSAGE";

const SEND_STATUS: Record<number, SendStatus> = {
  [ResponseCode.SUCCESS]: "SEND_OK",
  [ResponseCode.FLUSH_DISK_TIMEOUT]: "FLUSH_DISK_TIMEOUT",
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: "FLUSH_SLAVE_TIMEOUT",
  [ResponseCode.SLAVE_NOT_AVAILABLE]: "SLAVE_NOT_AVAILABLE",
};

const PULL_STATUS: Record<number, PullStatus> = {
  [ResponseCode.SUCCESS]: "FOUND",
  [ResponseCode.PULL_NOT_FOUND]: "NO_NEW_MSG",
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: "NO_MATCHED_MSG",
  [ResponseCode.PULL_OFFSET_MOVED]: "OFFSET_ILLEGAL",
};

function num(fields: Readonly<Record<string, string>>, key: string, fallback = 0): number {
  const value = fields[key];
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

/** Typed requests to name servers and brokers. */
export class MQClientAPI {
  readonly #transport: ClientTransport;

  /** Wraps `transport`. */
  constructor(transport: ClientTransport) {
    this.#transport = transport;
  }

  /** The transport (for one-off requests). */
  get transport(): ClientTransport {
    return this.#transport;
  }

  /** Sends `request` and throws `MQResponseError` unless the code is in `accept` (default success). */
  async call(
    addr: string,
    request: WireRequest,
    options: { timeoutMs: number; what: string; accept?: readonly number[] },
  ): Promise<WireResponse> {
    const response = await this.#transport.invoke(addr, request, options.timeoutMs);
    const accept = options.accept ?? [ResponseCode.SUCCESS];
    if (!accept.includes(response.code)) {
      throw new MQResponseError(addr, response.code, response.remark, options.what);
    }
    return response;
  }

  /** GET_ROUTEINFO_BY_TOPIC; `undefined` when the name server has no route (TOPIC_NOT_EXIST). */
  async getTopicRoute(
    namesrvAddr: string,
    topic: string,
    timeoutMs: number,
  ): Promise<TopicRouteData | undefined> {
    const response = await this.call(
      namesrvAddr,
      { code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic } },
      {
        timeoutMs,
        what: `get route of topic "${topic}"`,
        accept: [ResponseCode.SUCCESS, ResponseCode.TOPIC_NOT_EXIST],
      },
    );
    if (response.code === ResponseCode.TOPIC_NOT_EXIST || response.body === undefined) {
      return undefined;
    }
    return parseTopicRouteData(parseJsonBody(response.body, "topic route"));
  }

  /** SEND_MESSAGE_V2 (default), SEND_MESSAGE or SEND_BATCH_MESSAGE; one-way resolves `undefined`. */
  async sendMessage(
    addr: string,
    header: SendMessageHeader,
    options: { body: Uint8Array; code: SendCode; timeoutMs: number; oneway?: boolean },
  ): Promise<SendResponse | undefined> {
    const request: WireRequest = {
      code: RequestCode[options.code],
      extFields: options.code === "SEND_MESSAGE"
        ? sendMessageHeaderV1(header)
        : sendMessageHeaderV2(header),
      body: options.body,
    };
    if (options.oneway === true) {
      await this.#transport.invokeOneway(addr, request);
      return undefined;
    }
    const response = await this.#transport.invoke(addr, request, options.timeoutMs);
    const status = SEND_STATUS[response.code];
    if (status === undefined) {
      throw new MQResponseError(addr, response.code, response.remark, `send to "${header.topic}"`);
    }
    const f = response.extFields;
    return {
      status,
      offsetMsgId: f.msgId ?? "",
      queueId: num(f, "queueId", header.queueId),
      queueOffset: num(f, "queueOffset"),
      transactionId: f.transactionId,
      regionId: f.MSG_REGION ?? "DefaultRegion",
      traceOn: f.TRACE_ON !== "false",
    };
  }

  /** PULL_MESSAGE (or LITE_PULL_MESSAGE); broker errors other than the four pull statuses throw. */
  async pullMessage(
    addr: string,
    header: PullMessageHeader,
    options: { timeoutMs: number; lite?: boolean },
  ): Promise<RawPullResult> {
    const code = options.lite === true ? RequestCode.LITE_PULL_MESSAGE : RequestCode.PULL_MESSAGE;
    const response = await this.#transport.invoke(
      addr,
      { code, extFields: pullMessageHeader(header) },
      options.timeoutMs,
    );
    const status = PULL_STATUS[response.code];
    if (status === undefined) {
      throw new MQResponseError(addr, response.code, response.remark, `pull "${header.topic}"`);
    }
    const f = response.extFields;
    return {
      status,
      nextBeginOffset: num(f, "nextBeginOffset", header.queueOffset),
      minOffset: num(f, "minOffset"),
      maxOffset: num(f, "maxOffset"),
      suggestWhichBrokerId: num(f, "suggestWhichBrokerId"),
      body: status === "FOUND" ? response.body : undefined,
    };
  }

  /** QUERY_CONSUMER_OFFSET; `undefined` when the broker has none (QUERY_NOT_FOUND). */
  async queryConsumerOffset(
    addr: string,
    group: string,
    options: { mq: MessageQueue; timeoutMs: number },
  ): Promise<number | undefined> {
    const response = await this.call(
      addr,
      {
        code: RequestCode.QUERY_CONSUMER_OFFSET,
        extFields: queryConsumerOffsetHeader(group, options.mq),
      },
      {
        timeoutMs: options.timeoutMs,
        what: "query consumer offset",
        accept: [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND],
      },
    );
    if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
    return num(response.extFields, "offset", -1);
  }

  /** UPDATE_CONSUMER_OFFSET, one-way as Java sends it, or two-way when `timeoutMs` is given. */
  async updateConsumerOffset(
    addr: string,
    group: string,
    options: { mq: MessageQueue; offset: number; timeoutMs?: number },
  ): Promise<void> {
    const request: WireRequest = {
      code: RequestCode.UPDATE_CONSUMER_OFFSET,
      extFields: updateConsumerOffsetHeader(group, { ...options.mq, commitOffset: options.offset }),
    };
    if (options.timeoutMs === undefined) {
      await this.#transport.invokeOneway(addr, request);
      return;
    }
    await this.call(addr, request, {
      timeoutMs: options.timeoutMs,
      what: "update consumer offset",
    });
  }

  /** HEART_BEAT with the client's producer and consumer groups. */
  async sendHeartbeat(addr: string, data: HeartbeatData, timeoutMs: number): Promise<void> {
    await this.call(
      addr,
      { code: RequestCode.HEART_BEAT, body: encodeHeartbeat(data) },
      { timeoutMs, what: "send heartbeat" },
    );
  }

  /** UNREGISTER_CLIENT for one group. */
  async unregisterClient(
    addr: string,
    clientId: string,
    options: { producerGroup?: string; consumerGroup?: string; timeoutMs: number },
  ): Promise<void> {
    await this.call(
      addr,
      { code: RequestCode.UNREGISTER_CLIENT, extFields: unregisterClientHeader(clientId, options) },
      { timeoutMs: options.timeoutMs, what: "unregister client" },
    );
  }

  /** GET_CONSUMER_LIST_BY_GROUP: the client ids of the group's live consumers (unsorted). */
  async getConsumerIdList(addr: string, group: string, timeoutMs: number): Promise<string[]> {
    const response = await this.call(
      addr,
      { code: RequestCode.GET_CONSUMER_LIST_BY_GROUP, extFields: { consumerGroup: group } },
      { timeoutMs, what: `list consumers of "${group}"` },
    );
    if (response.body === undefined) return [];
    const parsed = parseJsonBody(response.body, "consumer list") as { consumerIdList?: unknown };
    const list = parsed.consumerIdList;
    return Array.isArray(list) ? list.filter((id): id is string => typeof id === "string") : [];
  }

  /** GET_MAX_OFFSET / GET_MIN_OFFSET / GET_EARLIEST_MSG_STORETIME: one number from the header. */
  async queueNumber(
    addr: string,
    kind: "max" | "min" | "earliestStoreTime",
    options: { mq: MessageQueue; timeoutMs: number },
  ): Promise<number> {
    const code = kind === "max"
      ? RequestCode.GET_MAX_OFFSET
      : kind === "min"
      ? RequestCode.GET_MIN_OFFSET
      : RequestCode.GET_EARLIEST_MSG_STORETIME;
    const response = await this.call(
      addr,
      { code, extFields: toExtFields({ topic: options.mq.topic, queueId: options.mq.queueId }) },
      { timeoutMs: options.timeoutMs, what: `get ${kind} offset` },
    );
    return num(response.extFields, kind === "earliestStoreTime" ? "timestamp" : "offset");
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP: first offset stored at or after `timestamp`. */
  async searchOffset(
    addr: string,
    timestamp: number,
    options: { mq: MessageQueue; timeoutMs: number },
  ): Promise<number> {
    const response = await this.call(
      addr,
      {
        code: RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
        extFields: toExtFields({ topic: options.mq.topic, queueId: options.mq.queueId, timestamp }),
      },
      { timeoutMs: options.timeoutMs, what: "search offset by timestamp" },
    );
    return num(response.extFields, "offset");
  }

  /** CONSUMER_SEND_MSG_BACK: hand a failed message back for redelivery through the retry topic. */
  async consumerSendMessageBack(
    addr: string,
    group: string,
    options: {
      commitLogOffset: number;
      delayLevel: number;
      originMsgId: string;
      originTopic: string;
      maxReconsumeTimes: number;
      timeoutMs: number;
    },
  ): Promise<void> {
    await this.call(
      addr,
      {
        code: RequestCode.CONSUMER_SEND_MSG_BACK,
        extFields: toExtFields({
          offset: options.commitLogOffset,
          group,
          delayLevel: options.delayLevel,
          originMsgId: options.originMsgId,
          originTopic: options.originTopic,
          unitMode: false,
          maxReconsumeTimes: options.maxReconsumeTimes,
        }),
      },
      { timeoutMs: options.timeoutMs, what: "send message back" },
    );
  }

  /** END_TRANSACTION, one-way as Java sends it (after the local transaction and for checks). */
  async endTransactionOneway(addr: string, header: EndTransactionHeader): Promise<void> {
    await this.#transport.invokeOneway(addr, {
      code: RequestCode.END_TRANSACTION,
      extFields: endTransactionHeader(header),
    });
  }

  /** LOCK_BATCH_MQ: locks (or renews) `mqs` for `clientId`; resolves with the queues it now holds. */
  async lockBatchMQ(
    addr: string,
    body: { consumerGroup: string; clientId: string; mqs: readonly MessageQueue[] },
    timeoutMs: number,
  ): Promise<MessageQueue[]> {
    const response = await this.call(
      addr,
      { code: RequestCode.LOCK_BATCH_MQ, body: lockBody(body) },
      { timeoutMs, what: `lock queues of "${body.consumerGroup}"` },
    );
    if (response.body === undefined) return [];
    const parsed = parseJsonBody(response.body, "lock answer") as { lockOKMQSet?: unknown };
    const list = Array.isArray(parsed.lockOKMQSet) ? parsed.lockOKMQSet : [];
    return list.flatMap((raw: unknown) => {
      const mq = raw as Partial<Record<keyof MessageQueue, unknown>>;
      if (typeof mq?.topic !== "string" || typeof mq.brokerName !== "string") return [];
      return [{ topic: mq.topic, brokerName: mq.brokerName, queueId: Number(mq.queueId) }];
    });
  }

  /** UNLOCK_BATCH_MQ, two-way, or one-way when `oneway` (Java uses both). */
  async unlockBatchMQ(
    addr: string,
    body: { consumerGroup: string; clientId: string; mqs: readonly MessageQueue[] },
    options: { timeoutMs: number; oneway?: boolean },
  ): Promise<void> {
    const request: WireRequest = { code: RequestCode.UNLOCK_BATCH_MQ, body: lockBody(body) };
    if (options.oneway === true) {
      await this.#transport.invokeOneway(addr, request);
      return;
    }
    await this.call(addr, request, {
      timeoutMs: options.timeoutMs,
      what: `unlock queues of "${body.consumerGroup}"`,
    });
  }

  /** CHECK_CLIENT_CONFIG: asks whether the broker accepts a (SQL92) subscription. */
  async checkClientConfig(
    addr: string,
    body: { clientId: string; group: string; subscription: SubscriptionData },
    timeoutMs: number,
  ): Promise<void> {
    const json = {
      clientId: body.clientId,
      group: body.group,
      subscriptionData: subscriptionJson(body.subscription),
    };
    await this.call(
      addr,
      {
        code: RequestCode.CHECK_CLIENT_CONFIG,
        body: new TextEncoder().encode(JSON.stringify(json)),
      },
      { timeoutMs, what: `check subscription of "${body.subscription.topic}"` },
    );
  }
}

/** LockBatchRequestBody / UnlockBatchRequestBody JSON (Java field order). */
function lockBody(
  body: { consumerGroup: string; clientId: string; mqs: readonly MessageQueue[] },
): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({
    clientId: body.clientId,
    consumerGroup: body.consumerGroup,
    mqSet: body.mqs.map((mq) => ({
      brokerName: mq.brokerName,
      queueId: mq.queueId,
      topic: mq.topic,
    })),
    onlyThisBroker: false,
  }));
}
