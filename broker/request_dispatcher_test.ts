/**
 * In-process tests of the request codes the captured fixtures do not cover (29, 31, 32, 204,
 * 207, 215, 361, NOTIFY_CONSUMER_IDS_CHANGED on membership change) with Java-shaped requests,
 * a memory store and a fake channel; no sockets.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { createRequest, RequestCode, ResponseCode } from "../remoting/mod.ts";
import { dispatchRequest } from "./request_dispatcher.ts";
import { testBroker } from "./_test_broker.ts";

function setup() {
  const { clock, dir, broker, channel, sent } = testBroker("broker-dispatch-");
  const call = (code: number, extFields?: Record<string, string>, body?: string) =>
    dispatchRequest(broker, {
      request: createRequest(code, {
        extFields,
        body: body === undefined ? undefined : new TextEncoder().encode(body),
      }),
      channel,
      mayHold: true,
    });
  const cleanup = async () => {
    await broker.topics.persist();
    await broker.groups.persist();
    await Deno.remove(dir, { recursive: true });
  };
  return { broker, clock, sent, call, cleanup };
}

function send(topic: string, tag: string) {
  return {
    a: "pg",
    b: topic,
    c: "TBW102",
    d: "4",
    e: "0",
    f: "0",
    g: "1",
    h: "0",
    i: `TAGS\u0001${tag}\u0002KEYS\u0001key-${tag}`,
  };
}

Deno.test("dispatchRequest() answers offset queries by time, min offset and earliest time", async () => {
  const { call, clock, cleanup } = setup();
  assert.equal(
    (await call(RequestCode.SEND_MESSAGE_V2, send("t1", "A"), "x"))?.code,
    ResponseCode.SUCCESS,
  );
  clock.advance(1000);
  await call(RequestCode.SEND_MESSAGE_V2, send("t1", "B"), "y");
  const byTime = await call(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, {
    topic: "t1",
    queueId: "0",
    timestamp: String(clock.now()),
  });
  assert.equal(byTime?.extFields?.["offset"], "1");
  const min = await call(RequestCode.GET_MIN_OFFSET, { topic: "t1", queueId: "0" });
  assert.equal(min?.extFields?.["offset"], "0");
  const earliest = await call(RequestCode.GET_EARLIEST_MSG_STORETIME, {
    topic: "t1",
    queueId: "0",
  });
  assert.equal(earliest?.extFields?.["timestamp"], String(clock.now() - 1000));
  await cleanup();
});

Deno.test("dispatchRequest() filters lite pulls by tag and reports offsets", async () => {
  const { call, cleanup } = setup();
  await call(RequestCode.SEND_MESSAGE_V2, send("t2", "A"), "x");
  await call(RequestCode.SEND_MESSAGE_V2, send("t2", "B"), "y");
  const pulled = await call(RequestCode.LITE_PULL_MESSAGE, {
    consumerGroup: "g",
    topic: "t2",
    queueId: "0",
    queueOffset: "0",
    maxMsgNums: "32",
    sysFlag: "4",
    commitOffset: "0",
    suspendTimeoutMillis: "0",
    subscription: "B",
    subVersion: "0",
  });
  assert.equal(pulled?.code, ResponseCode.SUCCESS);
  assert.equal(pulled?.extFields?.["nextBeginOffset"], "2");
  const overflow = await call(RequestCode.PULL_MESSAGE, {
    consumerGroup: "g",
    topic: "t2",
    queueId: "0",
    queueOffset: "9",
    maxMsgNums: "32",
    sysFlag: "4",
    commitOffset: "0",
    suspendTimeoutMillis: "0",
    subscription: "*",
    subVersion: "0",
  });
  assert.equal(overflow?.code, ResponseCode.PULL_OFFSET_MOVED);
  assert.equal(overflow?.extFields?.["nextBeginOffset"], "2");
  await cleanup();
});

Deno.test("dispatchRequest() deletes topics and groups and lists producers", async () => {
  const { call, broker, cleanup } = setup();
  await call(RequestCode.SEND_MESSAGE_V2, send("t3", "A"), "x");
  const heartbeat = JSON.stringify({
    clientID: "c1",
    producerDataSet: [{ groupName: "pg" }],
    consumerDataSet: [],
  });
  await call(RequestCode.HEART_BEAT, undefined, heartbeat);
  const producers = await call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: "pg" });
  assert.equal(producers?.code, ResponseCode.SUCCESS);
  assert.equal(
    JSON.parse(new TextDecoder().decode(producers?.body)).connectionSet[0].clientId,
    "c1",
  );
  assert.equal(
    (await call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: "t3" }))?.code,
    ResponseCode.SUCCESS,
  );
  assert.equal(broker.topics.get("t3"), undefined);
  assert.equal(
    (await call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: "TBW102" }))?.code,
    ResponseCode.INVALID_PARAMETER,
  );
  await call(
    RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
    undefined,
    JSON.stringify({ groupName: "g9" }),
  );
  assert.ok(broker.groups.get("g9"));
  assert.equal(
    (await call(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: "g9" }))?.code,
    ResponseCode.SUCCESS,
  );
  assert.equal(broker.groups.get("g9"), undefined);
  await cleanup();
});

Deno.test("dispatchRequest() notifies the group's consumers when membership changes", async () => {
  const { call, sent, cleanup } = setup();
  const heartbeat = JSON.stringify({
    clientID: "c1",
    producerDataSet: [],
    consumerDataSet: [{
      groupName: "cg",
      consumeType: "CONSUME_PASSIVELY",
      messageModel: "CLUSTERING",
      consumeFromWhere: "CONSUME_FROM_LAST_OFFSET",
      subscriptionDataSet: [{
        topic: "t",
        subString: "*",
        tagsSet: [],
        codeSet: [],
        subVersion: 1,
        expressionType: "TAG",
        classFilterMode: false,
      }],
    }],
  });
  assert.equal(
    (await call(RequestCode.HEART_BEAT, undefined, heartbeat))?.code,
    ResponseCode.SUCCESS,
  );
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.code, RequestCode.NOTIFY_CONSUMER_IDS_CHANGED);
  assert.equal(sent[0]?.extFields?.["consumerGroup"], "cg");
  await call(RequestCode.HEART_BEAT, undefined, heartbeat);
  assert.equal(sent.length, 1);
  const list = await call(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: "cg" });
  assert.deepEqual(JSON.parse(new TextDecoder().decode(list?.body)), { consumerIdList: ["c1"] });
  await cleanup();
});

Deno.test("UPDATE_AND_CREATE_TOPIC and UPDATE_AND_CREATE_SUBSCRIPTIONGROUP refuse queue counts and field types that would hang or confuse the broker", async () => {
  const { broker, call, cleanup } = setup();
  const topic = (read: string, write: string) =>
    call(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic: "huge",
      defaultTopic: "TBW102",
      readQueueNums: read,
      writeQueueNums: write,
      perm: "6",
    });
  for (const [read, write] of [["2147483647", "4"], ["4", "-1"], ["4097", "4097"]]) {
    const answer = await topic(read as string, write as string);
    assert.equal(answer?.code, ResponseCode.INVALID_PARAMETER, `${read}/${write}`);
    assert.match(answer?.remark ?? "", /QueueNums must be an integer from 0 to 4096/);
  }
  assert.equal(broker.topics.get("huge"), undefined);
  assert.equal((await topic("4096", "8"))?.code, ResponseCode.SUCCESS);
  const group = (body: Record<string, unknown>) =>
    call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, JSON.stringify(body));
  const bad = [
    { groupName: "g1", retryQueueNums: 1_000_000_000 },
    { groupName: "g1", retryQueueNums: "3" },
    { groupName: "g1", retryMaxTimes: 1.5 },
    { groupName: "g1", consumeEnable: "yes" },
  ];
  for (const body of bad) {
    assert.equal((await group(body))?.code, ResponseCode.INVALID_PARAMETER, JSON.stringify(body));
  }
  const notObject = await call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, "[1]");
  assert.equal(notObject?.code, ResponseCode.SYSTEM_ERROR);
  assert.match(notObject?.remark ?? "", /not a JSON object/);
  const nullBody = await call(RequestCode.LOCK_BATCH_MQ, undefined, "null");
  assert.equal(nullBody?.code, ResponseCode.SYSTEM_ERROR, "a null body is answered, not a crash");
  const badHeartbeat = await call(
    RequestCode.HEART_BEAT,
    undefined,
    '{"consumerDataSet":[null,5,{"groupName":"g2","subscriptionDataSet":7}],"producerDataSet":3}',
  );
  assert.equal(badHeartbeat?.code, ResponseCode.SUCCESS, badHeartbeat?.remark);
  assert.equal((await group({ groupName: "g1", retryQueueNums: 2 }))?.code, ResponseCode.SUCCESS);
  await cleanup();
});
