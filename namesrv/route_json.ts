/**
 * JSON bodies the name server answers, written the way Java's fastjson writes
 * them: compact, bean properties in alphabetical order, null properties
 * omitted. Route data goes out in two forms (remoting-protocol.md section 7):
 * standard JSON with quoted, sorted integer keys and non-ASCII escaped (clients
 * of version >= 401 or `acceptStandardJsonOnly`), or fastjson's default form
 * with bare integer keys in `brokerAddrs` (older clients, and cluster info always).
 *
 * Runs on: main thread
 * @module
 */
import type {
  BrokerData,
  ClusterInfo,
  DataVersion,
  QueueData,
  TopicList,
  TopicRouteData,
} from "./route_data.ts";

/** Options of `encodeTopicRouteData`. */
export interface RouteJsonOptions {
  /** Standard JSON (quoted integer keys, sorted maps, `\uXXXX` for non-ASCII). */
  standardJson: boolean;
  /**
   * Also write the pre-4.9 spelling `topicSynFlag` beside `topicSysFlag` (default
   * true): Java clients up to 4.8 and the Go client read only the old name.
   */
  topicSynFlag?: boolean;
}

const encoder = new TextEncoder();

function str(value: string, asciiOnly: boolean): string {
  const text = JSON.stringify(value);
  if (!asciiOnly) return text;
  return text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function brokerDataJson(data: BrokerData, standard: boolean): string {
  const ids = [...data.brokerAddrs.keys()].sort((a, b) => a - b);
  const addrs = ids.map((id) => {
    const key = standard ? `"${id}"` : String(id);
    return `${key}:${str(data.brokerAddrs.get(id) ?? "", standard)}`;
  });
  let json = `{"brokerAddrs":{${addrs.join(",")}},"brokerName":${str(data.brokerName, standard)}` +
    `,"cluster":${str(data.cluster, standard)}`;
  if (data.enableActingMaster !== undefined) {
    json += `,"enableActingMaster":${data.enableActingMaster}`;
  }
  if (data.zoneName !== undefined) json += `,"zoneName":${str(data.zoneName, standard)}`;
  return `${json}}`;
}

function queueDataJson(q: QueueData, standard: boolean, synFlag: boolean): string {
  const syn = synFlag ? `"topicSynFlag":${q.topicSysFlag},` : "";
  return `{"brokerName":${str(q.brokerName, standard)},"perm":${q.perm}` +
    `,"readQueueNums":${q.readQueueNums},${syn}"topicSysFlag":${q.topicSysFlag}` +
    `,"writeQueueNums":${q.writeQueueNums}}`;
}

function filterServerJson(table: Map<string, string[]>, standard: boolean): string {
  const keys = [...table.keys()];
  if (standard) keys.sort();
  const entries = keys.map((addr) => {
    const list = (table.get(addr) ?? []).map((s) => str(s, standard)).join(",");
    return `${str(addr, standard)}:[${list}]`;
  });
  return `{${entries.join(",")}}`;
}

/** The body of a GET_ROUTEINFO_BY_TOPIC answer. */
export function topicRouteDataJson(route: TopicRouteData, options: RouteJsonOptions): string {
  const standard = options.standardJson;
  const synFlag = options.topicSynFlag ?? true;
  const brokers = route.brokerDatas.map((b) => brokerDataJson(b, standard)).join(",");
  const queues = route.queueDatas.map((q) => queueDataJson(q, standard, synFlag)).join(",");
  let json = `{"brokerDatas":[${brokers}],"filterServerTable":` +
    filterServerJson(route.filterServerTable, standard);
  if (route.orderTopicConf !== undefined) {
    json += `,"orderTopicConf":${str(route.orderTopicConf, standard)}`;
  }
  return `${json},"queueDatas":[${queues}]}`;
}

/** `topicRouteDataJson` as UTF-8 bytes. */
export function encodeTopicRouteData(route: TopicRouteData, options: RouteJsonOptions): Uint8Array {
  return encoder.encode(topicRouteDataJson(route, options));
}

/** The body of a GET_BROKER_CLUSTER_INFO answer: always bare integer keys, as Java writes it. */
export function encodeClusterInfo(info: ClusterInfo): Uint8Array {
  const brokers = [...info.brokerAddrTable].map(([name, data]) =>
    `${str(name, false)}:${brokerDataJson(data, false)}`
  );
  const clusters = [...info.clusterAddrTable].map(([cluster, names]) =>
    `${str(cluster, false)}:[${names.map((n) => str(n, false)).join(",")}]`
  );
  return encoder.encode(
    `{"brokerAddrTable":{${brokers.join(",")}},"clusterAddrTable":{${clusters.join(",")}}}`,
  );
}

/** The body of a topic-list answer: `{"brokerAddr":...,"topicList":[...]}`. */
export function encodeTopicList(list: TopicList): Uint8Array {
  const topics = list.topicList.map((t) => str(t, false)).join(",");
  const addr = list.brokerAddr === undefined ? "" : `"brokerAddr":${str(list.brokerAddr, false)},`;
  return encoder.encode(`{${addr}"topicList":[${topics}]}`);
}

/** The body of GET_KVLIST_BY_NAMESPACE: `{"table":{...}}`. */
export function encodeKvTable(table: Map<string, string>): Uint8Array {
  const entries = [...table].map(([k, v]) => `${str(k, false)}:${str(v, false)}`);
  return encoder.encode(`{"table":{${entries.join(",")}}}`);
}

/** A DataVersion as Java writes it (`stateVersion` only when the broker sent one). */
export function encodeDataVersion(version: DataVersion): Uint8Array {
  const state = version.stateVersion === undefined ? "" : `"stateVersion":${version.stateVersion},`;
  return encoder.encode(`{"counter":${version.counter},${state}"timestamp":${version.timestamp}}`);
}
