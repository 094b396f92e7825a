/**
 * ClientInstance: the one shared client per process and client id (Java
 * `MQClientInstance`). It owns the connection pool (through a
 * `ClientTransport`), the topic route cache refreshed from the name servers,
 * heartbeats to every broker, the periodic rebalance and offset persistence of
 * its consumers, and answers broker-initiated requests.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/mod.ts";
import type { SessionCredentials } from "../common/acl/mod.ts";
import { RequestCode, ResponseCode } from "../remoting/mod.ts";
import { Ticker } from "./_ticker.ts";
import { cleanOfflineBrokers, findBrokerInGroup } from "./_find_broker.ts";
import type { DirectConsumeResult } from "./_consume_directly.ts";
import type { FindBrokerResult } from "./_find_broker.ts";
import { MQClientAPI } from "./client_api.ts";
import { MQClientError } from "./errors.ts";
import type { ConsumerData } from "./heartbeat_data.ts";
import { decodeMessageViews } from "./message.ts";
import type { MessageView } from "./message.ts";
import { createRemotingTransport } from "./remoting_transport.ts";
import { signingTransport } from "./_signing_transport.ts";
import type { TopicRouteData } from "./topic_route.ts";
import type {
  ClientTransport,
  IncomingRequestHandler,
  WireRequest,
  WireResponse,
} from "./transport.ts";

const log = getLogger("client");

/** Producer group Java always reports in heartbeats. */
export const CLIENT_INNER_PRODUCER_GROUP = "CLIENT_INNER_PRODUCER";

/** Options shared by producers, consumers and the admin client. */
export interface ClientOptions {
  /** Name server addresses: `"ip:port;ip:port"` or a list. */
  namesrvAddr: string | readonly string[];
  /** IP this client reports in its client id (default `127.0.0.1`). */
  clientIp?: string;
  /** Instance name; clients with the same id share one instance (default: one per process). */
  instanceName?: string;
  /** Timeout of ordinary requests (default 3000 ms). */
  requestTimeoutMs?: number;
  /** Route refresh period (default 30 000 ms). */
  pollNameServerIntervalMs?: number;
  /** Heartbeat period (default 30 000 ms). */
  heartbeatBrokerIntervalMs?: number;
  /** Consumer offset persistence period (default 5000 ms). */
  persistConsumerOffsetIntervalMs?: number;
  /** Periodic rebalance (default 20 000 ms). */
  rebalanceIntervalMs?: number;
  /** ACL credentials: every request is signed (HmacSHA1, as Java's `AclClientRPCHook`). */
  credentials?: SessionCredentials;
  /** Connect with TLS (`tlsEnable=true`), trusting `caCerts` (PEM) besides the system roots. */
  tls?: { caCerts?: string[] };
  /** Builds the transport (tests pass fakes); default: TCP through `remoting/`. */
  transportFactory?: (onRequest: IncomingRequestHandler) => ClientTransport;
}

/** What a consumer exposes to the shared instance. */
export interface ConsumerRegistration {
  /** Heartbeat data of the group. */
  consumerData(): ConsumerData;
  /** Topics whose routes must stay fresh (retry topic included). */
  topics(): Iterable<string>;
  /** Recomputes the group's queue assignment. */
  doRebalance(): Promise<void>;
  /** Writes the group's offsets to their store. */
  persistOffsets(): Promise<void>;
  /** GET_CONSUMER_RUNNING_INFO answer (a JSON-able object). */
  runningInfo(): Record<string, unknown>;
  /** CONSUME_MESSAGE_DIRECTLY: runs the listener on one message. */
  consumeDirectly?(message: MessageView): Promise<DirectConsumeResult>;
}

/** What a producer exposes to the shared instance. */
export interface ProducerRegistration {
  /** Topics whose routes must stay fresh. */
  topics(): Iterable<string>;
  /** CHECK_TRANSACTION_STATE from the broker at `addr` about a half message of this group. */
  checkTransactionState?(
    addr: string,
    message: MessageView,
    header: Readonly<Record<string, string>>,
  ): Promise<void>;
}

let defaultInstanceName: string | undefined;

function processInstanceName(): string {
  defaultInstanceName ??= `${Deno.pid}#${Math.floor(performance.timeOrigin * 1000)}`;
  return defaultInstanceName;
}

function splitNamesrv(value: string | readonly string[]): string[] {
  const list = typeof value === "string" ? value.split(";") : [...value];
  return list.map((a) => a.trim()).filter((a) => a !== "");
}

const instances = new Map<string, ClientInstance>();

/** The shared client instance for `options` (created on first use); pair with `release()`. */
export function acquireClientInstance(options: ClientOptions): ClientInstance {
  const namesrv = splitNamesrv(options.namesrvAddr);
  if (namesrv.length === 0) {
    throw new MQClientError("Cannot start client: no name server address", "NO_NAME_SERVER");
  }
  const clientId = `${options.clientIp ?? "127.0.0.1"}@${
    options.instanceName ?? processInstanceName()
  }`;
  // Clients with other credentials or TLS settings never share connections.
  const security = `${options.credentials?.accessKey ?? ""}|${
    options.tls === undefined ? "" : JSON.stringify(options.tls.caCerts ?? [])
  }`;
  const key = `${clientId}|${namesrv.join(";")}|${security}`;
  const shared = instances.get(key);
  if (shared !== undefined && options.transportFactory === undefined) {
    shared.retain();
    return shared;
  }
  const instance = new ClientInstance(clientId, namesrv, options, () => {
    if (instances.get(key) === instance) instances.delete(key);
  });
  if (options.transportFactory === undefined) instances.set(key, instance);
  return instance;
}

/** The shared per-process client (Java `MQClientInstance`). */
export class ClientInstance {
  /** `ip@instanceName`, as brokers see this client. */
  readonly clientId: string;
  /** Request timeout for ordinary calls. */
  readonly requestTimeoutMs: number;
  readonly #namesrv: string[];
  #namesrvIndex = 0;
  readonly #api: MQClientAPI;
  readonly #routes = new Map<string, TopicRouteData>();
  readonly #brokerAddrs = new Map<string, Map<number, string>>();
  readonly #producers = new Map<string, ProducerRegistration>();
  readonly #consumers = new Map<string, ConsumerRegistration>();
  readonly #tickers: { route: Ticker; heartbeat: Ticker; rebalance: Ticker; persist: Ticker };
  readonly #onClosed: () => void;
  #refs = 1;
  #started = false;
  #closed = false;

  /** Use `acquireClientInstance`; this constructor is for the registry and tests. */
  constructor(clientId: string, namesrv: string[], options: ClientOptions, onClosed: () => void) {
    this.clientId = clientId;
    this.#namesrv = namesrv;
    this.#onClosed = onClosed;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 3000;
    const tls = options.tls;
    const factory = options.transportFactory ??
      ((onRequest) => createRemotingTransport(onRequest, tls === undefined ? {} : { tls }));
    const transport = factory((from, request) => this.#onRequest(from, request));
    this.#api = new MQClientAPI(
      options.credentials === undefined
        ? transport
        : signingTransport(transport, options.credentials),
    );
    this.#tickers = {
      route: new Ticker(
        "route refresh",
        () => this.#refreshRoutes(),
        options.pollNameServerIntervalMs ?? 30_000,
      ),
      heartbeat: new Ticker(
        "heartbeat",
        () => this.sendHeartbeatToAllBrokers(),
        options.heartbeatBrokerIntervalMs ?? 30_000,
      ),
      rebalance: new Ticker(
        "rebalance",
        () => this.#rebalanceAll(),
        options.rebalanceIntervalMs ?? 20_000,
      ),
      persist: new Ticker(
        "offset persist",
        () => this.#persistAll(),
        options.persistConsumerOffsetIntervalMs ?? 5000,
      ),
    };
  }

  /** Typed requests through this instance's connections. */
  get api(): MQClientAPI {
    return this.#api;
  }

  /** Counts one more user of a shared instance. */
  retain(): void {
    this.#refs++;
  }

  /** Starts the periodic tasks (idempotent). */
  start(): void {
    if (this.#closed) throw new MQClientError("Cannot start client: it is closed", "CLOSED");
    if (this.#started) return;
    this.#started = true;
    // Users send the first heartbeat and rebalance themselves when they start.
    for (const ticker of Object.values(this.#tickers)) ticker.start();
  }

  /** Registers a producer group; throws `MQClientError` when the group is already here. */
  registerProducer(group: string, registration: ProducerRegistration): void {
    if (this.#producers.has(group)) {
      throw new MQClientError(
        `Cannot register producer: group "${group}" is already registered in "${this.clientId}"`,
        "SEND_FAILED",
      );
    }
    this.#producers.set(group, registration);
  }

  /** Registers a consumer group; throws `MQClientError` when the group is already here. */
  registerConsumer(group: string, registration: ConsumerRegistration): void {
    if (this.#consumers.has(group)) {
      throw new MQClientError(
        `Cannot register consumer: group "${group}" is already registered in "${this.clientId}"`,
        "NOT_STARTED",
      );
    }
    this.#consumers.set(group, registration);
  }

  /** Removes a group and tells every broker (UNREGISTER_CLIENT). */
  async unregister(kind: "producer" | "consumer", group: string): Promise<void> {
    const table = kind === "producer" ? this.#producers : this.#consumers;
    if (!table.delete(group)) return;
    const header = kind === "producer" ? { producerGroup: group } : { consumerGroup: group };
    await Promise.all(
      this.#allBrokerAddrs(true).map(async (addr) => {
        try {
          await this.#api.unregisterClient(addr, this.clientId, {
            ...header,
            timeoutMs: this.requestTimeoutMs,
          });
        } catch (cause) {
          log.warn("Cannot unregister client", { addr, group, cause });
        }
      }),
    );
  }

  /** Drops one user; the last one closes the instance. */
  async release(): Promise<void> {
    this.#refs--;
    if (this.#refs > 0) return;
    await this.close();
  }

  /** Stops every task and closes every connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClosed();
    await Promise.all(Object.values(this.#tickers).map((t) => t.stop()));
    await this.#api.transport.close();
  }

  /** Whether `close()` ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Fetches `topic`'s route from a name server; `undefined` when it has none. */
  async updateTopicRoute(topic: string): Promise<TopicRouteData | undefined> {
    let lastError: unknown;
    for (let i = 0; i < this.#namesrv.length; i++) {
      const index = (this.#namesrvIndex + i) % this.#namesrv.length;
      const addr = this.#namesrv[index]!;
      try {
        const route = await this.#api.getTopicRoute(addr, topic, this.requestTimeoutMs);
        this.#namesrvIndex = index;
        if (route !== undefined) this.#storeRoute(topic, route);
        return route;
      } catch (cause) {
        lastError = cause;
      }
    }
    throw new MQClientError(
      `Cannot get route of topic "${topic}": no name server answered`,
      "NO_NAME_SERVER",
      lastError,
    );
  }

  /** The cached route of `topic`, fetched first when unknown. */
  async topicRoute(topic: string): Promise<TopicRouteData | undefined> {
    return this.#routes.get(topic) ?? await this.updateTopicRoute(topic);
  }

  /** The cached route, without fetching. */
  cachedRoute(topic: string): TopicRouteData | undefined {
    return this.#routes.get(topic);
  }

  #storeRoute(topic: string, route: TopicRouteData): void {
    this.#routes.set(topic, route);
    for (const b of route.brokerDatas) this.#brokerAddrs.set(b.brokerName, new Map(b.brokerAddrs));
  }

  /** Address of `brokerName`'s master (or, when `anyReplica`, of any known replica). */
  findBrokerAddr(brokerName: string, anyReplica = false): string | undefined {
    return findBrokerInGroup(this.#brokerAddrs.get(brokerName), 0, !anyReplica)?.addr;
  }

  /**
   * Java `findBrokerAddressInSubscribe`: the address of `brokerId` in group
   * `brokerName`; when missing and `brokerId` is a slave id, `brokerId + 1`;
   * then, unless `onlyThisBroker`, any address of the group (lowest id first),
   * so consumers fall back to a slave while the master is gone.
   */
  findBrokerAddressInSubscribe(
    brokerName: string,
    brokerId: number,
    onlyThisBroker: boolean,
  ): FindBrokerResult | undefined {
    return findBrokerInGroup(this.#brokerAddrs.get(brokerName), brokerId, onlyThisBroker);
  }

  /**
   * Where a consumer reads or commits offsets of `brokerName` (Java
   * `RemoteBrokerOffsetStore`): the master; when the cached route has none,
   * the route of `topic` is refreshed and any replica of the group answers.
   */
  async findOffsetBroker(brokerName: string, topic: string): Promise<FindBrokerResult> {
    let found = this.findBrokerAddressInSubscribe(brokerName, 0, true);
    if (found === undefined) {
      await this.updateTopicRoute(topic);
      found = this.findBrokerAddressInSubscribe(brokerName, 0, false);
    }
    if (found === undefined) throw noBroker(brokerName, topic);
    return found;
  }

  /** Like `findBrokerAddr` but refreshes `topic`'s route once when the broker is unknown. */
  async findBrokerAddrOrRefresh(brokerName: string, topic: string): Promise<string> {
    let addr = this.findBrokerAddr(brokerName);
    if (addr === undefined) {
      await this.updateTopicRoute(topic);
      addr = this.findBrokerAddr(brokerName);
    }
    if (addr === undefined) throw noBroker(brokerName, topic);
    return addr;
  }

  #allBrokerAddrs(withSlaves: boolean): string[] {
    const result = new Set<string>();
    for (const addrs of this.#brokerAddrs.values()) {
      for (const [id, addr] of addrs) if (id === 0 || withSlaves) result.add(addr);
    }
    return [...result];
  }

  /** HEART_BEAT to every known broker (slaves too when this client has consumers). */
  async sendHeartbeatToAllBrokers(): Promise<void> {
    // Java cleanOfflineBroker: forget addresses no route lists any more.
    cleanOfflineBrokers(this.#brokerAddrs, this.#routes.values());
    if (this.#producers.size === 0 && this.#consumers.size === 0) return;
    const data = {
      clientId: this.clientId,
      producerGroups: this.#producers.size === 0
        ? []
        : [...this.#producers.keys(), CLIENT_INNER_PRODUCER_GROUP],
      consumers: [...this.#consumers.values()].map((c) => c.consumerData()),
    };
    await Promise.all(
      this.#allBrokerAddrs(this.#consumers.size > 0).map(async (addr) => {
        try {
          await this.#api.sendHeartbeat(addr, data, this.requestTimeoutMs);
        } catch (cause) {
          log.warn("Cannot send heartbeat", { addr, cause });
        }
      }),
    );
  }

  /** Asks for a rebalance of every consumer as soon as possible. */
  rebalanceSoon(): void {
    this.#tickers.rebalance.poke();
  }

  /** Rebalances every consumer now and waits for it. */
  rebalanceNow(): Promise<void> {
    return this.#tickers.rebalance.runNow();
  }

  async #refreshRoutes(): Promise<void> {
    const topics = new Set<string>();
    for (const p of this.#producers.values()) for (const t of p.topics()) topics.add(t);
    for (const c of this.#consumers.values()) for (const t of c.topics()) topics.add(t);
    for (const topic of topics) {
      try {
        await this.updateTopicRoute(topic);
      } catch (cause) {
        log.warn("Cannot refresh route", { topic, cause });
      }
    }
  }

  async #rebalanceAll(): Promise<void> {
    for (const [group, consumer] of this.#consumers) {
      try {
        await consumer.doRebalance();
      } catch (cause) {
        log.warn("Rebalance failed", { group, cause });
      }
    }
  }

  async #persistAll(): Promise<void> {
    for (const consumer of this.#consumers.values()) await consumer.persistOffsets();
  }

  async #onRequest(from: string, request: WireRequest): Promise<WireResponse | undefined> {
    const group = request.extFields?.consumerGroup ?? "";
    switch (request.code) {
      case RequestCode.NOTIFY_CONSUMER_IDS_CHANGED:
        log.debug("Consumer ids changed", { from, group });
        this.rebalanceSoon();
        return undefined;
      case RequestCode.GET_CONSUMER_RUNNING_INFO: {
        const consumer = this.#consumers.get(group);
        if (consumer === undefined) {
          return notFound(`The Consumer Group <${group}> not exist in this consumer`);
        }
        const body = new TextEncoder().encode(JSON.stringify(consumer.runningInfo()));
        return { code: ResponseCode.SUCCESS, extFields: {}, body };
      }
      case RequestCode.CONSUME_MESSAGE_DIRECTLY:
        return await this.#consumeDirectly(group, request);
      case RequestCode.CHECK_TRANSACTION_STATE:
        this.#checkTransactionState(from, request);
        return undefined;
      default:
        return {
          code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
          remark: ` request type ${request.code} not supported`,
          extFields: {},
        };
    }
  }

  /** Hands a check to the producer of the half message's group (`PGROUP`), in the background. */
  #checkTransactionState(from: string, request: WireRequest): void {
    const header = request.extFields ?? {};
    let message: MessageView | undefined;
    try {
      message = request.body === undefined
        ? undefined
        : decodeMessageViews(request.body, header.bname ?? "")[0];
    } catch (cause) {
      log.warn("Cannot decode the message of a transaction check", { from, cause });
      return;
    }
    const group = message?.properties.get("PGROUP");
    const producer = group === undefined ? undefined : this.#producers.get(group);
    if (message === undefined || producer?.checkTransactionState === undefined) {
      log.warn("Transaction check for no local producer", { from, group });
      return;
    }
    producer.checkTransactionState(from, message, header).catch((cause) =>
      log.warn("Transaction check failed", { from, group, cause })
    );
  }

  async #consumeDirectly(group: string, request: WireRequest): Promise<WireResponse> {
    const consumer = this.#consumers.get(group);
    if (consumer?.consumeDirectly === undefined || request.body === undefined) {
      return notFound(`The Consumer Group <${group}> not exist in this consumer`);
    }
    const started = performance.now();
    const [message] = decodeMessageViews(request.body, request.extFields?.brokerName ?? "");
    if (message === undefined) return notFound("The request carries no message");
    const result = await consumer.consumeDirectly(message);
    const spentTimeMills = Math.round(performance.now() - started);
    const body = new TextEncoder().encode(JSON.stringify({ ...result, spentTimeMills }));
    return { code: ResponseCode.SUCCESS, extFields: {}, body };
  }
}

function notFound(remark: string): WireResponse {
  return { code: ResponseCode.SYSTEM_ERROR, remark, extFields: {} };
}

function noBroker(brokerName: string, topic: string): MQClientError {
  return new MQClientError(
    `Cannot find broker "${brokerName}" in the route of "${topic}"`,
    "NO_ROUTE",
  );
}
