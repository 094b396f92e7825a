/**
 * The name server's in-memory tables (Java `RouteInfoManager`): broker groups,
 * clusters, topic queue data, live brokers with their last update time and
 * data version, and filter servers. Pure: time comes from an injected Clock,
 * connections are opaque ids, nothing here touches the network.
 *
 * Runs on: main thread
 * @module
 */
import { type Clock, getLogger } from "../common/mod.ts";
import {
  type BrokerData,
  cloneBrokerData,
  type ClusterInfo,
  type DataVersion,
  MASTER_ID,
  PERM_READ,
  PERM_WRITE,
  type QueueData,
  sameDataVersion,
  type TopicConfig,
  type TopicConfigWrapper,
  type TopicList,
  type TopicRouteData,
} from "./route_data.ts";

const log = getLogger("namesrv");

/** Identifies the TCP connection a broker registered over. */
export type ConnectionId = string | number;

/** Options of `RouteInfoManager`. */
export interface RouteInfoManagerOptions {
  /** Source of time for liveness. */
  clock: Clock;
  /** Expiry of a broker that sent no `heartbeatTimeoutMillis` header, in ms (default 120000). */
  brokerChannelExpiredTimeMs?: number;
}

/** One REGISTER_BROKER, decoded. */
export interface RegisterBrokerInput {
  /** Cluster name. */
  clusterName: string;
  /** `ip:port` of the broker's remoting listener. */
  brokerAddr: string;
  /** Broker group name. */
  brokerName: string;
  /** 0 = master, > 0 = slave. */
  brokerId: number;
  /** `ip:port` of the broker's HA listener. */
  haServerAddr: string;
  /** The registering connection; its close drops the broker. */
  connectionId?: ConnectionId;
  /** Per-broker expiry from the header, in ms. */
  heartbeatTimeoutMillis?: number;
  /** 5.x header; absent for older brokers. */
  enableActingMaster?: boolean;
  /** Zone name from the `zoneName` header, if any. */
  zoneName?: string;
  /** Topic table and version; absent = no topics. */
  topicConfigWrapper?: TopicConfigWrapper;
  /** Filter server addresses; absent = unchanged. */
  filterServerList?: string[];
}

/** Outcome of a registration. */
export type RegisterBrokerResult =
  | { status: "registered"; masterAddr?: string; haServerAddr?: string }
  | { status: "ignored" }
  | { status: "rejected" };

/** Identity of a broker for UNREGISTER_BROKER. */
export interface UnregisterBrokerInput {
  /** Cluster name. */
  clusterName: string;
  /** `ip:port` of the broker. */
  brokerAddr: string;
  /** Broker group name. */
  brokerName: string;
  /** Broker id. */
  brokerId: number;
}

/** A live broker's liveness record. */
export interface BrokerLiveInfo {
  /** Cluster name. */
  clusterName: string;
  /** Broker group name. */
  brokerName: string;
  /** Broker id. */
  brokerId: number;
  /** `ip:port` of the broker. */
  brokerAddr: string;
  /** Monotonic ms of the last registration or heartbeat. */
  lastUpdateMs: number;
  /** Expiry in ms. */
  timeoutMs: number;
  /** Version of the last topic table received. */
  dataVersion: DataVersion;
  /** HA address from the last registration. */
  haServerAddr: string;
  /** Connection the broker registered over. */
  connectionId?: ConnectionId;
}

/** Which write-permission operation to apply to a broker group's queues. */
export type WritePermOperation = "wipe" | "add";

function liveKey(clusterName: string, brokerAddr: string): string {
  return `${clusterName}\u0000${brokerAddr}`;
}

/** Broker, cluster and topic tables of one name server. */
export class RouteInfoManager {
  readonly #clock: Clock;
  readonly #defaultTimeoutMs: number;
  readonly #topicQueueTable = new Map<string, Map<string, QueueData>>();
  readonly #brokerAddrTable = new Map<string, BrokerData>();
  readonly #clusterAddrTable = new Map<string, Set<string>>();
  readonly #brokerLiveTable = new Map<string, BrokerLiveInfo>();
  readonly #filterServerTable = new Map<string, string[]>();

  /** Creates empty tables. */
  constructor(options: RouteInfoManagerOptions) {
    this.#clock = options.clock;
    this.#defaultTimeoutMs = options.brokerChannelExpiredTimeMs ?? 120_000;
  }

  /** Registers (or refreshes) a broker and merges its topics (Java `registerBroker`). */
  registerBroker(input: RegisterBrokerInput): RegisterBrokerResult {
    const { clusterName, brokerAddr, brokerName, brokerId } = input;
    let registerFirst = false;
    let brokerData = this.#brokerAddrTable.get(brokerName);
    if (brokerData === undefined) {
      registerFirst = true;
      brokerData = { cluster: clusterName, brokerName, brokerAddrs: new Map() };
    }
    const addrs = brokerData.brokerAddrs;
    const topicCount = input.topicConfigWrapper?.topicConfigTable.size ?? 0;
    if (this.#isStaleStateVersion(input, addrs)) return { status: "ignored" };
    if (!addrs.has(brokerId) && topicCount === 1) {
      // The single-topic incremental form must follow a full registration (Java 5.x).
      log.warn("Rejected single-topic registration before a full one", { brokerName, brokerAddr });
      return { status: "rejected" };
    }
    this.#brokerAddrTable.set(brokerName, brokerData);
    addToSet(this.#clusterAddrTable, clusterName, brokerName);
    if (input.enableActingMaster !== undefined) {
      brokerData.enableActingMaster = input.enableActingMaster;
    }
    if (input.zoneName !== undefined) brokerData.zoneName = input.zoneName;
    // A slave promoted to master keeps its address under a new id: drop the old id first.
    for (const [id, addr] of addrs) if (addr === brokerAddr && id !== brokerId) addrs.delete(id);
    const oldAddr = addrs.get(brokerId);
    addrs.set(brokerId, brokerAddr);
    registerFirst ||= oldAddr === undefined;
    const wrapper = input.topicConfigWrapper;
    if (wrapper !== undefined && brokerId === MASTER_ID) {
      const changed = this.isBrokerTopicConfigChanged(clusterName, brokerAddr, wrapper.dataVersion);
      for (const config of wrapper.topicConfigTable.values()) {
        if (registerFirst || changed || !this.#hasQueueData(config.topicName, brokerName)) {
          this.#createAndUpdateQueueData(brokerName, config);
        }
      }
    }
    this.#putLiveInfo(input);
    return this.#registerResult(brokerId, brokerData, clusterName);
  }

  #isStaleStateVersion(input: RegisterBrokerInput, addrs: Map<number, string>): boolean {
    const oldAddr = addrs.get(input.brokerId);
    if (oldAddr === undefined || oldAddr === input.brokerAddr) return false;
    const old = this.#brokerLiveTable.get(liveKey(input.clusterName, oldAddr));
    const newState = input.topicConfigWrapper?.dataVersion.stateVersion ?? 0;
    if (old === undefined || (old.dataVersion.stateVersion ?? 0) <= newState) return false;
    log.warn("Ignored registration that conflicts with a newer one", {
      brokerName: input.brokerName,
      brokerAddr: input.brokerAddr,
      existing: oldAddr,
    });
    this.#brokerLiveTable.delete(liveKey(input.clusterName, input.brokerAddr));
    return true;
  }

  #putLiveInfo(input: RegisterBrokerInput): void {
    const key = liveKey(input.clusterName, input.brokerAddr);
    const info: BrokerLiveInfo = {
      clusterName: input.clusterName,
      brokerName: input.brokerName,
      brokerId: input.brokerId,
      brokerAddr: input.brokerAddr,
      lastUpdateMs: this.#clock.monotonic(),
      timeoutMs: input.heartbeatTimeoutMillis ?? this.#defaultTimeoutMs,
      dataVersion: input.topicConfigWrapper?.dataVersion ?? { counter: 0, timestamp: 0 },
      haServerAddr: input.haServerAddr,
    };
    if (input.connectionId !== undefined) info.connectionId = input.connectionId;
    if (!this.#brokerLiveTable.has(key)) {
      log.info("New broker registered", { brokerAddr: input.brokerAddr, ha: input.haServerAddr });
    }
    this.#brokerLiveTable.set(key, info);
    if (input.filterServerList !== undefined) {
      if (input.filterServerList.length === 0) this.#filterServerTable.delete(key);
      else this.#filterServerTable.set(key, [...input.filterServerList]);
    }
  }

  #registerResult(brokerId: number, data: BrokerData, cluster: string): RegisterBrokerResult {
    if (brokerId === MASTER_ID) return { status: "registered" };
    const masterAddr = data.brokerAddrs.get(MASTER_ID);
    if (masterAddr === undefined) return { status: "registered" };
    const master = this.#brokerLiveTable.get(liveKey(cluster, masterAddr));
    if (master === undefined) return { status: "registered" };
    return { status: "registered", masterAddr, haServerAddr: master.haServerAddr };
  }

  #hasQueueData(topic: string, brokerName: string): boolean {
    return this.#topicQueueTable.get(topic)?.has(brokerName) ?? false;
  }

  #createAndUpdateQueueData(brokerName: string, config: TopicConfig): void {
    const queueData: QueueData = {
      brokerName,
      readQueueNums: config.readQueueNums,
      writeQueueNums: config.writeQueueNums,
      perm: config.perm,
      topicSysFlag: config.topicSysFlag,
    };
    let byBroker = this.#topicQueueTable.get(config.topicName);
    if (byBroker === undefined) {
      byBroker = new Map();
      this.#topicQueueTable.set(config.topicName, byBroker);
      log.debug("New topic registered", { topic: config.topicName, brokerName });
    }
    byBroker.set(brokerName, queueData);
  }

  /** True when `dataVersion` differs from the one stored for the broker (or none is stored). */
  isBrokerTopicConfigChanged(
    clusterName: string,
    brokerAddr: string,
    dataVersion: DataVersion,
  ): boolean {
    const prev = this.queryBrokerDataVersion(clusterName, brokerAddr);
    return prev === undefined || !sameDataVersion(prev, dataVersion);
  }

  /** The data version stored for a live broker. */
  queryBrokerDataVersion(clusterName: string, brokerAddr: string): DataVersion | undefined {
    const info = this.#brokerLiveTable.get(liveKey(clusterName, brokerAddr));
    return info === undefined ? undefined : { ...info.dataVersion };
  }

  /** Refreshes a live broker's last update time; false when the broker is not registered. */
  updateBrokerInfoUpdateTimestamp(clusterName: string, brokerAddr: string): boolean {
    const info = this.#brokerLiveTable.get(liveKey(clusterName, brokerAddr));
    if (info === undefined) return false;
    info.lastUpdateMs = this.#clock.monotonic();
    return true;
  }

  /** Removes one broker and, with its group's last address, the group's routes. */
  unregisterBroker(input: UnregisterBrokerInput): boolean {
    const key = liveKey(input.clusterName, input.brokerAddr);
    let removed = this.#brokerLiveTable.delete(key);
    this.#filterServerTable.delete(key);
    const data = this.#brokerAddrTable.get(input.brokerName);
    if (data === undefined) return removed;
    for (const [id, addr] of data.brokerAddrs) {
      if (addr === input.brokerAddr) {
        data.brokerAddrs.delete(id);
        removed = true;
      }
    }
    if (data.brokerAddrs.size > 0) return removed;
    this.#brokerAddrTable.delete(input.brokerName);
    const names = this.#clusterAddrTable.get(data.cluster);
    names?.delete(input.brokerName);
    if (names !== undefined && names.size === 0) this.#clusterAddrTable.delete(data.cluster);
    this.#removeTopicsOfBrokerName(input.brokerName);
    log.info("Broker group removed", { brokerName: input.brokerName });
    return true;
  }

  #removeTopicsOfBrokerName(brokerName: string): void {
    for (const [topic, byBroker] of this.#topicQueueTable) {
      if (byBroker.delete(brokerName) && byBroker.size === 0) this.#topicQueueTable.delete(topic);
    }
  }

  /** Drops every broker registered over `connectionId`; returns their addresses. */
  onConnectionClose(connectionId: ConnectionId): string[] {
    const gone = [...this.#brokerLiveTable.values()].filter((i) => i.connectionId === connectionId);
    for (const info of gone) this.unregisterBroker(info);
    if (gone.length > 0) {
      log.info("Brokers dropped: connection closed", { brokers: gone.map((i) => i.brokerAddr) });
    }
    return gone.map((i) => i.brokerAddr);
  }

  /** Drops brokers silent longer than their timeout; returns what was dropped. */
  scanNotActiveBroker(): BrokerLiveInfo[] {
    const now = this.#clock.monotonic();
    const expired = [...this.#brokerLiveTable.values()].filter((i) =>
      i.lastUpdateMs + i.timeoutMs < now
    );
    for (const info of expired) {
      log.warn("Broker expired", {
        brokerAddr: info.brokerAddr,
        silentMs: now - info.lastUpdateMs,
      });
      this.unregisterBroker(info);
    }
    return expired;
  }

  /** The route of `topic`, or undefined when no live broker group serves it. */
  pickupTopicRouteData(topic: string): TopicRouteData | undefined {
    const byBroker = this.#topicQueueTable.get(topic);
    if (byBroker === undefined || byBroker.size === 0) return undefined;
    const route: TopicRouteData = {
      queueDatas: [...byBroker.values()].map((q) => ({ ...q })),
      brokerDatas: [],
      filterServerTable: new Map(),
    };
    for (const brokerName of byBroker.keys()) {
      const data = this.#brokerAddrTable.get(brokerName);
      if (data === undefined) continue;
      route.brokerDatas.push(cloneBrokerData(data));
      for (const addr of data.brokerAddrs.values()) {
        const servers = this.#filterServerTable.get(liveKey(data.cluster, addr));
        if (servers !== undefined) route.filterServerTable.set(addr, [...servers]);
      }
    }
    return route.brokerDatas.length > 0 ? route : undefined;
  }

  /** Adds queue data for already registered broker groups (REGISTER_TOPIC_IN_NAMESRV). */
  registerTopic(topic: string, queueDatas: QueueData[]): "registered" | "unknown-broker" {
    if (queueDatas.length === 0) return "registered";
    if (queueDatas.some((q) => !this.#brokerAddrTable.has(q.brokerName))) return "unknown-broker";
    let byBroker = this.#topicQueueTable.get(topic);
    if (byBroker === undefined) {
      byBroker = new Map();
      this.#topicQueueTable.set(topic, byBroker);
    }
    for (const q of queueDatas) byBroker.set(q.brokerName, { ...q });
    return "registered";
  }

  /** Every broker group and cluster. */
  getAllClusterInfo(): ClusterInfo {
    const brokerAddrTable = new Map<string, BrokerData>();
    for (const [name, data] of this.#brokerAddrTable) {
      brokerAddrTable.set(name, cloneBrokerData(data));
    }
    const clusterAddrTable = new Map<string, string[]>();
    for (const [cluster, names] of this.#clusterAddrTable) {
      clusterAddrTable.set(cluster, [...names]);
    }
    return { brokerAddrTable, clusterAddrTable };
  }

  /** Every topic with queue data. */
  getAllTopicList(): TopicList {
    return { topicList: [...this.#topicQueueTable.keys()] };
  }

  /** Topics served by any broker group of `cluster`. */
  getTopicsByCluster(cluster: string): TopicList {
    const names = this.#clusterAddrTable.get(cluster) ?? new Set<string>();
    const topicList: string[] = [];
    for (const [topic, byBroker] of this.#topicQueueTable) {
      if ([...names].some((name) => byBroker.has(name))) topicList.push(topic);
    }
    return { topicList };
  }

  /** Cluster names and broker group names (the topics named after them), plus one broker address. */
  getSystemTopicList(): TopicList {
    const result: TopicList = { topicList: [] };
    for (const [cluster, names] of this.#clusterAddrTable) {
      result.topicList.push(cluster, ...names);
    }
    for (const data of this.#brokerAddrTable.values()) {
      const addr = data.brokerAddrs.values().next();
      if (!addr.done) {
        result.brokerAddr = addr.value;
        break;
      }
    }
    return result;
  }

  /** Topics having any queue data whose sys flag matches `predicate`. */
  getTopicsBySysFlag(predicate: (topicSysFlag: number) => boolean): TopicList {
    const topicList: string[] = [];
    for (const [topic, byBroker] of this.#topicQueueTable) {
      const first = byBroker.values().next();
      if (!first.done && predicate(first.value.topicSysFlag)) topicList.push(topic);
    }
    return { topicList };
  }

  /** Deletes a topic, or only its queues on the broker groups of `clusterName`. */
  deleteTopic(topic: string, clusterName?: string): boolean {
    if (clusterName === undefined || clusterName === "") return this.#topicQueueTable.delete(topic);
    const byBroker = this.#topicQueueTable.get(topic);
    if (byBroker === undefined) return false;
    let removed = false;
    for (const name of this.#clusterAddrTable.get(clusterName) ?? []) {
      removed = byBroker.delete(name) || removed;
    }
    if (byBroker.size === 0) this.#topicQueueTable.delete(topic);
    return removed;
  }

  /** Clears or restores the write bit on every queue of a broker group; returns the topic count. */
  operateWritePermOfBroker(brokerName: string, operation: WritePermOperation): number {
    let count = 0;
    for (const byBroker of this.#topicQueueTable.values()) {
      const queueData = byBroker.get(brokerName);
      if (queueData === undefined) continue;
      queueData.perm = operation === "wipe" ? queueData.perm & ~PERM_WRITE : PERM_READ | PERM_WRITE;
      count++;
    }
    return count;
  }

  /** A copy of the live table, for tests and diagnostics. */
  liveBrokers(): BrokerLiveInfo[] {
    return [...this.#brokerLiveTable.values()].map((i) => ({ ...i }));
  }
}

function addToSet(table: Map<string, Set<string>>, key: string, value: string): void {
  let set = table.get(key);
  if (set === undefined) {
    set = new Set();
    table.set(key, set);
  }
  set.add(value);
}
