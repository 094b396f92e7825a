/**
 * Unit tests of NamesrvRequestProcessor over a NamesrvState (no sockets):
 * unknown codes, oneway requests, header errors, order-topic config in routes
 * and in the REGISTER_BROKER answer, topic lists, REGISTER_TOPIC_IN_NAMESRV,
 * and GET/UPDATE_NAMESRV_CONFIG including the black list.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { loadNamesrvConfig } from "../common/config/mod.ts";
import { bodyCrc, ManualClock } from "../common/mod.ts";
import { createRequest, type RemotingCommand } from "../remoting/mod.ts";
import { NamesrvRequestProcessor } from "./namesrv_request_processor.ts";
import { NamesrvState } from "./namesrv_state.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function setup(text = ""): { state: NamesrvState; processor: NamesrvRequestProcessor } {
  const { config } = loadNamesrvConfig({ text: `kvConfigPath=\n${text}`, env: {} });
  const state = new NamesrvState({
    config: { ...config, kvConfigPath: "" },
    clock: new ManualClock(),
  });
  return { state, processor: new NamesrvRequestProcessor(state) };
}

function request(code: number, extFields?: Record<string, string>, body?: string): RemotingCommand {
  return createRequest(code, {
    extFields,
    body: body === undefined ? undefined : encoder.encode(body),
    version: 401,
  });
}

function registration(topics: string[], sysFlag = 0): RemotingCommand {
  const table = topics.map((t) =>
    `"${t}":{"perm":6,"readQueueNums":2,"topicName":"${t}","topicSysFlag":${sysFlag},"writeQueueNums":2}`
  ).join(",");
  const body = `{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":` +
    `{"counter":1,"timestamp":2},"topicConfigTable":{${table}}}}`;
  return request(103, {
    brokerId: "0",
    bodyCrc32: String(bodyCrc(encoder.encode(body))),
    clusterName: "c1",
    brokerAddr: "127.0.0.1:10911",
    haServerAddr: "127.0.0.1:10912",
    brokerName: "broker-a",
  }, body);
}

function answer(processor: NamesrvRequestProcessor, cmd: RemotingCommand): RemotingCommand {
  const response = processor.process(cmd, { id: 1 });
  assert.ok(response, "a two-way request gets a response");
  return response;
}

Deno.test("NamesrvRequestProcessor.process() answers unknown codes with REQUEST_CODE_NOT_SUPPORTED", () => {
  const { processor } = setup();
  const response = answer(processor, request(12345));
  assert.equal(response.code, 3);
  assert.equal(response.remark, " request type 12345 not supported");
});

Deno.test("NamesrvRequestProcessor.process() returns nothing for oneway requests but applies them", () => {
  const { state, processor } = setup();
  const oneway = { ...registration(["A", "B"]), flag: 2 };
  assert.equal(processor.process(oneway, { id: 1 }), undefined);
  assert.ok(state.routes.pickupTopicRouteData("A"));
});

Deno.test("NamesrvRequestProcessor.process() reports header errors as SYSTEM_ERROR", () => {
  const { processor } = setup();
  const response = answer(processor, request(205, {}));
  assert.equal(response.code, 1);
  assert.equal(response.remark, 'Invalid request header: field "brokerName" is missing');
});

Deno.test("getRouteInfoByTopic() adds orderTopicConf from KV only when orderMessageEnable is true", () => {
  for (const enabled of [false, true]) {
    const { state, processor } = setup(`orderMessageEnable=${enabled}\n`);
    answer(processor, registration(["Ordered", "Other"]));
    state.kv.putKvConfig("ORDER_TOPIC_CONFIG", "Ordered", "broker-a:2");
    const body = decoder.decode(answer(processor, request(105, { topic: "Ordered" })).body);
    assert.equal(body.includes('"orderTopicConf":"broker-a:2"'), enabled);
  }
});

Deno.test("registerBroker() answers with the ORDER_TOPIC_CONFIG namespace when present", () => {
  const { state, processor } = setup();
  assert.equal(answer(processor, registration(["A", "B"])).body, undefined);
  state.kv.putKvConfig("ORDER_TOPIC_CONFIG", "A", "broker-a:2");
  const response = answer(processor, registration(["A", "B"]));
  assert.equal(decoder.decode(response.body), '{"table":{"A":"broker-a:2"}}');
});

Deno.test("registerBroker() rejects a first registration carrying a single topic", () => {
  const { processor } = setup();
  const response = answer(processor, registration(["Only"]));
  assert.equal(response.code, 1);
  assert.equal(response.remark, "register broker failed");
});

Deno.test("topic list requests answer unit, system and cluster lists", () => {
  const { processor } = setup();
  answer(processor, registration(["U1", "U2"], 1));
  const topics = (code: number, ext?: Record<string, string>) =>
    JSON.parse(decoder.decode(answer(processor, request(code, ext)).body));
  assert.deepEqual(topics(311).topicList, ["U1", "U2"]);
  assert.deepEqual(topics(312).topicList, []);
  assert.deepEqual(topics(304), { brokerAddr: "127.0.0.1:10911", topicList: ["c1", "broker-a"] });
  assert.deepEqual(topics(224, { cluster: "c1" }).topicList, ["U1", "U2"]);
});

Deno.test("GET_ALL_TOPIC_LIST_FROM_NAMESERVER answers SYSTEM_ERROR disable when turned off", () => {
  const { processor } = setup("enableAllTopicList=false\n");
  const response = answer(processor, request(206));
  assert.equal(response.code, 1);
  assert.equal(response.remark, "disable");
});

Deno.test("registerTopicInNamesrv() adds queue data from a route body with bare keys", () => {
  const { state, processor } = setup();
  answer(processor, registration(["A", "B"]));
  const body = '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a",' +
    '"cluster":"c1"}],"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":3,' +
    '"topicSynFlag":0,"writeQueueNums":3}]}';
  assert.equal(answer(processor, request(217, { topic: "Added" }, body)).code, 0);
  assert.equal(state.routes.pickupTopicRouteData("Added")?.queueDatas[0]?.readQueueNums, 3);
  assert.equal(answer(processor, request(217, { topic: "NoBody" })).code, 0);
});

Deno.test("GET/UPDATE_NAMESRV_CONFIG read and change the configuration, refusing black-listed keys", () => {
  const { state, processor } = setup();
  const text = decoder.decode(answer(processor, request(319)).body);
  assert.match(text, /^orderMessageEnable=false$/m);
  assert.equal(answer(processor, request(318, undefined, "orderMessageEnable=true\n")).code, 0);
  assert.equal(state.settings().orderMessageEnable, true);
  const forbidden = answer(processor, request(318, undefined, "kvConfigPath=/tmp/x\n"));
  assert.equal(forbidden.code, 16);
  const invalid = answer(processor, request(318, undefined, "listenPort=abc\n"));
  assert.equal(invalid.code, 1);
  assert.match(invalid.remark ?? "", /listenPort/);
});
