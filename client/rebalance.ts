/**
 * Rebalance of one consumer group (Java `RebalanceImpl`): for every
 * subscribed topic, the readable queues from the route and, in clustering
 * mode, the group's consumer ids from a broker, both sorted, then the
 * strategy's share for this client; queues that left are removed, new ones
 * added. Shared by the push and the lite pull consumer.
 *
 * Runs on: main thread
 * @module
 */
import { defaultRandom, getLogger } from "../common/mod.ts";
import type { AllocateStrategy } from "./allocate_strategy.ts";
import type { ClientInstance } from "./client_instance.ts";
import type { MessageModel } from "./heartbeat_data.ts";
import { compareMessageQueues, messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";
import { subscribeQueues } from "./topic_route.ts";

const log = getLogger("client.rebalance");

/** What a consumer gives the rebalance. */
export interface RebalanceHost {
  readonly instance: ClientInstance;
  readonly group: string;
  readonly messageModel: MessageModel;
  readonly strategy: AllocateStrategy;
  /** Topics subscribed (retry topic included for clustering push consumers). */
  topics(): Iterable<string>;
  /** Queues currently owned. */
  ownedQueues(): Iterable<MessageQueue>;
  /** Starts consuming `mq`; false when it could not (retried at the next rebalance). */
  addQueue(mq: MessageQueue): Promise<boolean>;
  /** Stops consuming `mq` and persists its offset. */
  removeQueue(mq: MessageQueue): Promise<void>;
}

/** The queues of `topic` this client should own now; `undefined` when that cannot be known. */
export async function allocateTopic(
  host: RebalanceHost,
  topic: string,
): Promise<MessageQueue[] | undefined> {
  const instance = host.instance;
  const route = instance.cachedRoute(topic) ?? await instance.updateTopicRoute(topic);
  if (route === undefined) return undefined;
  const mqAll = subscribeQueues(topic, route).sort(compareMessageQueues);
  if (host.messageModel === "BROADCASTING") return mqAll;
  const brokers = route.brokerDatas.filter((b) => b.brokerAddrs.size > 0);
  const broker = brokers[defaultRandom.nextInt(Math.max(1, brokers.length))];
  const addr = broker?.brokerAddrs.get(0) ?? broker?.brokerAddrs.values().next().value;
  if (addr === undefined) return undefined;
  const cidAll = (await instance.api.getConsumerIdList(addr, host.group, instance.requestTimeoutMs))
    .sort();
  if (!cidAll.includes(instance.clientId)) {
    log.debug("This client is not yet in the group's consumer list", { group: host.group, topic });
  }
  return host.strategy.allocate({
    consumerGroup: host.group,
    currentCid: instance.clientId,
    mqAll,
    cidAll,
  });
}

/** Runs one rebalance of `host`; topics whose assignment is unknown keep their queues. */
export async function rebalanceGroup(host: RebalanceHost): Promise<void> {
  const topics = new Set(host.topics());
  const owned = [...host.ownedQueues()];
  for (const mq of owned) if (!topics.has(mq.topic)) await host.removeQueue(mq);
  for (const topic of topics) {
    let wanted: MessageQueue[] | undefined;
    try {
      wanted = await allocateTopic(host, topic);
    } catch (cause) {
      log.warn("Cannot allocate queues", { group: host.group, topic, cause });
    }
    if (wanted === undefined) continue;
    const wantedKeys = new Set(wanted.map(messageQueueKey));
    const ownedNow = [...host.ownedQueues()].filter((mq) => mq.topic === topic);
    const ownedKeys = new Set(ownedNow.map(messageQueueKey));
    for (const mq of ownedNow) if (!wantedKeys.has(messageQueueKey(mq))) await host.removeQueue(mq);
    // New queues start in parallel: each needs an offset lookup on its broker.
    await Promise.all(
      wanted.filter((mq) => !ownedKeys.has(messageQueueKey(mq))).map((mq) =>
        addQueueSafely(host, mq)
      ),
    );
  }
}

/** Adds `mq`, logging (not throwing) a failure: the next rebalance tries again. */
export async function addQueueSafely(
  host: Pick<RebalanceHost, "group" | "addQueue">,
  mq: MessageQueue,
): Promise<void> {
  try {
    if (await host.addQueue(mq)) return;
    log.warn("Cannot start queue yet", { group: host.group, queue: messageQueueKey(mq) });
  } catch (cause) {
    log.warn("Cannot start queue yet", { group: host.group, queue: messageQueueKey(mq), cause });
  }
}
