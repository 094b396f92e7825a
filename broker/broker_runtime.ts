/**
 * Everything a request handler may use, as one interface implemented by `BrokerController`
 * (so handlers do not import the controller that imports them).
 *
 * Runs on: main thread
 * @module
 */
import type { Clock, SocketAddress } from "../common/mod.ts";
import type { RemotingCommand } from "../remoting/mod.ts";
import type { BrokerSettings } from "./broker_settings.ts";
import type { BrokerMessageStore } from "./message_store_port.ts";
import type { TopicConfigManager } from "./topic_config_manager.ts";
import type { SubscriptionGroupManager } from "./subscription_group_manager.ts";
import type { ConsumerOffsetManager } from "./consumer_offset_manager.ts";
import type { ConsumerManager } from "./consumer_manager.ts";
import type { BrokerStats } from "./broker_stats.ts";
import type { ProducerManager } from "./producer_manager.ts";
import type { PullRequestHoldService } from "./pull_request_hold_service.ts";
import type { ClientChannel } from "./client_channel.ts";
import type { ScheduleMessageService } from "./schedule_message_service.ts";
import type { RebalanceLockManager } from "./rebalance_lock_manager.ts";
import type { TransactionalMessageService } from "./transactional_message_service.ts";
import type { ConsumerFilterManager } from "./consumer_filter_manager.ts";

export type { BrokerStats } from "./broker_stats.ts";

/** The broker as handlers see it. */
export interface BrokerRuntime {
  readonly settings: BrokerSettings;
  readonly clock: Clock;
  readonly store: BrokerMessageStore;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager<ClientChannel>;
  readonly producers: ProducerManager<ClientChannel>;
  readonly holds: PullRequestHoldService;
  readonly stats: BrokerStats;
  /** Delay of each `messageDelayLevel` level in ms (index 0 = level 1). */
  readonly delayLevels: readonly number[];
  /** Delivery of delay-level messages. */
  readonly schedule: ScheduleMessageService;
  /** Ordered-consumption queue locks. */
  readonly locks: RebalanceLockManager;
  /** SQL92 subscription filters registered by heartbeats. */
  readonly filters: ConsumerFilterManager;
  /** Half messages, commit/rollback and check-backs. */
  readonly transactions: TransactionalMessageService;
  /** `brokerIP1:listenPort` as written into messages. */
  readonly storeHost: SocketAddress;
  /** Sends NOTIFY_CONSUMER_IDS_CHANGED to every consumer channel of `group`. */
  notifyConsumerIdsChanged(group: string): void;
  /** Settles once the latest topic change has been sent to the name servers. */
  topicsRegistered(): Promise<void>;
  /** Runs a request again later (long-poll wake-up) and sends its answer on the channel. */
  replay(request: RemotingCommand, channel: ClientChannel): void;
}

/** One request being handled. */
export interface RequestContext {
  readonly request: RemotingCommand;
  readonly channel: ClientChannel;
  /** False when the request is a long-poll re-run that may not be parked again. */
  readonly mayHold: boolean;
}

/** A request handler: the response, or `undefined` for none (one-way, parked pull). */
export type RequestHandler = (
  rt: BrokerRuntime,
  ctx: RequestContext,
) => Promise<RemotingCommand | undefined> | RemotingCommand | undefined;
