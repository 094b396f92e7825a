/**
 * Unit tests of RouteInfoManager: registration merges topics only from
 * masters, slaves learn their master, unregister / connection close / expiry
 * drop brokers and their routes, and the admin operations (delete topic,
 * write permission, topic lists) change exactly what Java's name server changes.
 * Time is a ManualClock.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { ManualClock } from "../common/mod.ts";
import type { TopicConfig, TopicConfigWrapper } from "./route_data.ts";
import { type RegisterBrokerInput, RouteInfoManager } from "./route_info_manager.ts";

function topics(counter: number, ...names: string[]): TopicConfigWrapper {
  const table = new Map<string, TopicConfig>();
  for (const name of names) {
    table.set(name, {
      topicName: name,
      readQueueNums: 4,
      writeQueueNums: 4,
      perm: 6,
      topicSysFlag: 0,
    });
  }
  return { dataVersion: { counter, timestamp: 1000 + counter }, topicConfigTable: table };
}

function broker(overrides: Partial<RegisterBrokerInput> = {}): RegisterBrokerInput {
  return {
    clusterName: "DefaultCluster",
    brokerName: "broker-a",
    brokerAddr: "127.0.0.1:10911",
    brokerId: 0,
    haServerAddr: "127.0.0.1:10912",
    connectionId: 1,
    topicConfigWrapper: topics(1, "TopicA", "TBW102"),
    ...overrides,
  };
}

function setup(expiryMs = 120_000): { clock: ManualClock; routes: RouteInfoManager } {
  const clock = new ManualClock();
  return { clock, routes: new RouteInfoManager({ clock, brokerChannelExpiredTimeMs: expiryMs }) };
}

Deno.test("registerBroker() creates routes for the master's topics when it registers first", () => {
  const { routes } = setup();
  assert.deepEqual(routes.registerBroker(broker()), { status: "registered" });
  const route = routes.pickupTopicRouteData("TopicA");
  assert.ok(route);
  assert.deepEqual(route.queueDatas, [
    { brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
  ]);
  assert.equal(route.brokerDatas[0]?.brokerAddrs.get(0), "127.0.0.1:10911");
  assert.equal(routes.pickupTopicRouteData("Unknown"), undefined);
});

Deno.test("registerBroker() answers a slave with its master's address and HA address", () => {
  const { routes } = setup();
  routes.registerBroker(broker());
  const result = routes.registerBroker(broker({
    brokerId: 1,
    brokerAddr: "127.0.0.1:10921",
    haServerAddr: "127.0.0.1:10922",
    connectionId: 2,
    topicConfigWrapper: topics(9, "SlaveOnly", "Other"),
  }));
  assert.deepEqual(result, {
    status: "registered",
    masterAddr: "127.0.0.1:10911",
    haServerAddr: "127.0.0.1:10912",
  });
  assert.equal(routes.pickupTopicRouteData("SlaveOnly"), undefined, "slaves add no queue data");
  const addrs = routes.pickupTopicRouteData("TopicA")?.brokerDatas[0]?.brokerAddrs;
  assert.deepEqual([...(addrs ?? [])], [[0, "127.0.0.1:10911"], [1, "127.0.0.1:10921"]]);
});

Deno.test("registerBroker() updates queue data only when the data version changes", () => {
  const { routes } = setup();
  routes.registerBroker(broker());
  const same = topics(1, "TopicA", "TBW102");
  const changedConfig = same.topicConfigTable.get("TopicA");
  assert.ok(changedConfig);
  changedConfig.writeQueueNums = 8;
  routes.registerBroker(broker({ topicConfigWrapper: same }));
  assert.equal(routes.pickupTopicRouteData("TopicA")?.queueDatas[0]?.writeQueueNums, 4);
  const newer = { ...same, dataVersion: { counter: 2, timestamp: 1002 } };
  routes.registerBroker(broker({ topicConfigWrapper: newer }));
  assert.equal(routes.pickupTopicRouteData("TopicA")?.queueDatas[0]?.writeQueueNums, 8);
});

Deno.test("registerBroker() rejects a single-topic registration from an unknown broker id", () => {
  const { routes } = setup();
  assert.deepEqual(
    routes.registerBroker(broker({ topicConfigWrapper: topics(1, "Only") })),
    { status: "rejected" },
  );
  assert.deepEqual(routes.getAllClusterInfo().brokerAddrTable.size, 0);
  routes.registerBroker(broker());
  const incremental = routes.registerBroker(broker({ topicConfigWrapper: topics(2, "Only") }));
  assert.deepEqual(incremental, { status: "registered" });
  assert.ok(routes.pickupTopicRouteData("Only"));
});

Deno.test("registerBroker() moves an address to its new id when a slave becomes master", () => {
  const { routes } = setup();
  routes.registerBroker(broker({ brokerId: 1, brokerAddr: "127.0.0.1:10921" }));
  routes.registerBroker(broker({ brokerId: 0, brokerAddr: "127.0.0.1:10921" }));
  const addrs = routes.getAllClusterInfo().brokerAddrTable.get("broker-a")?.brokerAddrs;
  assert.deepEqual([...(addrs ?? [])], [[0, "127.0.0.1:10921"]]);
});

Deno.test("unregisterBroker() removes the group's routes with its last address", () => {
  const { routes } = setup();
  routes.registerBroker(broker());
  routes.registerBroker(broker({ brokerId: 1, brokerAddr: "127.0.0.1:10921", connectionId: 2 }));
  routes.unregisterBroker({
    clusterName: "DefaultCluster",
    brokerName: "broker-a",
    brokerAddr: "127.0.0.1:10911",
    brokerId: 0,
  });
  assert.ok(routes.pickupTopicRouteData("TopicA"), "the slave still serves the group");
  routes.unregisterBroker({
    clusterName: "DefaultCluster",
    brokerName: "broker-a",
    brokerAddr: "127.0.0.1:10921",
    brokerId: 1,
  });
  assert.equal(routes.pickupTopicRouteData("TopicA"), undefined);
  assert.deepEqual(routes.getAllTopicList().topicList, []);
  assert.equal(routes.getAllClusterInfo().clusterAddrTable.size, 0);
});

Deno.test("onConnectionClose() drops only the brokers registered over that connection", () => {
  const { routes } = setup();
  routes.registerBroker(broker());
  routes.registerBroker(broker({
    brokerName: "broker-b",
    brokerAddr: "127.0.0.1:20911",
    connectionId: 7,
    topicConfigWrapper: topics(1, "TopicB", "TBW102"),
  }));
  assert.deepEqual(routes.onConnectionClose(1), ["127.0.0.1:10911"]);
  assert.equal(routes.pickupTopicRouteData("TopicA"), undefined);
  assert.deepEqual(routes.pickupTopicRouteData("TBW102")?.queueDatas.map((q) => q.brokerName), [
    "broker-b",
  ]);
  assert.deepEqual(routes.onConnectionClose(99), []);
});

Deno.test("scanNotActiveBroker() drops a broker silent past its timeout and keeps a refreshed one", () => {
  const { clock, routes } = setup(1000);
  routes.registerBroker(broker());
  routes.registerBroker(broker({
    brokerName: "broker-b",
    brokerAddr: "127.0.0.1:20911",
    connectionId: 2,
    topicConfigWrapper: topics(1, "TopicB", "X"),
  }));
  clock.advance(800);
  assert.ok(routes.updateBrokerInfoUpdateTimestamp("DefaultCluster", "127.0.0.1:20911"));
  clock.advance(300);
  assert.deepEqual(routes.scanNotActiveBroker().map((b) => b.brokerAddr), ["127.0.0.1:10911"]);
  assert.equal(routes.pickupTopicRouteData("TopicA"), undefined);
  assert.ok(routes.pickupTopicRouteData("TopicB"));
  clock.advance(1001);
  assert.equal(routes.scanNotActiveBroker().length, 1);
  assert.equal(routes.liveBrokers().length, 0);
});

Deno.test("scanNotActiveBroker() honours a per-broker heartbeatTimeoutMillis", () => {
  const { clock, routes } = setup(1000);
  routes.registerBroker(broker({ heartbeatTimeoutMillis: 5000 }));
  clock.advance(2000);
  assert.deepEqual(routes.scanNotActiveBroker(), []);
  clock.advance(3001);
  assert.equal(routes.scanNotActiveBroker().length, 1);
});

Deno.test("deleteTopic() removes a topic, or only one cluster's queues when a cluster is named", () => {
  const { routes } = setup();
  routes.registerBroker(broker());
  routes.registerBroker(broker({
    clusterName: "Other",
    brokerName: "broker-b",
    brokerAddr: "127.0.0.1:20911",
    connectionId: 2,
  }));
  assert.ok(routes.deleteTopic("TopicA", "Other"));
  assert.deepEqual(routes.pickupTopicRouteData("TopicA")?.queueDatas.map((q) => q.brokerName), [
    "broker-a",
  ]);
  assert.ok(routes.deleteTopic("TopicA"));
  assert.equal(routes.pickupTopicRouteData("TopicA"), undefined);
  assert.deepEqual(routes.getTopicsByCluster("Other").topicList, ["TBW102"]);
});

Deno.test("operateWritePermOfBroker() wipes and restores the write bit and counts topics", () => {
  const { routes } = setup();
  routes.registerBroker(broker());
  assert.equal(routes.operateWritePermOfBroker("broker-a", "wipe"), 2);
  assert.equal(routes.pickupTopicRouteData("TopicA")?.queueDatas[0]?.perm, 4);
  assert.equal(routes.operateWritePermOfBroker("broker-a", "add"), 2);
  assert.equal(routes.pickupTopicRouteData("TopicA")?.queueDatas[0]?.perm, 6);
  assert.equal(routes.operateWritePermOfBroker("nobody", "wipe"), 0);
});

Deno.test("getSystemTopicList() lists cluster and broker names with one broker address", () => {
  const { routes } = setup();
  routes.registerBroker(broker());
  assert.deepEqual(routes.getSystemTopicList(), {
    topicList: ["DefaultCluster", "broker-a"],
    brokerAddr: "127.0.0.1:10911",
  });
});

Deno.test("registerTopic() adds queue data only for registered broker groups", () => {
  const { routes } = setup();
  routes.registerBroker(broker());
  const queue = {
    brokerName: "broker-a",
    readQueueNums: 2,
    writeQueueNums: 2,
    perm: 6,
    topicSysFlag: 0,
  };
  assert.equal(routes.registerTopic("NewTopic", [queue]), "registered");
  assert.equal(routes.pickupTopicRouteData("NewTopic")?.queueDatas[0]?.readQueueNums, 2);
  assert.equal(
    routes.registerTopic("Bad", [{ ...queue, brokerName: "ghost" }]),
    "unknown-broker",
  );
  assert.equal(routes.pickupTopicRouteData("Bad"), undefined);
});

Deno.test("queryBrokerDataVersion() returns the stored version and isBrokerTopicConfigChanged() compares it", () => {
  const { routes } = setup();
  routes.registerBroker(broker());
  const stored = routes.queryBrokerDataVersion("DefaultCluster", "127.0.0.1:10911");
  assert.deepEqual(stored, { counter: 1, timestamp: 1001 });
  assert.equal(
    routes.isBrokerTopicConfigChanged("DefaultCluster", "127.0.0.1:10911", {
      counter: 1,
      timestamp: 1001,
    }),
    false,
  );
  assert.equal(
    routes.isBrokerTopicConfigChanged("DefaultCluster", "127.0.0.1:10911", {
      counter: 2,
      timestamp: 1001,
    }),
    true,
  );
  assert.equal(
    routes.isBrokerTopicConfigChanged("DefaultCluster", "1.1.1.1:1", { counter: 1, timestamp: 1 }),
    true,
  );
});
