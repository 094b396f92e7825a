/**
 * Name server: broker registration, topic routes, liveness expiry and the
 * KV config store, answering every name-server request of the RocketMQ
 * remoting protocol (remoting-protocol.md section 11).
 *
 * `startNameServer` runs one in-process; `namesrv/main.ts` is the
 * `mqnamesrv` process around it.
 *
 * ```ts ignore
 * import { startNameServer } from "./mod.ts";
 * const namesrv = await startNameServer({ overrides: { listenPort: "0", kvConfigPath: "" } });
 * console.log(namesrv.address);
 * await namesrv.close();
 * ```
 *
 * Runs on: main thread
 * @module
 */
export { startNameServer } from "./start_name_server.ts";
export type { RunningNameServer, StartNameServerOptions } from "./start_name_server.ts";
export { NamesrvServer } from "./namesrv_server.ts";
export type { NamesrvServerOptions } from "./namesrv_server.ts";
export { CONFIG_BLACK_LIST, NamesrvState } from "./namesrv_state.ts";
export type { NamesrvStateOptions } from "./namesrv_state.ts";
export { NAMESRV_HANDLERS, NamesrvRequestProcessor } from "./namesrv_request_processor.ts";
export { RouteInfoManager } from "./route_info_manager.ts";
export type {
  BrokerLiveInfo,
  ConnectionId,
  RegisterBrokerInput,
  RegisterBrokerResult,
  RouteInfoManagerOptions,
  UnregisterBrokerInput,
  WritePermOperation,
} from "./route_info_manager.ts";
export { KvConfigManager } from "./kv_config_manager.ts";
export type { KvConfigManagerOptions } from "./kv_config_manager.ts";
export {
  MASTER_ID,
  NAMESPACE_ORDER_TOPIC_CONFIG,
  PERM_READ,
  PERM_WRITE,
  TOPIC_SYS_FLAG_UNIT,
  TOPIC_SYS_FLAG_UNIT_SUB,
} from "./route_data.ts";
export type {
  BrokerData,
  ClusterInfo,
  DataVersion,
  QueueData,
  TopicConfig,
  TopicConfigWrapper,
  TopicList,
  TopicRouteData,
} from "./route_data.ts";
export {
  encodeClusterInfo,
  encodeDataVersion,
  encodeKvTable,
  encodeTopicList,
  encodeTopicRouteData,
  topicRouteDataJson,
} from "./route_json.ts";
export type { RouteJsonOptions } from "./route_json.ts";
export { decodeRegisterBrokerBody } from "./register_broker_body.ts";
export type { DecodeRegisterBodyOptions, RegisterBrokerBody } from "./register_broker_body.ts";
export type {
  NamesrvContext,
  NamesrvSettings,
  RequestSource,
  UpdateConfigResult,
} from "./_context.ts";
