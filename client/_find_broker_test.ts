/**
 * Address choice within a broker group and forgetting groups no route lists.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { cleanOfflineBrokers, findBrokerInGroup } from "./_find_broker.ts";
import type { TopicRouteData } from "./topic_route.ts";

Deno.test("findBrokerInGroup() prefers the id, then id + 1 for slaves, then the lowest id", () => {
  const group = new Map([[0, "m"], [1, "s1"], [3, "s3"]]);
  assert.deepEqual(findBrokerInGroup(group, 0, true), { addr: "m", brokerId: 0, slave: false });
  assert.deepEqual(findBrokerInGroup(group, 2, true), { addr: "s3", brokerId: 3, slave: true });
  assert.equal(findBrokerInGroup(group, 4, true), undefined);
  assert.deepEqual(findBrokerInGroup(group, 4, false), { addr: "m", brokerId: 0, slave: false });
  const noMaster = new Map([[2, "s2"], [1, "s1"]]);
  assert.equal(findBrokerInGroup(noMaster, 0, true), undefined);
  assert.deepEqual(findBrokerInGroup(noMaster, 0, false), { addr: "s1", brokerId: 1, slave: true });
  assert.equal(findBrokerInGroup(undefined, 0, false), undefined);
  assert.equal(findBrokerInGroup(new Map(), 0, false), undefined);
});

Deno.test("cleanOfflineBrokers() forgets addresses and groups no route lists", () => {
  const addrs = new Map([
    ["a", new Map([[0, "a0"], [1, "a1"]])],
    ["b", new Map([[0, "b0"], [1, "b1"]])],
  ]);
  const route: TopicRouteData = {
    queueDatas: [],
    brokerDatas: [{ cluster: "c", brokerName: "a", brokerAddrs: new Map([[1, "a1"]]) }],
  };
  cleanOfflineBrokers(addrs, [route]);
  assert.deepEqual([...addrs.keys()], ["a"]);
  assert.deepEqual([...addrs.get("a")!], [[1, "a1"]]);
});
