/**
 * The name server's route model: topic configs as brokers report them, queue
 * data per broker group, broker groups with their addresses, data versions,
 * and the structures answered to clients (route data, cluster info, topic
 * lists). Field names are exactly Java's bean property names.
 *
 * Runs on: main thread
 * @module
 */

/** Permission bit: the queues of a broker group may be written (Java `PermName.PERM_WRITE`). */
export const PERM_WRITE = 2;
/** Permission bit: the queues of a broker group may be read (Java `PermName.PERM_READ`). */
export const PERM_READ = 4;
/** Topic sys flag bit: a unit topic (Java `TopicSysFlag.FLAG_UNIT`). */
export const TOPIC_SYS_FLAG_UNIT = 1;
/** Topic sys flag bit: a topic with unit subscriptions (Java `TopicSysFlag.FLAG_UNIT_SUB`). */
export const TOPIC_SYS_FLAG_UNIT_SUB = 2;
/** Broker id of a master (Java `MixAll.MASTER_ID`). */
export const MASTER_ID = 0;
/** KV namespace holding `brokerName:queueNum;...` per ordered topic. */
export const NAMESPACE_ORDER_TOPIC_CONFIG = "ORDER_TOPIC_CONFIG";

/** A broker's configuration version; a changed version means its topic table changed. */
export interface DataVersion {
  /** Incremented by the broker on each change. */
  counter: number;
  /** Milliseconds since the epoch of the last change. */
  timestamp: number;
  /** 5.x only: state version used to resolve two addresses claiming one broker id. */
  stateVersion?: number;
}

/** One topic as a broker reports it in REGISTER_BROKER (the fields the name server uses). */
export interface TopicConfig {
  /** Topic name. */
  topicName: string;
  /** Number of readable queues. */
  readQueueNums: number;
  /** Number of writable queues. */
  writeQueueNums: number;
  /** Permission bits (2 write, 4 read, 1 inherit). */
  perm: number;
  /** Topic sys flag bits (unit / unit-sub). */
  topicSysFlag: number;
}

/** The topic table and version a broker sends in REGISTER_BROKER. */
export interface TopicConfigWrapper {
  /** Version of `topicConfigTable`. */
  dataVersion: DataVersion;
  /** Topic name to config, in wire order. */
  topicConfigTable: Map<string, TopicConfig>;
}

/** The queues one broker group serves for one topic. */
export interface QueueData {
  /** Broker group name. */
  brokerName: string;
  /** Number of readable queues. */
  readQueueNums: number;
  /** Number of writable queues. */
  writeQueueNums: number;
  /** Permission bits. */
  perm: number;
  /** Topic sys flag bits. */
  topicSysFlag: number;
}

/** A broker group: its cluster, name and the address of each member by broker id. */
export interface BrokerData {
  /** Cluster name. */
  cluster: string;
  /** Broker group name. */
  brokerName: string;
  /** Broker id (0 = master) to `ip:port`. */
  brokerAddrs: Map<number, string>;
  /** 5.x brokers only (absent for brokers that do not send the header). */
  enableActingMaster?: boolean;
  /** Zone name, when a broker sent one. */
  zoneName?: string;
}

/** What GET_ROUTEINFO_BY_TOPIC answers. */
export interface TopicRouteData {
  /** `brokerName:queueNum;...` from the KV store, when order messages are enabled. */
  orderTopicConf?: string;
  /** One entry per broker group serving the topic. */
  queueDatas: QueueData[];
  /** The broker groups named in `queueDatas`. */
  brokerDatas: BrokerData[];
  /** Broker address to its filter servers (usually empty). */
  filterServerTable: Map<string, string[]>;
}

/** What GET_BROKER_CLUSTER_INFO answers. */
export interface ClusterInfo {
  /** Broker group name to its data. */
  brokerAddrTable: Map<string, BrokerData>;
  /** Cluster name to the broker group names in it. */
  clusterAddrTable: Map<string, string[]>;
}

/** A list of topic names, plus a broker address for the system-topic list. */
export interface TopicList {
  /** Topic names. */
  topicList: string[];
  /** An address of one broker (GET_SYSTEM_TOPIC_LIST_FROM_NS only). */
  brokerAddr?: string;
}

/** True when two data versions are the same (Java `DataVersion.equals`). */
export function sameDataVersion(a: DataVersion, b: DataVersion): boolean {
  return a.counter === b.counter && a.timestamp === b.timestamp &&
    (a.stateVersion ?? 0) === (b.stateVersion ?? 0);
}

/** Copies a broker group so callers cannot change the manager's tables. */
export function cloneBrokerData(data: BrokerData): BrokerData {
  const copy: BrokerData = {
    cluster: data.cluster,
    brokerName: data.brokerName,
    brokerAddrs: new Map(data.brokerAddrs),
  };
  if (data.enableActingMaster !== undefined) copy.enableActingMaster = data.enableActingMaster;
  if (data.zoneName !== undefined) copy.zoneName = data.zoneName;
  return copy;
}
