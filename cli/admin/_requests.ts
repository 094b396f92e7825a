/**
 * The broker requests `mqadmin` needs that `AdminClient` (client/) does not offer, sent with
 * a plain `RemotingClient`: producer connections (204), the full consumer connection body
 * (203), broker config update (25), broker-side offset reset (222), offset search (29),
 * consumer offset update (15), who consumes a topic (300) and broker stats data (315).
 *
 * Runs on: main thread
 * @module
 */
import { BrokerError, decodeStoredMessages, type MessageExt } from "../../common/mod.ts";
import { type SessionCredentials, signRequest } from "../../common/acl/mod.ts";
import {
  createRequest,
  parseJavaJson,
  RemotingClient,
  type RemotingCommand,
  RequestCode,
  ResponseCode,
  responseCodeName,
} from "../../remoting/mod.ts";

/** A broker answered with a failure code; `remark` is its own words. */
export class AdminResponseError extends BrokerError {
  override name = "AdminResponseError";
  /** The response code. */
  readonly responseCode: number;
  /** The broker's remark. */
  readonly remark: string | undefined;

  /** Creates the error for a response of `addr`. */
  constructor(addr: string, response: RemotingCommand, what: string) {
    super(
      `Cannot ${what}: "${addr}" answered ${responseCodeName(response.code)} (${response.code})` +
        (response.remark === undefined ? "" : `: ${response.remark}`),
      { code: responseCodeName(response.code) },
    );
    this.responseCode = response.code;
    this.remark = response.remark;
  }
}

/** One client connection as a broker lists it. */
export interface Connection {
  readonly clientId: string;
  readonly clientAddr: string;
  readonly language: string;
  readonly version: number;
}

/** GET_CONSUMER_CONNECTION_LIST body. */
export interface ConsumerConnectionBody {
  readonly connections: Connection[];
  readonly subscriptions: { topic: string; subString: string }[];
  readonly consumeType: string;
  readonly messageModel: string;
  readonly consumeFromWhere: string;
}

/** One VIEW_BROKER_STATS_DATA item (per minute). */
export interface BrokerStatsItem {
  readonly sum: number;
  readonly tps: number;
  readonly avgpt: number;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? value as Record<string, unknown> : {};
}

function connections(list: unknown): Connection[] {
  return (Array.isArray(list) ? list : []).map((c) => {
    const r = record(c);
    return {
      clientId: String(r.clientId ?? ""),
      clientAddr: String(r.clientAddr ?? ""),
      language: String(r.language ?? ""),
      version: Number(r.version ?? 0),
    };
  });
}

/** Raw admin requests over one `RemotingClient`; `close()` when done. */
export class AdminRequests {
  readonly #client: RemotingClient;
  readonly #timeoutMs: number;
  readonly #credentials: SessionCredentials | undefined;

  /** Creates the requester; connections open on first use. Requests are signed with `credentials`. */
  constructor(options: {
    timeoutMs: number;
    credentials?: SessionCredentials | undefined;
    tls?: { caCerts?: string[] } | undefined;
  }) {
    this.#timeoutMs = options.timeoutMs;
    this.#credentials = options.credentials;
    this.#client = new RemotingClient({
      connectTimeoutMs: options.timeoutMs,
      requestTimeoutMs: options.timeoutMs,
      tls: options.tls,
    });
  }

  /** Signs last (when credentials are set), then sends. */
  #invoke(addr: string, request: RemotingCommand): Promise<RemotingCommand> {
    const signed = this.#credentials === undefined
      ? request
      : signRequest(request, this.#credentials);
    return this.#client.invoke(addr, signed, this.#timeoutMs);
  }

  async #call(
    addr: string,
    request: RemotingCommand,
    what: string,
  ): Promise<RemotingCommand> {
    const response = await this.#invoke(addr, request);
    if (response.code !== ResponseCode.SUCCESS) throw new AdminResponseError(addr, response, what);
    return response;
  }

  /** GET_PRODUCER_CONNECTION_LIST (204). */
  async producerConnections(addr: string, producerGroup: string): Promise<Connection[]> {
    const response = await this.#call(
      addr,
      createRequest(RequestCode.GET_PRODUCER_CONNECTION_LIST, { extFields: { producerGroup } }),
      `list producers of "${producerGroup}"`,
    );
    return connections(record(parseJavaJson(response.body ?? "{}")).connectionSet);
  }

  /** GET_CONSUME_STATS (208): the broker's one-minute pull rate of the group (`consumeTps`). */
  async consumeTps(addr: string, consumerGroup: string, topic?: string): Promise<number> {
    const extFields: Record<string, string> = { consumerGroup };
    if (topic !== undefined) extFields.topic = topic;
    const response = await this.#call(
      addr,
      createRequest(RequestCode.GET_CONSUME_STATS, { extFields }),
      `get consume stats of "${consumerGroup}"`,
    );
    const tps = Number(record(parseJavaJson(response.body ?? "{}")).consumeTps ?? 0);
    return Number.isFinite(tps) ? tps : 0;
  }

  /** GET_CONSUMER_CONNECTION_LIST (203), with subscriptions and consume type. */
  async consumerConnections(addr: string, consumerGroup: string): Promise<ConsumerConnectionBody> {
    const response = await this.#call(
      addr,
      createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { extFields: { consumerGroup } }),
      `list consumers of "${consumerGroup}"`,
    );
    const body = record(parseJavaJson(response.body ?? "{}"));
    const subscriptions = Object.entries(record(body.subscriptionTable)).map(([topic, s]) => ({
      topic,
      subString: String(record(s).subString ?? "*"),
    }));
    return {
      connections: connections(body.connectionSet),
      subscriptions,
      consumeType: String(body.consumeType ?? ""),
      messageModel: String(body.messageModel ?? ""),
      consumeFromWhere: String(body.consumeFromWhere ?? ""),
    };
  }

  /** UPDATE_BROKER_CONFIG (25): body is Java properties text. */
  async updateBrokerConfig(addr: string, properties: Record<string, string>): Promise<void> {
    const text = Object.entries(properties).map(([k, v]) => `${k}=${v}\n`).join("");
    await this.#call(
      addr,
      createRequest(RequestCode.UPDATE_BROKER_CONFIG, { body: new TextEncoder().encode(text) }),
      "update broker config",
    );
  }

  /** INVOKE_BROKER_TO_RESET_OFFSET (222): the broker resets and tells the clients. */
  async resetOffsetByBroker(
    addr: string,
    options: { topic: string; group: string; timestamp: number; isForce: boolean },
  ): Promise<Map<string, number>> {
    const response = await this.#call(
      addr,
      createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
        extFields: {
          topic: options.topic,
          group: options.group,
          timestamp: String(options.timestamp),
          isForce: String(options.isForce),
        },
      }),
      `reset offsets of "${options.group}"`,
    );
    const table = record(record(parseJavaJson(response.body ?? "{}")).offsetTable);
    return new Map(Object.entries(table).map(([k, v]) => [k, Number(v)]));
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP (29): first queue offset stored at or after `timestamp`. */
  async searchOffset(
    addr: string,
    queue: { topic: string; queueId: number },
    timestamp: number,
  ): Promise<number> {
    const response = await this.#call(
      addr,
      createRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, {
        extFields: {
          topic: queue.topic,
          queueId: String(queue.queueId),
          timestamp: String(timestamp),
        },
      }),
      `search offset of "${queue.topic}" queue ${queue.queueId}`,
    );
    return Number(response.extFields?.offset ?? 0);
  }

  /** UPDATE_CONSUMER_OFFSET (15), two-way. */
  async updateConsumerOffset(
    addr: string,
    queue: { group: string; topic: string; queueId: number },
    offset: number,
  ): Promise<void> {
    await this.#call(
      addr,
      createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
        extFields: {
          consumerGroup: queue.group,
          topic: queue.topic,
          queueId: String(queue.queueId),
          commitOffset: String(offset),
        },
      }),
      `update offset of "${queue.group}"`,
    );
  }

  /** QUERY_TOPIC_CONSUME_BY_WHO (300): groups that consume or consumed `topic`. */
  async topicConsumeByWho(addr: string, topic: string): Promise<string[]> {
    const response = await this.#call(
      addr,
      createRequest(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { extFields: { topic } }),
      `find consumers of "${topic}"`,
    );
    const list = record(parseJavaJson(response.body ?? "{}")).groupList;
    return Array.isArray(list) ? list.map(String) : [];
  }

  /** VIEW_BROKER_STATS_DATA (315): the per-minute item of a stats set (e.g. TOPIC_PUT_NUMS). */
  async brokerStats(addr: string, statsName: string, statsKey: string): Promise<BrokerStatsItem> {
    const response = await this.#call(
      addr,
      createRequest(RequestCode.VIEW_BROKER_STATS_DATA, { extFields: { statsName, statsKey } }),
      `read stats ${statsName} of "${statsKey}"`,
    );
    const minute = record(record(parseJavaJson(response.body ?? "{}")).statsMinute);
    return {
      sum: Number(minute.sum ?? 0),
      tps: Number(minute.tps ?? 0),
      avgpt: Number(minute.avgpt ?? 0),
    };
  }

  /** GET_MIN_OFFSET (31) or GET_MAX_OFFSET (30) of one queue. */
  async queueOffset(
    addr: string,
    queue: { topic: string; queueId: number },
    which: "min" | "max",
  ): Promise<number> {
    const code = which === "min" ? RequestCode.GET_MIN_OFFSET : RequestCode.GET_MAX_OFFSET;
    const response = await this.#call(
      addr,
      createRequest(code, {
        extFields: { topic: queue.topic, queueId: String(queue.queueId) },
      }),
      `read ${which} offset of "${queue.topic}" queue ${queue.queueId}`,
    );
    return Number(response.extFields?.offset ?? 0);
  }

  /**
   * PULL_MESSAGE (11) without suspending or committing: up to `maxNums` messages from
   * `offset`; an empty list when the queue has none there (PULL_NOT_FOUND, offset moved).
   */
  async pull(
    addr: string,
    queue: { topic: string; queueId: number; group: string },
    options: { offset: number; maxNums: number },
  ): Promise<MessageExt[]> {
    const request = createRequest(RequestCode.PULL_MESSAGE, {
      extFields: {
        consumerGroup: queue.group,
        topic: queue.topic,
        queueId: String(queue.queueId),
        queueOffset: String(options.offset),
        maxMsgNums: String(options.maxNums),
        sysFlag: "4",
        commitOffset: "0",
        suspendTimeoutMillis: "0",
        subscription: "*",
        subVersion: "0",
        expressionType: "TAG",
      },
    });
    const response = await this.#invoke(addr, request);
    if (response.code === ResponseCode.SUCCESS) {
      return decodeStoredMessages(response.body ?? new Uint8Array(), { uncompress: true });
    }
    if ([19, 20, 21].includes(response.code)) return [];
    throw new AdminResponseError(addr, response, `pull from "${queue.topic}"`);
  }

  /** Closes every connection. */
  close(): Promise<void> {
    return this.#client.close();
  }
}
