/**
 * ClientInstance against a fake transport: name-server failover, route
 * cache, heartbeats to every broker, NOTIFY_CONSUMER_IDS_CHANGED leading to a
 * rebalance, answering unknown broker requests, and a clean close.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { RequestCode, ResponseCode } from "../remoting/mod.ts";
import { acquireClientInstance } from "./client_instance.ts";
import { FakeTransport, ok, routeBody } from "./_fake_transport.ts";

function fakeCluster(): FakeTransport {
  return new FakeTransport((addr, request) => {
    if (addr === "ns-down:9876") throw new Error("connection refused");
    if (request.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      if (request.extFields?.topic === "Missing") {
        return { code: ResponseCode.TOPIC_NOT_EXIST, remark: "No topic route", extFields: {} };
      }
      return ok({}, routeBody("127.0.0.1:10911", 4));
    }
    return ok();
  });
}

Deno.test("ClientInstance.updateTopicRoute() moves to the next name server when one fails", async () => {
  const fake = fakeCluster();
  const instance = acquireClientInstance({
    namesrvAddr: "ns-down:9876;ns-up:9876",
    instanceName: "t1",
    transportFactory: fake.factory(),
  });
  try {
    const route = await instance.updateTopicRoute("T");
    assert.equal(route?.queueDatas[0]?.writeQueueNums, 4);
    assert.equal(instance.findBrokerAddr("broker-a"), "127.0.0.1:10911");
    assert.equal(await instance.updateTopicRoute("Missing"), undefined);
    // The working name server is remembered and asked first next time.
    const before = fake.calls.length;
    await instance.topicRoute("Other");
    assert.equal(fake.calls[before]?.addr, "ns-up:9876");
  } finally {
    await instance.close();
  }
  assert.equal(fake.closed, true);
});

Deno.test("ClientInstance.sendHeartbeatToAllBrokers() reports producer and consumer groups to every broker", async () => {
  const fake = fakeCluster();
  const instance = acquireClientInstance({
    namesrvAddr: "ns-up:9876",
    instanceName: "t2",
    transportFactory: fake.factory(),
  });
  try {
    await instance.updateTopicRoute("T");
    instance.registerProducer("pg", { topics: () => ["T"] });
    let rebalances = 0;
    instance.registerConsumer("cg", {
      consumerData: () => ({
        groupName: "cg",
        consumeType: "CONSUME_PASSIVELY",
        messageModel: "CLUSTERING",
        consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
        subscriptions: [],
      }),
      topics: () => ["T"],
      doRebalance: () => {
        rebalances++;
        return Promise.resolve();
      },
      persistOffsets: () => Promise.resolve(),
      runningInfo: () => ({ properties: {} }),
    });
    await instance.sendHeartbeatToAllBrokers();
    const [beat] = fake.callsWithCode(RequestCode.HEART_BEAT);
    assert.equal(beat?.addr, "127.0.0.1:10911");
    const body = JSON.parse(new TextDecoder().decode(beat!.request.body));
    assert.equal(body.clientID, instance.clientId);
    assert.deepEqual(body.producerDataSet, [{ groupName: "pg" }, {
      groupName: "CLIENT_INNER_PRODUCER",
    }]);
    assert.equal(body.consumerDataSet[0].groupName, "cg");

    const answer = await fake.onRequest!("127.0.0.1:10911", {
      code: RequestCode.NOTIFY_CONSUMER_IDS_CHANGED,
      extFields: { consumerGroup: "cg" },
    });
    assert.equal(answer, undefined);
    await instance.rebalanceNow();
    assert.ok(rebalances >= 1);

    const info = await fake.onRequest!("b", {
      code: RequestCode.GET_CONSUMER_RUNNING_INFO,
      extFields: { consumerGroup: "cg" },
    });
    assert.equal(info?.code, ResponseCode.SUCCESS);
    const unknown = await fake.onRequest!("b", { code: 9999, extFields: {} });
    assert.equal(unknown?.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);

    await instance.unregister("consumer", "cg");
    const [unregister] = fake.callsWithCode(RequestCode.UNREGISTER_CLIENT);
    assert.deepEqual(unregister?.request.extFields, {
      clientID: instance.clientId,
      consumerGroup: "cg",
    });
  } finally {
    await instance.close();
  }
});

Deno.test("acquireClientInstance() shares one instance per client id until the last release", async () => {
  const a = acquireClientInstance({ namesrvAddr: "127.0.0.1:1", instanceName: "shared-test" });
  const b = acquireClientInstance({ namesrvAddr: "127.0.0.1:1", instanceName: "shared-test" });
  assert.equal(a, b);
  await a.release();
  assert.equal(a.closed, false);
  await b.release();
  assert.equal(a.closed, true);
  assert.throws(() => acquireClientInstance({ namesrvAddr: " ; " }));
});
