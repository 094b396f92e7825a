/**
 * MQClientAPI against a fake transport: response codes become statuses or
 * errors, and headers/bodies are read as Java brokers and name servers write
 * them (a real Java pull response from the fixtures included).
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { RequestCode, ResponseCode } from "../remoting/mod.ts";
import { FakeTransport, ok } from "./_fake_transport.ts";
import { MQClientAPI } from "./client_api.ts";
import { MQResponseError } from "./errors.ts";
import { decodeMessageViews } from "./message.ts";
import type { WireResponse } from "./transport.ts";

const FIXTURES = new URL("../../shared/fixtures/java-4.9.4/", import.meta.url);
const SKIP_NOTE = existsSync(FIXTURES)
  ? ""
  : " (skipped: ../shared/fixtures/java-4.9.4 is missing)";
const MQ = { topic: "T", brokerName: "b", queueId: 0 };
const PULL = {
  consumerGroup: "g",
  topic: "T",
  queueId: 0,
  queueOffset: 5,
  maxMsgNums: 32,
  sysFlag: 2,
  commitOffset: 0,
  suspendTimeoutMillis: 15000,
  subVersion: 1,
};

function api(answer: WireResponse): MQClientAPI {
  return new MQClientAPI(new FakeTransport(() => answer));
}

Deno.test("MQClientAPI.pullMessage() maps pull response codes to statuses and keeps the offsets", async () => {
  const header = {
    nextBeginOffset: "9",
    minOffset: "0",
    maxOffset: "9",
    suggestWhichBrokerId: "0",
  };
  const cases: Array<[number, string]> = [
    [ResponseCode.PULL_NOT_FOUND, "NO_NEW_MSG"],
    [ResponseCode.PULL_RETRY_IMMEDIATELY, "NO_MATCHED_MSG"],
    [ResponseCode.PULL_OFFSET_MOVED, "OFFSET_ILLEGAL"],
  ];
  for (const [code, status] of cases) {
    const result = await api({ code, extFields: header }).pullMessage("b:1", PULL, {
      timeoutMs: 100,
    });
    assert.equal(result.status, status);
    assert.equal(result.nextBeginOffset, 9);
    assert.equal(result.body, undefined);
  }
  await assert.rejects(
    api({ code: ResponseCode.SUBSCRIPTION_NOT_EXIST, extFields: {} }).pullMessage("b:1", PULL, {
      timeoutMs: 1,
    }),
    (e: unknown) => e instanceof MQResponseError && e.responseCode === 24,
  );
});

Deno.test({
  name: "MQClientAPI.pullMessage() returns the body of a real Java FOUND response for decoding" +
    SKIP_NOTE,
  ignore: !existsSync(FIXTURES),
  async fn() {
    const text = Deno.readTextFileSync(new URL("07-send-message-v1.jsonl", FIXTURES));
    const frame = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)).find((f) =>
      f.isResponse && f.requestCode === 11 && f.code === 0
    );
    const body = Uint8Array.from(atob(frame.body), (c) => c.charCodeAt(0));
    const result = await api({ code: 0, extFields: frame.extFields, body }).pullMessage(
      "b:1",
      PULL,
      {
        timeoutMs: 100,
      },
    );
    assert.equal(result.status, "FOUND");
    assert.equal(result.nextBeginOffset, Number(frame.extFields.nextBeginOffset));
    const views = decodeMessageViews(result.body!, "broker-a");
    assert.equal(views.length, frame.messages.length);
  },
});

Deno.test("MQClientAPI.sendMessage() maps stored codes to statuses and reads MSG_REGION and TRACE_ON", async () => {
  const header = {
    producerGroup: "pg",
    topic: "T",
    defaultTopic: "TBW102",
    defaultTopicQueueNums: 4,
    queueId: 1,
    sysFlag: 0,
    bornTimestamp: 1,
    flag: 0,
    properties: "",
    reconsumeTimes: 0,
    unitMode: false,
    batch: false,
  };
  const fields = {
    msgId: "ID",
    queueId: "1",
    queueOffset: "7",
    MSG_REGION: "R",
    TRACE_ON: "false",
  };
  const sent = await api({ code: ResponseCode.FLUSH_DISK_TIMEOUT, extFields: fields }).sendMessage(
    "b:1",
    header,
    {
      body: new Uint8Array([1]),
      code: "SEND_MESSAGE_V2",
      timeoutMs: 100,
    },
  );
  assert.deepEqual(sent, {
    status: "FLUSH_DISK_TIMEOUT",
    offsetMsgId: "ID",
    queueId: 1,
    queueOffset: 7,
    transactionId: undefined,
    regionId: "R",
    traceOn: false,
  });
  await assert.rejects(
    api({ code: 13, remark: "too big", extFields: {} }).sendMessage("b:1", header, {
      body: new Uint8Array([1]),
      code: "SEND_MESSAGE_V2",
      timeoutMs: 100,
    }),
    MQResponseError,
  );
});

Deno.test("MQClientAPI reads consumer lists, offsets and missing routes", async () => {
  const list = await api(ok({}, { consumerIdList: ["b", "a"] })).getConsumerIdList("b:1", "g", 100);
  assert.deepEqual(list, ["b", "a"]);
  assert.equal(
    await api({ code: ResponseCode.QUERY_NOT_FOUND, extFields: {} }).queryConsumerOffset(
      "b:1",
      "g",
      {
        mq: MQ,
        timeoutMs: 1,
      },
    ),
    undefined,
  );
  assert.equal(
    await api(ok({ offset: "12" })).queryConsumerOffset("b:1", "g", { mq: MQ, timeoutMs: 1 }),
    12,
  );
  assert.equal(
    await api(ok({ offset: "40" })).queueNumber("b:1", "max", { mq: MQ, timeoutMs: 1 }),
    40,
  );
  assert.equal(
    await api({ code: ResponseCode.TOPIC_NOT_EXIST, extFields: {} }).getTopicRoute("ns:1", "T", 1),
    undefined,
  );
  // A route with bare integer keys, as the Java name server sends to old clients.
  const bare = new TextEncoder().encode(
    '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"b","cluster":"c"}],"queueDatas":[]}',
  );
  const route = await api({ code: 0, extFields: {}, body: bare }).getTopicRoute("ns:1", "T", 1);
  assert.equal(route?.brokerDatas[0]?.brokerAddrs.get(0), "127.0.0.1:10911");
});

Deno.test("MQClientAPI.updateConsumerOffset() is one-way unless a timeout is given", async () => {
  const fake = new FakeTransport(() => ok());
  const client = new MQClientAPI(fake);
  await client.updateConsumerOffset("b:1", "g", { mq: MQ, offset: 3 });
  await client.updateConsumerOffset("b:1", "g", { mq: MQ, offset: 4, timeoutMs: 10 });
  assert.deepEqual(fake.calls.map((c) => [c.request.code, c.oneway]), [
    [RequestCode.UPDATE_CONSUMER_OFFSET, true],
    [RequestCode.UPDATE_CONSUMER_OFFSET, false],
  ]);
});
