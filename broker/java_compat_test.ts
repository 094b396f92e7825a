/**
 * Regressions found by running the Java 4.9.4 client and mqadmin against this broker
 * (docs/java-compat.md): requests are framed exactly as the Java client and tools send them
 * (SEND_MESSAGE_V2 short header names, a batch body as MessageBatch.encode writes it).
 */
import assert from "node:assert/strict";
import { decodeStoredMessages, encodeBatchBody } from "../common/mod.ts";
import { createRequest, RequestCode, ResponseCode } from "../remoting/mod.ts";
import { dispatchRequest } from "./request_dispatcher.ts";
import { testBroker } from "./_test_broker.ts";

function setup() {
  const { clock, dir, broker, channel } = testBroker("broker-java-compat-");
  const call = (code: number, extFields: Record<string, string>, body?: Uint8Array) =>
    dispatchRequest(broker, {
      request: createRequest(code, { extFields, body }),
      channel,
      mayHold: false,
    });
  const cleanup = async () => {
    await broker.topics.persist();
    await broker.groups.persist();
    await Deno.remove(dir, { recursive: true });
  };
  return { broker, clock, call, cleanup };
}

/** SEND_MESSAGE_V2 header as DefaultMQProducer 4.9.4 sends it (properties with WAIT=true). */
function sendV2(topic: string, key: string, batch = false) {
  return {
    a: "compat_pg",
    b: topic,
    c: "TBW102",
    d: "4",
    e: "0",
    f: "0",
    g: "1796228331304",
    h: "0",
    i: batch
      ? "WAIT\u0001true\u0002"
      : `KEYS\u0001${key}\u0002UNIQ_KEY\u00017F00000160075FFD2B2708A6921D0000\u0002WAIT\u0001true\u0002TAGS\u0001TagS\u0002kind\u0001sync\u0002`,
    j: "0",
    k: "false",
    m: batch ? "true" : "false",
  };
}

async function pullAll(call: ReturnType<typeof setup>["call"], topic: string) {
  const pulled = await call(RequestCode.PULL_MESSAGE, {
    consumerGroup: "compat_pull",
    topic,
    queueId: "0",
    queueOffset: "0",
    maxMsgNums: "32",
    sysFlag: "4",
    commitOffset: "0",
    suspendTimeoutMillis: "0",
    subscription: "*",
    subVersion: "0",
  });
  assert.equal(pulled?.code, ResponseCode.SUCCESS);
  return decodeStoredMessages(pulled!.body!);
}

Deno.test("a single message is stored without WAIT=true, as Java 4.9.4 stores it; a batch keeps it", async () => {
  const { call, cleanup } = setup();
  const single = await call(
    RequestCode.SEND_MESSAGE_V2,
    sendV2("compatWait", "sync-0"),
    new Uint8Array([1]),
  );
  assert.equal(single?.code, ResponseCode.SUCCESS);
  const batchBody = encodeBatchBody([{
    body: new Uint8Array([2]),
    flag: 0,
    properties:
      "KEYS\u0001batch-0\u0002UNIQ_KEY\u00017F00000124215FFD2B2708B19F72003C\u0002WAIT\u0001true\u0002TAGS\u0001TagB\u0002",
  }]);
  const batch = await call(
    RequestCode.SEND_BATCH_MESSAGE,
    sendV2("compatWait", "", true),
    batchBody,
  );
  assert.equal(batch?.code, ResponseCode.SUCCESS);
  const [first, second] = await pullAll(call, "compatWait");
  // Java queryMsgById on its own broker: {kind=sync, KEYS=sync-0, UNIQ_KEY=..., CLUSTER=DefaultCluster, TAGS=TagS}
  assert.deepEqual(Object.fromEntries(first!.properties), {
    KEYS: "sync-0",
    UNIQ_KEY: "7F00000160075FFD2B2708A6921D0000",
    TAGS: "TagS",
    kind: "sync",
    CLUSTER: "DefaultCluster",
  });
  // ... and for a batch entry: {KEYS=batch-0, UNIQ_KEY=..., CLUSTER=DefaultCluster, WAIT=true, TAGS=TagB}
  assert.equal(second!.properties.get("WAIT"), "true");
  assert.equal(second!.properties.get("CLUSTER"), "DefaultCluster");
  await cleanup();
});

/** Every KVTable key Java 4.9.4 `ClusterListSubCommand.printClusterBaseInfo` reads. */
const CLUSTER_LIST_KEYS = [
  "putTps",
  "getTransferedTps",
  "sendThreadPoolQueueSize",
  "pullThreadPoolQueueSize",
  "sendThreadPoolQueueHeadWaitTimeMills",
  "pullThreadPoolQueueHeadWaitTimeMills",
  "pageCacheLockTimeMills",
  "earliestMessageTimeStamp",
  "commitLogDiskRatio",
  "brokerVersionDesc",
  "msgPutTotalYesterdayMorning",
  "msgPutTotalTodayMorning",
  "msgPutTotalTodayNow",
  "msgGetTotalYesterdayMorning",
  "msgGetTotalTodayMorning",
  "msgGetTotalTodayNow",
];

Deno.test("GET_BROKER_RUNTIME_INFO has every key mqadmin clusterList reads, with real put and transfer rates", async () => {
  const { clock, call, cleanup } = setup();
  const table = async () => {
    const response = await call(RequestCode.GET_BROKER_RUNTIME_INFO, {});
    assert.equal(response?.code, ResponseCode.SUCCESS);
    return (JSON.parse(new TextDecoder().decode(response!.body!)) as {
      table: Record<string, string>;
    }).table;
  };
  const young = await table();
  for (const key of CLUSTER_LIST_KEYS) assert.equal(typeof young[key], "string", key);
  // A young broker: every rate parses as a number for Java's split(" ") and parseDouble.
  assert.equal(Number(young["putTps"]!.split(" ")[0]), 0);
  for (let second = 1; second <= 10; second++) {
    clock.advance(1000);
    for (let i = 0; i < 3; i++) {
      await call(
        RequestCode.SEND_MESSAGE_V2,
        sendV2("compatTps", `k${second}-${i}`),
        new Uint8Array([1]),
      );
    }
    if (second === 10) await pullAll(call, "compatTps");
  }
  clock.advance(1000); // the rates cover whole seconds before the current one
  const t = await table();
  const putRates = t["putTps"]!.split(" ");
  assert.equal(Number(putRates[0]), 3);
  // 30 messages pulled within the 10 s window: 3.0 per second; one pull found them.
  assert.equal(Number(t["getTransferedTps"]!.split(" ")[0]), 3);
  assert.equal(Number(t["getFoundTps"]!.split(" ")[0]), 0.1);
  assert.equal(t["msgPutTotalTodayNow"], "30");
  await cleanup();
});

Deno.test("topic stats report the newest message's store time and consume stats the last consumed one", async () => {
  const { call, clock, cleanup } = setup();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    times.push(clock.now());
    await call(RequestCode.SEND_MESSAGE_V2, sendV2("compatStats", `s${i}`), new Uint8Array([1]));
    clock.advance(5000);
  }
  const stats = await call(RequestCode.GET_TOPIC_STATS_INFO, { topic: "compatStats" });
  const text = new TextDecoder().decode(stats!.body!);
  assert.match(text, new RegExp(`"lastUpdateTimestamp":${times[2]}`));
  await call(RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: "compat_cg",
    topic: "compatStats",
    queueId: "0",
    commitOffset: "2",
  });
  const consume = await call(RequestCode.GET_CONSUME_STATS, {
    consumerGroup: "compat_cg",
    topic: "compatStats",
  });
  assert.match(new TextDecoder().decode(consume!.body!), new RegExp(`"lastTimestamp":${times[1]}`));
  await cleanup();
});

Deno.test("a heartbeat that creates the retry topic and a send that creates a topic answer only after the registration went out", async () => {
  const { broker, call, cleanup } = setup();
  let release = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  broker.topicsRegistered = () => gate;
  const heartbeatBody = new TextEncoder().encode(JSON.stringify({
    clientID: "127.0.0.1@compat",
    consumerDataSet: [{
      groupName: "compat_order_cg",
      consumeType: "CONSUME_PASSIVELY",
      messageModel: "CLUSTERING",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      subscriptionDataSet: [],
      unitMode: false,
    }],
    producerDataSet: [],
  }));
  let heartbeatAnswered = false;
  const heartbeat = call(RequestCode.HEART_BEAT, {}, heartbeatBody).then((r) => {
    heartbeatAnswered = true;
    return r;
  });
  let sendAnswered = false;
  const send = call(
    RequestCode.SEND_MESSAGE_V2,
    sendV2("compatNewTopic", "n0"),
    new Uint8Array([1]),
  )
    .then((r) => {
      sendAnswered = true;
      return r;
    });
  // Let every pending job run: neither answer may go out while the registration is pending.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(broker.topics.get("%RETRY%compat_order_cg") !== undefined, true);
  assert.equal(heartbeatAnswered, false);
  assert.equal(sendAnswered, false);
  release();
  assert.equal((await heartbeat)?.code, ResponseCode.SUCCESS);
  assert.equal((await send)?.code, ResponseCode.SUCCESS);
  await cleanup();
});
