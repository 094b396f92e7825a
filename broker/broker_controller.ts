/**
 * The broker's composition root: builds the tables, the long-poll service and the remoting
 * servers (main port and VIP port = listenPort - 2), wires store wake-ups to parked pulls,
 * runs the periodic tasks (offset flush, client expiry, name-server registration) and shuts
 * everything down in Java's order: stop accepting, answer parked pulls, unregister, flush
 * offsets and configs, close the store (checkpoint).
 *
 * Runs on: main thread
 * @module
 */
import { type Clock, getLogger, type SocketAddress, systemClock } from "../common/mod.ts";
import {
  createRequest,
  createResponse,
  isOneway,
  type RemotingCommand,
  type RemotingConnection,
  RemotingServer,
  RequestCode,
  ResponseCode,
} from "../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "./broker_runtime.ts";
import { BrokerStats } from "./broker_stats.ts";
import { type BrokerSettings, defaultBrokerSettings } from "./broker_settings.ts";
import type { BrokerMessageStore } from "./message_store_port.ts";
import type { ClientChannel } from "./client_channel.ts";
import { TopicConfigManager } from "./topic_config_manager.ts";
import { SubscriptionGroupManager } from "./subscription_group_manager.ts";
import { ConsumerOffsetManager } from "./consumer_offset_manager.ts";
import { ConsumerManager } from "./consumer_manager.ts";
import { ProducerManager } from "./producer_manager.ts";
import { PullRequestHoldService } from "./pull_request_hold_service.ts";
import { NameServerRegistrar } from "./name_server_registrar.ts";
import { dispatchRequest } from "./request_dispatcher.ts";
import { parseMessageDelayLevel } from "../common/config/mod.ts";
import { ScheduleMessageService } from "./schedule_message_service.ts";
import { RebalanceLockManager } from "./rebalance_lock_manager.ts";
import { TransactionalMessageService } from "./transactional_message_service.ts";
import { TransactionCheckService } from "./transaction_check_service.ts";
import { SCHEDULE_TOPIC, TIMER_TOPIC } from "./message_transform.ts";
import { TimerMessageService } from "./timer_message_service.ts";
import { ConsumerFilterManager } from "./consumer_filter_manager.ts";
import { BrokerAcl, type ListenerOptions, listenerOptions } from "./broker_security.ts";
import { SEND_CODES, SendFlowControl, SendRefusal } from "./send_flow_control.ts";
import { withTurnClock } from "./_turn_clock.ts";

const log = getLogger("broker");

/** Client expiry scan period (Java ClientHousekeepingService: 10 s). */
const CLIENT_SCAN_INTERVAL_MS = 10_000;
/** Producers without heartbeat are dropped after this (fixed in Java). */
const PRODUCER_EXPIRED_MS = 120_000;

/** Settings of `BrokerController`. */
export interface BrokerControllerOptions {
  settings: BrokerSettings;
  store: BrokerMessageStore;
  clock?: Clock;
  /** Called with each successful REGISTER_BROKER answer's header fields (replication). */
  onRegistered?: (fields: Record<string, string>) => void;
}

/** One running broker. */
export class BrokerController implements BrokerRuntime {
  readonly settings: BrokerSettings;
  readonly clock: Clock;
  readonly store: BrokerMessageStore;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers = new ConsumerManager<ClientChannel>();
  readonly producers = new ProducerManager<ClientChannel>();
  readonly holds: PullRequestHoldService;
  /** The send queue (flow control, Java `BrokerFastFailure`). */
  readonly sendQueue: SendFlowControl;
  readonly stats: BrokerStats;
  readonly delayLevels: readonly number[];
  readonly schedule: ScheduleMessageService;
  readonly locks: RebalanceLockManager;
  readonly filters = new ConsumerFilterManager();
  readonly transactions: TransactionalMessageService;
  readonly transactionCheck: TransactionCheckService;
  readonly timers: TimerMessageService;
  storeHost: SocketAddress;
  readonly #channels = new WeakMap<RemotingConnection, ClientChannel>();
  readonly #servers: RemotingServer[] = [];
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #registrar: NameServerRegistrar | undefined;
  #registration: Promise<void> = Promise.resolve();
  readonly #onRegistered: BrokerControllerOptions["onRegistered"];
  #acl: BrokerAcl | undefined;
  #listener: ListenerOptions | undefined;
  #port = 0;
  #vipPort = 0;
  #inFlight = 0;
  #stopped = false;

  /** Builds the broker; `start()` loads the config files and listens. */
  constructor(options: BrokerControllerOptions) {
    this.settings = options.settings;
    this.clock = options.clock ?? systemClock;
    this.store = options.store;
    this.#onRegistered = options.onRegistered;
    const configDir = `${this.settings.storePathRootDir}/config`;
    this.topics = new TopicConfigManager({
      configDir,
      clock: this.clock,
      brokerClusterName: this.settings.brokerClusterName,
      brokerName: this.settings.brokerName,
      autoCreateTopicEnable: this.settings.autoCreateTopicEnable,
      defaultTopicQueueNums: this.settings.defaultTopicQueueNums,
      clusterTopicEnable: this.settings.clusterTopicEnable,
      brokerTopicEnable: this.settings.brokerTopicEnable,
      traceTopicEnable: this.settings.traceTopicEnable,
      msgTraceTopicName: this.settings.msgTraceTopicName,
      onChange: () => {
        if (this.#registrar !== undefined) this.#registration = this.#registrar.registerAll(true);
      },
    });
    this.groups = new SubscriptionGroupManager({
      configDir,
      clock: this.clock,
      autoCreateSubscriptionGroup: this.settings.autoCreateSubscriptionGroup,
    });
    this.offsets = new ConsumerOffsetManager({ configDir });
    this.holds = new PullRequestHoldService({ maxHeld: this.settings.maxSuspendedPulls });
    this.sendQueue = new SendFlowControl({
      maxRunning: this.settings.sendMessageMaxInFlight,
      capacity: this.settings.sendThreadPoolQueueCapacity,
      maxWaitMs: this.settings.waitTimeMillsInSendQueue,
      busyAfterMs: this.settings.osPageCacheBusyTimeOutMills,
      fastFailure: this.settings.brokerFastFailureEnable,
      clock: withTurnClock(this.clock),
    });
    const statsClock = withTurnClock(this.clock);
    this.stats = new BrokerStats(this.clock.now(), () => statsClock.now());
    this.storeHost = { host: this.settings.brokerIP1, port: this.settings.listenPort };
    this.delayLevels = parseMessageDelayLevel(this.settings.messageDelayLevel) ??
      parseMessageDelayLevel(defaultBrokerSettings().messageDelayLevel) ?? [];
    this.schedule = new ScheduleMessageService({
      store: this.store,
      clock: this.clock,
      delayLevels: this.delayLevels,
      configDir,
      flushIntervalMs: this.settings.flushDelayOffsetInterval,
      storeHost: () => this.storeHost,
    });
    this.locks = new RebalanceLockManager({ maxLiveMs: this.settings.rebalanceLockMaxLiveTime });
    this.transactions = new TransactionalMessageService(() => this);
    this.transactionCheck = new TransactionCheckService(() => this);
    this.timers = new TimerMessageService({
      store: this.store,
      clock: this.clock,
      dir: `${this.settings.storePathRootDir}/timerstore`,
      precisionMs: this.settings.timerPrecisionMs,
      rollMs: this.settings.timerRollWindowSlots * this.settings.timerPrecisionMs,
      storeHost: () => this.storeHost,
    });
  }

  /** The main remoting port actually bound. */
  get port(): number {
    return this.#port;
  }

  /** The VIP port actually bound (`listenPort - 2`, or a free port when `listenPort` is 0). */
  get vipPort(): number {
    return this.#vipPort;
  }

  /** `brokerIP1:port`, the address registered with name servers. */
  get address(): string {
    return `${this.settings.brokerIP1}:${this.#port}`;
  }

  /** Loads the tables, listens on both ports, registers with the name servers. */
  async start(): Promise<void> {
    this.#listener = listenerOptions(this.settings);
    this.#acl = new BrokerAcl(this.settings);
    this.topics.load();
    this.groups.load();
    this.offsets.load();
    this.schedule.load();
    await this.topics.persist();
    await this.groups.persist();
    this.store.onMessageArrived((topic, queueId, info) => {
      if (topic === SCHEDULE_TOPIC) this.schedule.notifyArrived(queueId);
      if (topic === TIMER_TOPIC) this.timers.notifyArrived();
      this.holds.notifyMessageArrived(topic, queueId, info);
    });
    const main = this.#newServer(this.settings.listenPort);
    await main.start();
    this.#port = main.port;
    const vipPortWanted = this.settings.listenPort === 0 ? 0 : this.settings.listenPort - 2;
    const vip = this.#newServer(vipPortWanted);
    await vip.start();
    this.#vipPort = vip.port;
    this.storeHost = { host: this.settings.brokerIP1, port: this.#port };
    if (this.settings.brokerRole !== "SLAVE") {
      this.schedule.start();
      this.transactionCheck.start();
      if (this.settings.timerWheelEnable) this.timers.start();
    }
    this.#timers.push(
      setInterval(() => void this.offsets.persist(), this.settings.flushConsumerOffsetInterval),
    );
    this.#timers.push(setInterval(() => this.#scanClients(), CLIENT_SCAN_INTERVAL_MS));
    const haPort = this.settings.haListenPort === 0 ? this.#port + 1 : this.settings.haListenPort;
    this.#registrar = new NameServerRegistrar({
      settings: this.settings,
      topics: this.topics,
      brokerAddr: this.address,
      haServerAddr: `${this.settings.brokerIP2}:${haPort}`,
      onRegistered: this.#onRegistered,
    });
    await this.#registrar.start();
  }

  /**
   * Settles once the registration triggered by the latest topic change has been handed to
   * every name server (Java registers a topic it creates before answering the request).
   */
  topicsRegistered(): Promise<void> {
    return this.#registration;
  }

  #newServer(port: number): RemotingServer {
    const server = new RemotingServer({
      ...this.#listener,
      hostname: this.settings.bindAddress,
      port,
      handler: (cmd, conn) => this.#handle(cmd, conn),
      onClose: (conn) => this.#connectionClosed(conn),
    });
    this.#servers.push(server);
    return server;
  }

  #channel(conn: RemotingConnection): ClientChannel {
    let channel = this.#channels.get(conn);
    if (channel === undefined) {
      channel = {
        id: conn.id,
        remoteAddress: conn.remoteAddress,
        send: (cmd: RemotingCommand) => void conn.send(cmd),
        invoke: (cmd: RemotingCommand, timeoutMs: number) => conn.request(cmd, timeoutMs),
        get closed() {
          return conn.isClosed;
        },
      };
      this.#channels.set(conn, channel);
    }
    return channel;
  }

  async #handle(
    request: RemotingCommand,
    conn: RemotingConnection,
  ): Promise<RemotingCommand | undefined> {
    const refused = this.#acl?.check(request, conn.remoteAddress);
    if (refused !== undefined) return refused ?? undefined;
    this.#inFlight++;
    try {
      return await this.dispatch({
        request,
        channel: this.#channel(conn),
        mayHold: !this.#stopped,
      });
    } finally {
      this.#inFlight--;
    }
  }

  /** Dispatches one request; sends go through the send queue (SYSTEM_BUSY when refused). */
  async dispatch(ctx: RequestContext): Promise<RemotingCommand | undefined> {
    if (!SEND_CODES.has(ctx.request.code)) return dispatchRequest(this, ctx);
    const outcome = await this.sendQueue.run(() => dispatchRequest(this, ctx));
    if (!(outcome instanceof SendRefusal)) return outcome;
    if (isOneway(ctx.request)) return undefined;
    return createResponse(ctx.request, ResponseCode.SYSTEM_BUSY, { remark: outcome.remark });
  }

  #connectionClosed(conn: RemotingConnection): void {
    const channel = this.#channels.get(conn);
    if (channel === undefined) return;
    this.producers.channelClosed(channel);
    for (const group of this.consumers.channelClosed(channel)) this.#notifyIfEnabled(group);
  }

  #scanClients(): void {
    const now = this.clock.now();
    const expired = this.consumers.scanExpired(now, this.settings.channelExpiredTimeout);
    for (const group of new Set(expired.map((e) => e.group))) this.#notifyIfEnabled(group);
    this.producers.scanExpired(now, PRODUCER_EXPIRED_MS);
  }

  #notifyIfEnabled(group: string): void {
    if (!this.settings.notifyConsumerIdsChangedEnable) return;
    if (this.groups.get(group)?.notifyConsumerIdsChangedEnable === false) return;
    this.notifyConsumerIdsChanged(group);
  }

  /** Sends NOTIFY_CONSUMER_IDS_CHANGED (one-way, JSON) to every consumer of `group`. */
  notifyConsumerIdsChanged(group: string): void {
    if (!this.settings.notifyConsumerIdsChangedEnable) return;
    const info = this.consumers.get(group);
    if (info === undefined) return;
    for (const channel of info.channels.keys()) {
      if (channel.closed) continue;
      channel.send(createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, {
        extFields: { consumerGroup: group },
        oneway: true,
        serializeType: "JSON",
      }));
    }
  }

  /** Re-runs a parked pull and sends its answer. */
  replay(request: RemotingCommand, channel: ClientChannel): void {
    if (channel.closed) return;
    this.#inFlight++;
    dispatchRequest(this, { request, channel, mayHold: false })
      .then((response) => {
        if (response !== undefined) channel.send(response);
      })
      .catch((error) => log.error("Long-poll re-run failed", { error }))
      .finally(() => this.#inFlight--);
  }

  /** Clean shutdown; safe to call twice. */
  async shutdown(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.holds.close();
    this.sendQueue.close();
    this.#acl?.close();
    for (let i = 0; i < 200 && this.#inFlight > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.#registrar?.close();
    await Promise.all(this.#servers.map((server) => server.close()));
    await this.transactionCheck.close();
    await this.schedule.close();
    await this.timers.close();
    this.offsets.persistSync();
    await this.topics.persist();
    await this.groups.persist();
    await this.store.close();
    log.info("Broker shut down", { brokerName: this.settings.brokerName, address: this.address });
  }
}
