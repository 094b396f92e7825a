/**
 * QueuePuller and ClientInstance replica choice against a fake transport: the
 * pull follows `suggestWhichBrokerId`, falls back to a slave when the route
 * has no master, never piggybacks the commit offset on a pull sent to a
 * slave, and returns to the master once the route lists it again; offsets are
 * read and committed on the master, or on a slave while the master is gone.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { RequestCode, ResponseCode } from "../remoting/mod.ts";
import { acquireClientInstance } from "./client_instance.ts";
import type { ClientInstance } from "./client_instance.ts";
import { QueuePuller } from "./_queue_puller.ts";
import type { PullerHost } from "./_queue_puller.ts";
import { FakeTransport, ok } from "./_fake_transport.ts";
import { PULL_SYS_FLAG } from "./request_headers.ts";
import { buildSubscriptionData } from "./subscription.ts";

const MASTER = "10.0.0.1:10911";
const SLAVE = "10.0.0.2:10911";

function route(addrs: Record<string, string>): unknown {
  return {
    brokerDatas: [{ brokerAddrs: addrs, brokerName: "broker-a", cluster: "DefaultCluster" }],
    queueDatas: [{
      brokerName: "broker-a",
      perm: 6,
      readQueueNums: 1,
      topicSysFlag: 0,
      writeQueueNums: 1,
    }],
  };
}

/** A fake cluster whose route and pull suggestion the test changes. */
function fakeCluster(state: { addrs: Record<string, string>; suggest: number }): FakeTransport {
  return new FakeTransport((_addr, request) => {
    if (request.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) return ok({}, route(state.addrs));
    if (request.code === RequestCode.PULL_MESSAGE) {
      const offset = request.extFields?.queueOffset ?? "0";
      return {
        code: ResponseCode.PULL_NOT_FOUND,
        extFields: {
          nextBeginOffset: offset,
          minOffset: "0",
          maxOffset: offset,
          suggestWhichBrokerId: String(state.suggest),
        },
      };
    }
    return ok();
  });
}

function host(instance: ClientInstance, signal: AbortSignal, pulled: () => void): PullerHost {
  const sub = buildSubscriptionData("T", "*", 0);
  return {
    instance,
    group: "cg",
    signal,
    settings: { pullBatchSize: 32, suspendTimeoutMs: 10, pullIntervalMs: 1 },
    subscription: () => sub,
    commitOffset: () => 7,
    flowControlled: () => false,
    onMessages: () => {},
    onOffsetMoved: () => {},
    onIdle: pulled,
  };
}

/** Runs pulls until `count` more answers arrived (bounded), then stops the puller. */
async function pulls(fake: FakeTransport, count: number): Promise<string[]> {
  const before = fake.callsWithCode(RequestCode.PULL_MESSAGE).length;
  for (let i = 0; i < 200; i++) {
    if (fake.callsWithCode(RequestCode.PULL_MESSAGE).length >= before + count) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return fake.callsWithCode(RequestCode.PULL_MESSAGE).slice(before).map((c) => c.addr);
}

Deno.test("ClientInstance.findBrokerAddressInSubscribe() tries the id, id + 1, then any replica", async () => {
  const state = { addrs: { "0": MASTER, "1": SLAVE } as Record<string, string>, suggest: 0 };
  const instance = acquireClientInstance({
    namesrvAddr: "ns:9876",
    instanceName: "find-sub",
    transportFactory: fakeCluster(state).factory(),
  });
  try {
    await instance.updateTopicRoute("T");
    assert.deepEqual(instance.findBrokerAddressInSubscribe("broker-a", 0, true), {
      addr: MASTER,
      brokerId: 0,
      slave: false,
    });
    assert.equal(instance.findBrokerAddressInSubscribe("broker-a", 0, false)?.addr, MASTER);
    // Id 2 is missing: 3 is missing too; any replica is the lowest id.
    assert.equal(instance.findBrokerAddressInSubscribe("broker-a", 2, true), undefined);
    assert.equal(instance.findBrokerAddressInSubscribe("broker-a", 2, false)?.addr, MASTER);
    state.addrs = { "2": SLAVE };
    await instance.updateTopicRoute("T");
    assert.deepEqual(instance.findBrokerAddressInSubscribe("broker-a", 1, true), {
      addr: SLAVE,
      brokerId: 2,
      slave: true,
    });
    assert.equal(instance.findBrokerAddressInSubscribe("broker-a", 0, true), undefined);
    assert.deepEqual(instance.findBrokerAddressInSubscribe("broker-a", 0, false), {
      addr: SLAVE,
      brokerId: 2,
      slave: true,
    });
    assert.equal(instance.findBrokerAddressInSubscribe("broker-b", 0, false), undefined);
    // Offsets: the master is missing, the route is refreshed, then the slave answers.
    const found = await instance.findOffsetBroker("broker-a", "T");
    assert.equal(found.addr, SLAVE);
    state.addrs = { "0": MASTER, "2": SLAVE };
    await instance.updateTopicRoute("T");
    assert.equal((await instance.findOffsetBroker("broker-a", "T")).addr, MASTER);
  } finally {
    await instance.close();
  }
});

Deno.test("QueuePuller follows suggestWhichBrokerId and pulls from a slave without the commit flag", async () => {
  const state = { addrs: { "0": MASTER, "1": SLAVE } as Record<string, string>, suggest: 1 };
  const fake = fakeCluster(state);
  const instance = acquireClientInstance({
    namesrvAddr: "ns:9876",
    instanceName: "puller-suggest",
    transportFactory: fake.factory(),
  });
  const stop = new AbortController();
  const puller = new QueuePuller(
    host(instance, stop.signal, () => {}),
    { topic: "T", brokerName: "broker-a", queueId: 0 },
    5,
  );
  try {
    await instance.updateTopicRoute("T");
    puller.start();
    // First pull to the master (commit flag set); it suggests slave 1.
    const first = await pulls(fake, 3);
    assert.equal(first[0], MASTER);
    assert.equal(first[1], SLAVE);
    assert.equal(puller.pullFromBrokerId, 1);
    const calls = fake.callsWithCode(RequestCode.PULL_MESSAGE);
    const flagOf = (i: number) => Number(calls[i]!.request.extFields?.sysFlag);
    assert.equal(flagOf(0) & PULL_SYS_FLAG.COMMIT_OFFSET, PULL_SYS_FLAG.COMMIT_OFFSET);
    assert.equal(flagOf(1) & PULL_SYS_FLAG.COMMIT_OFFSET, 0);
    // The slave sends the consumer back to the master.
    state.suggest = 0;
    const back = await pulls(fake, 3);
    assert.equal(back.at(-1), MASTER);
  } finally {
    stop.abort();
    await puller.stop();
    await instance.close();
  }
});

Deno.test("QueuePuller pulls from the slave while the route has no master and returns to it after", async () => {
  const state = { addrs: { "1": SLAVE } as Record<string, string>, suggest: 0 };
  const fake = fakeCluster(state);
  const instance = acquireClientInstance({
    namesrvAddr: "ns:9876",
    instanceName: "puller-fallback",
    transportFactory: fake.factory(),
  });
  const stop = new AbortController();
  const puller = new QueuePuller(
    host(instance, stop.signal, () => {}),
    { topic: "T", brokerName: "broker-a", queueId: 0 },
    0,
  );
  try {
    await instance.updateTopicRoute("T");
    puller.start();
    const down = await pulls(fake, 3);
    assert.deepEqual(new Set(down), new Set([SLAVE]));
    for (const call of fake.callsWithCode(RequestCode.PULL_MESSAGE)) {
      assert.equal(Number(call.request.extFields?.sysFlag) & PULL_SYS_FLAG.COMMIT_OFFSET, 0);
    }
    state.addrs = { "0": MASTER, "1": SLAVE };
    await instance.updateTopicRoute("T");
    const back = await pulls(fake, 3);
    assert.equal(back.at(-1), MASTER);
  } finally {
    stop.abort();
    await puller.stop();
    await instance.close();
  }
});
