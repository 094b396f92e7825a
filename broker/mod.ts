/**
 * The broker: request handlers over the message store, long polling, topic/group/offset
 * tables persisted as JSON, and registration with name servers.
 *
 * ```ts ignore
 * import { startBroker } from "./mod.ts";
 * const broker = await startBroker({ config: { listenPort: 0, bindAddress: "127.0.0.1" }, tempStore: true });
 * await broker.close();
 * ```
 *
 * @module
 */
export { settingsFromConfig, startBroker } from "./start_broker.ts";
export type { RunningBroker, StartBrokerOptions } from "./start_broker.ts";
export { BrokerController } from "./broker_controller.ts";
export type { BrokerControllerOptions } from "./broker_controller.ts";
export { defaultBrokerSettings } from "./broker_settings.ts";
export type { BrokerSettings } from "./broker_settings.ts";
export { BROKER_HANDLERS, dispatchRequest } from "./request_dispatcher.ts";
export { StoreAdapter } from "./store_adapter.ts";
export type { StoreAdapterOptions } from "./store_adapter.ts";
export { storeConfigFromSettings } from "./store_settings.ts";
export type {
  BrokerMessageStore,
  GetMessageOptions,
  GetResult,
  GetStatus,
  MessageArrivedListener,
  PutResult,
  PutStatus,
  QueryResult,
} from "./message_store_port.ts";
export type { TopicConfig } from "./topic_config_manager.ts";
export {
  findMessageById,
  findMessagesByKey,
  findMessagesByTime,
  groupQueueLag,
  knownGroupNames,
  topicQueueOffsets,
} from "./admin_queries.ts";
export type { AdminQueryRuntime, QueueLag, QueueOffsets, SearchWindow } from "./admin_queries.ts";
export type { BrokerStats, GroupTraffic, TrafficCount } from "./broker_stats.ts";
export type { ReplicaLink, StoreMetrics } from "./store_metrics.ts";
export type { SubscriptionGroupConfig } from "./subscription_group_manager.ts";
