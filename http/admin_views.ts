/**
 * Read views of one broker for the admin API, shaped as JSON from its `BrokerController` and
 * the queries of `broker/admin_queries.ts`: broker overview, topics with per-queue offsets,
 * consumer groups with per-queue lag, connections.
 *
 * Runs on: main thread
 * @module
 */
import {
  type BrokerController,
  groupQueueLag,
  knownGroupNames,
  topicQueueOffsets,
} from "../broker/mod.ts";

/** Static facts about the process the API runs in (given by the composition root). */
export interface BrokerInfo {
  /** Name server list the broker registers with. */
  namesrvAddr?: string;
  /** Version text shown on the dashboard. */
  version?: string;
}

/** One queue of a topic. */
export interface QueueView {
  queueId: number;
  minOffset: number;
  maxOffset: number;
}

/** One queue of a group's topic. */
export interface GroupQueueView {
  topic: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  lag: number;
}

/** The broker overview. */
export interface BrokerOverview {
  clusterName: string;
  brokerName: string;
  [key: string]: unknown;
}

/** The broker overview. */
export function brokerView(controller: BrokerController, info: BrokerInfo): BrokerOverview {
  const s = controller.settings;
  return {
    clusterName: s.brokerClusterName,
    brokerName: s.brokerName,
    brokerId: s.brokerId,
    brokerRole: s.brokerRole,
    flushDiskType: s.flushDiskType,
    address: controller.address,
    namesrvAddr: info.namesrvAddr ?? s.namesrvAddr ?? "",
    version: info.version ?? "V4_9_4",
    bootTimestamp: controller.stats.bootTimestamp,
    uptimeMs: controller.clock.now() - controller.stats.bootTimestamp,
    putMessageCount: controller.stats.putMessageCount,
    getMessageCount: controller.stats.getMessageCount,
    commitLogMaxOffset: controller.store.maxPhysicalOffset(),
    topicCount: controller.topics.all().length,
    groupCount: controller.groups.all().length,
    consumerGroupsOnline: controller.consumers.groups().length,
    producerGroupsOnline: controller.producers.groups().length,
    storePathRootDir: s.storePathRootDir,
  };
}

/** Per-queue min/max offsets of `topic` (undefined when the topic does not exist). */
export function topicQueues(
  controller: BrokerController,
  topic: string,
): Promise<QueueView[] | undefined> {
  return topicQueueOffsets(controller, topic);
}

/** Every topic with its config and message count (sum of max offsets). */
export async function topicsView(controller: BrokerController): Promise<Record<string, unknown>[]> {
  const result = [];
  for (
    const config of controller.topics.all().sort((a, b) => a.topicName.localeCompare(b.topicName))
  ) {
    const queues = await topicQueues(controller, config.topicName) ?? [];
    result.push({
      ...config,
      system: controller.topics.isSystemTopic(config.topicName),
      messages: queues.reduce((sum, q) => sum + q.maxOffset - q.minOffset, 0),
      maxOffsetTotal: queues.reduce((sum, q) => sum + q.maxOffset, 0),
      consumerGroups: controller.offsets.groupsOfTopic(config.topicName),
    });
  }
  return result;
}

/** Per-queue offsets and lag of `group` on every topic it has offsets for or subscribes to. */
export function groupQueues(
  controller: BrokerController,
  group: string,
): Promise<GroupQueueView[]> {
  return groupQueueLag(controller, group);
}

/** Names of every group: configured, online, or with stored offsets. */
export function groupNames(controller: BrokerController): string[] {
  return knownGroupNames(controller);
}

/** Every group with online consumer count and total lag. */
export async function groupsView(controller: BrokerController): Promise<Record<string, unknown>[]> {
  const result = [];
  for (const group of groupNames(controller)) {
    const queues = await groupQueues(controller, group);
    const online = controller.consumers.get(group);
    result.push({
      groupName: group,
      config: controller.groups.get(group) ?? null,
      onlineConsumers: online?.channels.size ?? 0,
      consumeType: online?.consumeType ?? null,
      messageModel: online?.messageModel ?? null,
      topics: [...new Set(queues.map((q) => q.topic))],
      lag: queues.reduce((sum, q) => sum + q.lag, 0),
    });
  }
  return result;
}

/** One group in detail: config, connections, subscriptions, per-queue lag. */
export async function groupDetail(
  controller: BrokerController,
  group: string,
): Promise<Record<string, unknown>> {
  const online = controller.consumers.get(group);
  const queues = await groupQueues(controller, group);
  return {
    groupName: group,
    config: controller.groups.get(group) ?? null,
    connections: [...(online?.channels.values() ?? [])].map((c) => ({
      clientId: c.clientId,
      clientAddr: c.remoteAddress,
      language: c.language,
      version: c.version,
    })),
    subscriptions: [...(online?.subscriptions.values() ?? [])].map((s) => ({
      topic: s.topic,
      subString: s.subString,
    })),
    queues,
    lag: queues.reduce((sum, q) => sum + q.lag, 0),
  };
}
