/**
 * AdminClient (the parts of Java `DefaultMQAdminExt` that `mqadmin` and the
 * HTTP API use): topics and subscription groups on brokers, cluster and route
 * lookups on name servers, topic and consume statistics, consumer
 * connections, message queries (`_admin_query.ts`: by offset id, key or unique key in a time
 * range, queue offset, offset by timestamp), broker runtime info and config.
 *
 * Runs on: main thread
 * @module
 */
import { RequestCode } from "../remoting/mod.ts";
import {
  type AdminQueryContext,
  queryMessage,
  type QueryMessageOptions,
  searchOffset,
  viewMessage,
  viewMessageAt,
} from "./_admin_query.ts";
import {
  type AdminConsumerContext,
  consumeMessageDirectly,
  type ConsumeMessageDirectlyResult,
  consumerRunningInfo,
} from "./_admin_consumer.ts";
import { parseJsonBody } from "./_json_body.ts";
import { acquireClientInstance } from "./client_instance.ts";
import type { ClientInstance, ClientOptions } from "./client_instance.ts";
import { MQClientError } from "./errors.ts";
import type { MessageView } from "./message.ts";
import type { MessageQueue } from "./message_queue.ts";
import { toExtFields } from "./request_headers.ts";
import { parseTopicRouteData } from "./topic_route.ts";
import type { BrokerData, TopicRouteData } from "./topic_route.ts";
import type { WireRequest, WireResponse } from "./transport.ts";

/** Where an admin change goes: every master of a cluster, or one broker. */
export type AdminTarget = { clusterName: string } | { brokerAddr: string };

/** Topic settings for `createTopic`. */
export interface TopicSettings {
  readQueueNums?: number;
  writeQueueNums?: number;
  perm?: number;
  order?: boolean;
  topicFilterType?: "SINGLE_TAG" | "MULTI_TAG";
  topicSysFlag?: number;
}

/** Cluster layout from GET_BROKER_CLUSTER_INFO. */
export interface ClusterInfo {
  readonly brokerAddrTable: ReadonlyMap<string, BrokerData>;
  readonly clusterAddrTable: ReadonlyMap<string, readonly string[]>;
}

/** Per-queue offsets of a topic. */
export interface TopicOffset {
  readonly mq: MessageQueue;
  readonly minOffset: number;
  readonly maxOffset: number;
  readonly lastUpdateTimestamp: number;
}

/** Per-queue progress of a group. */
export interface ConsumeProgress {
  readonly mq: MessageQueue;
  readonly brokerOffset: number;
  readonly consumerOffset: number;
  readonly lastTimestamp: number;
}

/** One consumer connection of a group. */
export interface ConsumerConnection {
  readonly clientId: string;
  readonly clientAddr: string;
  readonly language: string;
  readonly version: number;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? value as Record<string, unknown> : {};
}

function parseQueueKey(key: string): MessageQueue {
  const q = record(JSON.parse(key));
  return { topic: String(q.topic), brokerName: String(q.brokerName), queueId: Number(q.queueId) };
}

function parseProperties(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0 && !line.startsWith("#")) {
      result[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
  }
  return result;
}

/** Administrative requests to name servers and brokers. */
export class AdminClient {
  readonly #options: ClientOptions;
  readonly #namesrv: string[];
  #instance: ClientInstance | undefined;

  /** Creates the client; `start()` connects. */
  constructor(options: ClientOptions) {
    this.#options = options;
    const list = typeof options.namesrvAddr === "string"
      ? options.namesrvAddr.split(";")
      : [...options.namesrvAddr];
    this.#namesrv = list.map((a) => a.trim()).filter((a) => a !== "");
  }

  /** Joins the shared client instance (no group is registered). */
  start(): Promise<void> {
    this.#instance ??= acquireClientInstance(this.#options);
    return Promise.resolve();
  }

  /** Releases the shared instance. */
  async shutdown(): Promise<void> {
    const instance = this.#instance;
    this.#instance = undefined;
    await instance?.release();
  }

  /** Same as `shutdown()`. */
  close(): Promise<void> {
    return this.shutdown();
  }

  #running(): ClientInstance {
    if (this.#instance === undefined) {
      throw new MQClientError("The admin client is not started", "NOT_STARTED");
    }
    return this.#instance;
  }

  readonly #query: AdminQueryContext = {
    call: (addr, request, what, accept) => this.#call(addr, request, what, accept),
    topicRoute: (topic) => this.topicRoute(topic),
  };

  async #call(
    addr: string,
    request: WireRequest,
    what: string,
    accept?: number[],
    timeoutMs?: number,
  ): Promise<WireResponse> {
    const instance = this.#running();
    return await instance.api.call(addr, request, {
      timeoutMs: timeoutMs ?? instance.requestTimeoutMs,
      what,
      ...(accept === undefined ? {} : { accept }),
    });
  }

  async #namesrvCall(request: WireRequest, what: string, accept?: number[]): Promise<WireResponse> {
    let lastError: unknown;
    for (const addr of this.#namesrv) {
      try {
        return await this.#call(addr, request, what, accept);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError ?? new MQClientError(`Cannot ${what}: no name server`, "NO_NAME_SERVER");
  }

  /** GET_BROKER_CLUSTER_INFO. */
  async clusterInfo(): Promise<ClusterInfo> {
    const response = await this.#namesrvCall(
      { code: RequestCode.GET_BROKER_CLUSTER_INFO },
      "get cluster info",
    );
    const body = record(
      response.body === undefined ? {} : parseJsonBody(response.body, "cluster info"),
    );
    const brokers = new Map<string, BrokerData>();
    for (const [name, data] of Object.entries(record(body.brokerAddrTable))) {
      const parsed = parseTopicRouteData({ queueDatas: [], brokerDatas: [data] }).brokerDatas[0];
      if (parsed !== undefined) brokers.set(name, parsed);
    }
    const clusters = new Map<string, string[]>();
    for (const [name, list] of Object.entries(record(body.clusterAddrTable))) {
      clusters.set(name, Array.isArray(list) ? list.map(String) : []);
    }
    return { brokerAddrTable: brokers, clusterAddrTable: clusters };
  }

  async #masters(target: AdminTarget): Promise<string[]> {
    if ("brokerAddr" in target) return [target.brokerAddr];
    const info = await this.clusterInfo();
    const names = info.clusterAddrTable.get(target.clusterName);
    if (names === undefined) {
      throw new MQClientError(`Unknown cluster "${target.clusterName}"`, "NO_ROUTE");
    }
    return names.map((n) => info.brokerAddrTable.get(n)?.brokerAddrs.get(0)).filter((
      a,
    ): a is string => a !== undefined);
  }

  /** GET_ROUTEINFO_BY_TOPIC; throws `MQResponseError` (TOPIC_NOT_EXIST) when unknown. */
  async topicRoute(topic: string): Promise<TopicRouteData> {
    const response = await this.#namesrvCall(
      { code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic } },
      `get route of "${topic}"`,
    );
    return parseTopicRouteData(parseJsonBody(response.body ?? new Uint8Array(), "topic route"));
  }

  /** GET_ALL_TOPIC_LIST_FROM_NAMESERVER. */
  async topicList(): Promise<string[]> {
    const response = await this.#namesrvCall({
      code: RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
    }, "list topics");
    const list =
      record(response.body === undefined ? {} : parseJsonBody(response.body, "topic list"))
        .topicList;
    return Array.isArray(list) ? list.map(String) : [];
  }

  /** UPDATE_AND_CREATE_TOPIC on every target broker (Java defaults: 8 queues, perm 6). */
  async createTopic(
    topic: string,
    target: AdminTarget,
    settings: TopicSettings = {},
  ): Promise<void> {
    const extFields = toExtFields({
      topic,
      defaultTopic: "TBW102",
      readQueueNums: settings.readQueueNums ?? 8,
      writeQueueNums: settings.writeQueueNums ?? 8,
      perm: settings.perm ?? 6,
      topicFilterType: settings.topicFilterType ?? "SINGLE_TAG",
      topicSysFlag: settings.topicSysFlag ?? 0,
      order: settings.order ?? false,
    });
    for (const addr of await this.#masters(target)) {
      await this.#call(
        addr,
        { code: RequestCode.UPDATE_AND_CREATE_TOPIC, extFields },
        `create topic "${topic}"`,
      );
    }
  }

  /** DELETE_TOPIC_IN_BROKER on every target broker, then DELETE_TOPIC_IN_NAMESRV on every name server. */
  async deleteTopic(topic: string, target: AdminTarget): Promise<void> {
    for (const addr of await this.#masters(target)) {
      await this.#call(
        addr,
        { code: RequestCode.DELETE_TOPIC_IN_BROKER, extFields: { topic } },
        `delete topic "${topic}"`,
      );
    }
    const extFields = "clusterName" in target
      ? { topic, clusterName: target.clusterName }
      : { topic };
    for (const addr of this.#namesrv) {
      await this.#call(
        addr,
        { code: RequestCode.DELETE_TOPIC_IN_NAMESRV, extFields },
        `delete topic "${topic}" in name server`,
      );
    }
  }

  /** UPDATE_AND_CREATE_SUBSCRIPTIONGROUP on every target broker; `config` adds to Java's defaults. */
  async createSubscriptionGroup(
    groupName: string,
    target: AdminTarget,
    config: Record<string, unknown> = {},
  ): Promise<void> {
    const body = new TextEncoder().encode(JSON.stringify({
      brokerId: 0,
      consumeBroadcastEnable: true,
      consumeEnable: true,
      consumeFromMinEnable: true,
      groupName,
      notifyConsumerIdsChangedEnable: true,
      retryMaxTimes: 16,
      retryQueueNums: 1,
      whichBrokerWhenConsumeSlowly: 1,
      ...config,
    }));
    for (const addr of await this.#masters(target)) {
      await this.#call(
        addr,
        { code: RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, body },
        `create group "${groupName}"`,
      );
    }
  }

  /** DELETE_SUBSCRIPTIONGROUP on every target broker. */
  async deleteSubscriptionGroup(
    groupName: string,
    target: AdminTarget,
    cleanOffset = false,
  ): Promise<void> {
    const extFields = toExtFields({ groupName, cleanOffset });
    for (const addr of await this.#masters(target)) {
      await this.#call(
        addr,
        { code: RequestCode.DELETE_SUBSCRIPTIONGROUP, extFields },
        `delete group "${groupName}"`,
      );
    }
  }

  /** GET_TOPIC_STATS_INFO from every broker of the topic. */
  async topicStats(topic: string): Promise<TopicOffset[]> {
    const route = await this.topicRoute(topic);
    const result: TopicOffset[] = [];
    for (const b of route.brokerDatas) {
      const addr = b.brokerAddrs.get(0);
      if (addr === undefined) continue;
      const response = await this.#call(addr, {
        code: RequestCode.GET_TOPIC_STATS_INFO,
        extFields: { topic },
      }, `get stats of "${topic}"`);
      const table = record(
        record(parseJsonBody(response.body ?? new Uint8Array(), "topic stats")).offsetTable,
      );
      for (const [key, value] of Object.entries(table)) {
        const v = record(value);
        result.push({
          mq: parseQueueKey(key),
          minOffset: Number(v.minOffset ?? 0),
          maxOffset: Number(v.maxOffset ?? 0),
          lastUpdateTimestamp: Number(v.lastUpdateTimestamp ?? 0),
        });
      }
    }
    return result;
  }

  /** GET_CONSUME_STATS of `group` (optionally one topic) from every broker in the cluster info. */
  async consumeStats(group: string, topic?: string): Promise<ConsumeProgress[]> {
    const info = await this.clusterInfo();
    const result: ConsumeProgress[] = [];
    for (const b of info.brokerAddrTable.values()) {
      const addr = b.brokerAddrs.get(0);
      if (addr === undefined) continue;
      const extFields = toExtFields({ consumerGroup: group, topic });
      const response = await this.#call(
        addr,
        { code: RequestCode.GET_CONSUME_STATS, extFields },
        `get consume stats of "${group}"`,
      );
      const table = record(
        record(parseJsonBody(response.body ?? new Uint8Array(), "consume stats")).offsetTable,
      );
      for (const [key, value] of Object.entries(table)) {
        const v = record(value);
        result.push({
          mq: parseQueueKey(key),
          brokerOffset: Number(v.brokerOffset ?? 0),
          consumerOffset: Number(v.consumerOffset ?? 0),
          lastTimestamp: Number(v.lastTimestamp ?? 0),
        });
      }
    }
    return result;
  }

  /** GET_CONSUMER_CONNECTION_LIST from the first broker that knows the group. */
  async consumerConnections(group: string): Promise<ConsumerConnection[]> {
    const info = await this.clusterInfo();
    let lastError: unknown;
    for (const b of info.brokerAddrTable.values()) {
      const addr = b.brokerAddrs.get(0);
      if (addr === undefined) continue;
      try {
        const response = await this.#call(
          addr,
          { code: RequestCode.GET_CONSUMER_CONNECTION_LIST, extFields: { consumerGroup: group } },
          `list connections of "${group}"`,
        );
        const set = record(parseJsonBody(response.body ?? new Uint8Array(), "consumer connections"))
          .connectionSet;
        return (Array.isArray(set) ? set : []).map((c) => {
          const r = record(c);
          return {
            clientId: String(r.clientId ?? ""),
            clientAddr: String(r.clientAddr ?? ""),
            language: String(r.language ?? ""),
            version: Number(r.version ?? 0),
          };
        });
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError ??
      new MQClientError(`Cannot list connections of "${group}": no broker`, "NO_ROUTE");
  }

  /** VIEW_MESSAGE_BY_ID: the message with this offset message id (broker address and offset are in it). */
  viewMessage(offsetMsgId: string): Promise<MessageView> {
    return viewMessage(this.#query, offsetMsgId);
  }

  /**
   * QUERY_MESSAGE by key (or, with `uniqueKey`, by UNIQ_KEY) within a store-time range on every
   * master of `topic`, filtered exactly.
   */
  queryMessage(
    topic: string,
    key: string,
    options: QueryMessageOptions = {},
  ): Promise<MessageView[]> {
    return queryMessage(this.#query, topic, key, options);
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP: the first offset of `mq` stored at or after `timestampMs`. */
  searchOffset(mq: MessageQueue, timestampMs: number): Promise<number> {
    return searchOffset(this.#query, mq, timestampMs);
  }

  /** The message at `offset` of `mq` (one pull of `TOOLS_CONSUMER`), or `undefined`. */
  viewMessageAt(mq: MessageQueue, offset: number): Promise<MessageView | undefined> {
    return viewMessageAt(this.#query, mq, offset);
  }

  /**
   * CONSUME_MESSAGE_DIRECTLY: the consumer `clientId` of `group` consumes the message with this
   * offset id now (through the broker that stored it) and reports its listener's result.
   */
  consumeMessageDirectly(
    group: string,
    clientId: string,
    msgId: string,
  ): Promise<ConsumeMessageDirectlyResult> {
    return consumeMessageDirectly(this.#consumerContext(), group, clientId, msgId);
  }

  /** GET_CONSUMER_RUNNING_INFO: the report of the consumer `clientId` of `group`. */
  consumerRunningInfo(group: string, clientId: string): Promise<Record<string, unknown>> {
    return consumerRunningInfo(this.#consumerContext(), group, clientId);
  }

  #consumerContext(): AdminConsumerContext {
    return {
      call: (addr, request, what, timeoutMs) =>
        this.#call(addr, request, what, undefined, timeoutMs),
      topicRoute: (topic) => this.topicRoute(topic),
      timeoutMs: this.#running().requestTimeoutMs,
    };
  }

  /** GET_BROKER_RUNTIME_INFO: the KV table. */
  async brokerRuntimeInfo(brokerAddr: string): Promise<Record<string, string>> {
    const response = await this.#call(
      brokerAddr,
      { code: RequestCode.GET_BROKER_RUNTIME_INFO },
      "get broker runtime info",
    );
    const table = record(
      record(parseJsonBody(response.body ?? new Uint8Array(), "runtime info")).table,
    );
    return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, String(v)]));
  }

  /** GET_BROKER_CONFIG: the broker's properties. */
  async brokerConfig(brokerAddr: string): Promise<Record<string, string>> {
    const response = await this.#call(
      brokerAddr,
      { code: RequestCode.GET_BROKER_CONFIG },
      "get broker config",
    );
    return parseProperties(new TextDecoder().decode(response.body ?? new Uint8Array()));
  }
}
