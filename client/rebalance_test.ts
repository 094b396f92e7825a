/**
 * rebalanceGroup() against a fake cluster: queues are added and removed to
 * match the strategy's share, broadcasting takes everything, and topics that
 * are no longer subscribed lose their queues.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { RequestCode } from "../remoting/mod.ts";
import { FakeTransport, ok, routeBody } from "./_fake_transport.ts";
import { allocateAveragely } from "./allocate_strategy.ts";
import { acquireClientInstance } from "./client_instance.ts";
import type { MessageModel } from "./heartbeat_data.ts";
import { messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";
import { rebalanceGroup } from "./rebalance.ts";

Deno.test("rebalanceGroup() adds this client's share, drops the rest and follows subscriptions", async () => {
  let consumers = ["127.0.0.1@me"];
  const fake = new FakeTransport((_addr, request) => {
    if (request.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      return ok({}, routeBody("10.0.0.1:10911", 4));
    }
    if (request.code === RequestCode.GET_CONSUMER_LIST_BY_GROUP) {
      return ok({}, { consumerIdList: consumers });
    }
    return ok();
  });
  const instance = acquireClientInstance({
    namesrvAddr: "ns:1",
    instanceName: "me",
    transportFactory: fake.factory(),
  });
  const owned = new Map<string, MessageQueue>();
  let topics = ["T"];
  let model: MessageModel = "CLUSTERING";
  const host = () => ({
    instance,
    group: "g",
    messageModel: model,
    strategy: allocateAveragely,
    topics: () => topics,
    ownedQueues: () => owned.values(),
    addQueue: (mq: MessageQueue) => {
      owned.set(messageQueueKey(mq), mq);
      return Promise.resolve(true);
    },
    removeQueue: (mq: MessageQueue) => {
      owned.delete(messageQueueKey(mq));
      return Promise.resolve();
    },
  });
  try {
    await rebalanceGroup(host());
    assert.equal(owned.size, 4);
    consumers = ["127.0.0.1@me", "127.0.0.1@other"];
    await rebalanceGroup(host());
    assert.deepEqual([...owned.values()].map((q) => q.queueId).sort(), [0, 1]);
    consumers = ["127.0.0.1@a", "127.0.0.1@b", "127.0.0.1@me"];
    await rebalanceGroup(host());
    assert.deepEqual([...owned.values()].map((q) => q.queueId), [3]);
    model = "BROADCASTING";
    await rebalanceGroup(host());
    assert.equal(owned.size, 4);
    topics = [];
    await rebalanceGroup(host());
    assert.equal(owned.size, 0);
  } finally {
    await instance.close();
  }
});
