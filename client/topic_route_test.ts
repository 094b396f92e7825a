/**
 * Route parsing and the publish/subscribe queue lists derived from it, with
 * the shapes the Java name server sends (standard and bare-key bodies).
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { DecodeError } from "../common/mod.ts";
import {
  allAddresses,
  defaultTopicRoute,
  masterAddress,
  parseTopicRouteData,
  publishQueues,
  subscribeQueues,
} from "./topic_route.ts";

const ROUTE = {
  brokerDatas: [
    {
      brokerAddrs: { "0": "127.0.0.1:10911", "1": "127.0.0.1:10921" },
      brokerName: "broker-b",
      cluster: "DefaultCluster",
    },
    { brokerAddrs: { "1": "127.0.0.1:10931" }, brokerName: "broker-c", cluster: "DefaultCluster" },
    { brokerAddrs: { "0": "127.0.0.1:10941" }, brokerName: "broker-a", cluster: "DefaultCluster" },
  ],
  filterServerTable: {},
  queueDatas: [
    { brokerName: "broker-b", perm: 6, readQueueNums: 2, topicSysFlag: 0, writeQueueNums: 3 },
    { brokerName: "broker-c", perm: 6, readQueueNums: 1, topicSysFlag: 0, writeQueueNums: 1 },
    { brokerName: "broker-a", perm: 4, readQueueNums: 2, topicSynFlag: 0, writeQueueNums: 2 },
  ],
};

Deno.test("parseTopicRouteData() reads broker ids as numbers and accepts topicSynFlag", () => {
  const route = parseTopicRouteData(ROUTE);
  assert.equal(masterAddress(route, "broker-b"), "127.0.0.1:10911");
  assert.equal(masterAddress(route, "broker-c"), undefined);
  assert.equal(route.queueDatas[2]!.topicSysFlag, 0);
  assert.equal(allAddresses(route).length, 4);
});

Deno.test("parseTopicRouteData() throws DecodeError when a field has the wrong type", () => {
  assert.throws(() => parseTopicRouteData({ queueDatas: [{ brokerName: 1 }] }), DecodeError);
  assert.throws(() => parseTopicRouteData("x"), DecodeError);
  assert.throws(
    () => parseTopicRouteData({ brokerDatas: [{ brokerName: "b", brokerAddrs: { x: "a" } }] }),
    DecodeError,
  );
});

Deno.test("publishQueues() lists writable queues of groups with a master, sorted by broker name", () => {
  const queues = publishQueues("T", parseTopicRouteData(ROUTE));
  assert.deepEqual(
    queues.map((q) => `${q.brokerName}:${q.queueId}`),
    ["broker-b:0", "broker-b:1", "broker-b:2"],
  );
});

Deno.test("publishQueues() follows orderTopicConf when the route carries one", () => {
  const route = parseTopicRouteData({ ...ROUTE, orderTopicConf: "broker-a:2;broker-b:1" });
  assert.deepEqual(
    publishQueues("T", route).map((q) => `${q.brokerName}:${q.queueId}`),
    ["broker-a:0", "broker-a:1", "broker-b:0"],
  );
});

Deno.test("subscribeQueues() lists readable queues by read queue count, slaves included", () => {
  const queues = subscribeQueues("T", parseTopicRouteData(ROUTE));
  assert.deepEqual(
    queues.map((q) => `${q.brokerName}:${q.queueId}`),
    ["broker-b:0", "broker-b:1", "broker-c:0", "broker-a:0", "broker-a:1"],
  );
});

Deno.test("defaultTopicRoute() caps read and write queue counts at the requested number", () => {
  const tbw = parseTopicRouteData({
    brokerDatas: [{ brokerAddrs: { "0": "a:1" }, brokerName: "b", cluster: "c" }],
    queueDatas: [{ brokerName: "b", perm: 7, readQueueNums: 8, writeQueueNums: 8 }],
  });
  const capped = defaultTopicRoute(tbw, 4);
  assert.equal(publishQueues("New", capped).length, 4);
  assert.equal(capped.queueDatas[0]!.readQueueNums, 4);
});
