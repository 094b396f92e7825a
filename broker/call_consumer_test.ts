/**
 * In-process tests of GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309): the
 * broker finds the consumer's channel by group and client id, forwards the request (309 with
 * the stored record as body) and answers with the client's response; a missing client, a
 * timeout and a broken connection get Java's codes and remarks. Memory store, fake channels.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { decodeOffsetMessageId, TimeoutError } from "../common/mod.ts";
import {
  createRequest,
  createResponse,
  type RemotingCommand,
  RequestCode,
  ResponseCode,
} from "../remoting/mod.ts";
import type { ClientChannel } from "./client_channel.ts";
import { dispatchRequest } from "./request_dispatcher.ts";
import { testBroker } from "./_test_broker.ts";

const encoder = new TextEncoder();

function heartbeat(clientId: string, group: string): Uint8Array {
  return encoder.encode(JSON.stringify({
    clientID: clientId,
    producerDataSet: [],
    consumerDataSet: [{ groupName: group, subscriptionDataSet: [] }],
  }));
}

function setup() {
  const t = testBroker("broker-call-consumer-");
  const invoked: RemotingCommand[] = [];
  let answer: (cmd: RemotingCommand) => Promise<RemotingCommand> = (cmd) =>
    Promise.resolve(createResponse(cmd, ResponseCode.SUCCESS, {
      extFields: { from: "client" },
      body: encoder.encode('{"ok":true}'),
    }));
  const consumer: ClientChannel = {
    id: 2,
    remoteAddress: "127.0.0.1:6666",
    send: () => undefined,
    invoke: (cmd) => {
      invoked.push(cmd);
      return answer(cmd);
    },
    closed: false,
  };
  const call = (
    code: number,
    extFields: Record<string, string>,
    options: { body?: Uint8Array; channel?: ClientChannel } = {},
  ) =>
    dispatchRequest(t.broker, {
      request: createRequest(code, { extFields, body: options.body }),
      channel: options.channel ?? t.channel,
      mayHold: true,
    });
  const cleanup = async () => {
    await t.broker.topics.persist();
    await t.broker.groups.persist();
    await Deno.remove(t.dir, { recursive: true });
  };
  const setAnswer = (fn: typeof answer) => answer = fn;
  return { ...t, consumer, invoked, call, cleanup, setAnswer };
}

Deno.test("GET_CONSUMER_RUNNING_INFO goes to the consumer's channel and returns its answer", async () => {
  const { call, consumer, invoked, cleanup } = setup();
  const beat = await call(RequestCode.HEART_BEAT, {}, {
    body: heartbeat("cid-1", "cg"),
    channel: consumer,
  });
  assert.equal(beat?.code, ResponseCode.SUCCESS);
  const request = { consumerGroup: "cg", clientId: "cid-1", jstackEnable: "false" };
  const response = await call(RequestCode.GET_CONSUMER_RUNNING_INFO, request);
  assert.equal(response?.code, ResponseCode.SUCCESS);
  assert.equal(response?.extFields?.["from"], "client");
  assert.equal(new TextDecoder().decode(response?.body), '{"ok":true}');
  assert.equal(invoked.length, 1);
  assert.equal(invoked[0]?.code, RequestCode.GET_CONSUMER_RUNNING_INFO);
  assert.deepEqual(invoked[0]?.extFields, request);

  const absent = await call(RequestCode.GET_CONSUMER_RUNNING_INFO, {
    consumerGroup: "cg",
    clientId: "cid-2",
  });
  assert.equal(absent?.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(absent?.remark, "The Consumer <cg> <cid-2> not online");
  assert.equal(invoked.length, 1);
  await cleanup();
});

Deno.test("CONSUME_MESSAGE_DIRECTLY sends the stored record and the broker name to the consumer", async () => {
  const { call, consumer, invoked, store, settings, cleanup } = setup();
  await call(RequestCode.HEART_BEAT, {}, { body: heartbeat("cid-1", "cg"), channel: consumer });
  const sent = await call(RequestCode.SEND_MESSAGE_V2, {
    a: "pg",
    b: "t1",
    c: "TBW102",
    d: "4",
    e: "0",
    f: "0",
    g: "1",
    h: "0",
    i: "TAGS\u0001A",
  }, { body: encoder.encode("hello") });
  assert.equal(sent?.code, ResponseCode.SUCCESS);
  const msgId = sent?.extFields?.["msgId"] ?? "";
  const response = await call(RequestCode.CONSUME_MESSAGE_DIRECTLY, {
    consumerGroup: "cg",
    clientId: "cid-1",
    msgId,
  });
  assert.equal(response?.code, ResponseCode.SUCCESS);
  assert.equal(invoked.length, 1);
  const forwarded = invoked[0]!;
  assert.equal(forwarded.code, RequestCode.CONSUME_MESSAGE_DIRECTLY);
  assert.equal(forwarded.extFields?.["brokerName"], settings.brokerName);
  assert.equal(forwarded.extFields?.["msgId"], msgId);
  const record = await store.lookMessageByOffset(decodeOffsetMessageId(msgId).offset);
  assert.ok(record !== undefined);
  assert.deepEqual(forwarded.body, record);

  const unknown = await call(RequestCode.CONSUME_MESSAGE_DIRECTLY, {
    consumerGroup: "cg",
    clientId: "cid-1",
    msgId: "7F00000100002A9F00000000FFFF0000",
  });
  assert.equal(unknown?.code, ResponseCode.SYSTEM_ERROR);
  assert.match(unknown?.remark ?? "", /can not find message by the offset/);
  const malformed = await call(RequestCode.CONSUME_MESSAGE_DIRECTLY, {
    consumerGroup: "cg",
    clientId: "cid-1",
    msgId: "nope",
  });
  assert.equal(malformed?.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(invoked.length, 1);
  await cleanup();
});

Deno.test("callConsumer answers CONSUME_MSG_TIMEOUT on a timeout and SYSTEM_ERROR on a broken connection", async () => {
  const { call, consumer, setAnswer, cleanup } = setup();
  await call(RequestCode.HEART_BEAT, {}, { body: heartbeat("cid-1", "cg"), channel: consumer });
  const ask = { consumerGroup: "cg", clientId: "cid-1" };
  setAnswer(() => Promise.reject(new TimeoutError("Request timed out")));
  const late = await call(RequestCode.GET_CONSUMER_RUNNING_INFO, ask);
  assert.equal(late?.code, ResponseCode.CONSUME_MSG_TIMEOUT);
  assert.equal(late?.remark, "consumer <cg> <cid-1> Timeout: Request timed out");
  setAnswer(() => Promise.reject(new Error("connection closed")));
  const broken = await call(RequestCode.GET_CONSUMER_RUNNING_INFO, ask);
  assert.equal(broken?.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(broken?.remark, "invoke consumer <cg> <cid-1> Exception: connection closed");
  await cleanup();
});
