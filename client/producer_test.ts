/**
 * Producer against a fake cluster of two broker groups: headers as Java
 * sends them, compression, retries on the other broker, TBW102 fallback,
 * batch and one-way sends, queue selectors, and errors that must not retry.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import {
  decodeBatchBody,
  decodeProperties,
  MessageSysFlag,
  uncompressBody,
} from "../common/mod.ts";
import { RequestCode, ResponseCode } from "../remoting/mod.ts";
import { FakeTransport, ok } from "./_fake_transport.ts";
import type { WireRequest, WireResponse } from "./transport.ts";
import { MQClientError, MQResponseError } from "./errors.ts";
import { Producer } from "./producer.ts";
import { selectByHash } from "./queue_selector.ts";

const ROUTE = {
  brokerDatas: [
    { brokerAddrs: { "0": "10.0.0.1:10911" }, brokerName: "broker-a", cluster: "c" },
    { brokerAddrs: { "0": "10.0.0.2:10911" }, brokerName: "broker-b", cluster: "c" },
  ],
  queueDatas: [
    { brokerName: "broker-a", perm: 6, readQueueNums: 2, writeQueueNums: 2, topicSysFlag: 0 },
    { brokerName: "broker-b", perm: 6, readQueueNums: 2, writeQueueNums: 2, topicSysFlag: 0 },
  ],
};

type SendHook = (addr: string, request: WireRequest) => WireResponse | undefined;

function cluster(onSend: SendHook = () => undefined): FakeTransport {
  let offset = 0;
  return new FakeTransport((addr, request) => {
    if (request.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      const topic = request.extFields?.topic;
      if (topic === "NewTopic") return { code: ResponseCode.TOPIC_NOT_EXIST, extFields: {} };
      return ok({}, ROUTE);
    }
    if ([310, 320, 10].includes(request.code)) {
      const custom = onSend(addr, request);
      if (custom !== undefined) return custom;
      const queueId = request.extFields?.e ?? request.extFields?.queueId ?? "0";
      return ok({
        msgId: "0A00000100002A9F0000000000000000",
        queueId,
        queueOffset: String(offset++),
        MSG_REGION: "DefaultRegion",
        TRACE_ON: "true",
      });
    }
    return ok();
  });
}

async function withProducer(
  fake: FakeTransport,
  fn: (p: Producer) => Promise<void>,
  extra: { sendMessageCode?: "SEND_MESSAGE" } = {},
): Promise<void> {
  const producer = new Producer({
    groupName: "pg",
    namesrvAddr: "ns:9876",
    transportFactory: fake.factory(),
    ...extra,
  });
  await producer.start();
  try {
    await fn(producer);
  } finally {
    await producer.shutdown();
  }
  assert.equal(fake.closed, true);
}

Deno.test("Producer.send() sends SEND_MESSAGE_V2 with Java's keys, UNIQ_KEY, tags and keys", async () => {
  const fake = cluster();
  await withProducer(fake, async (producer) => {
    const result = await producer.send({ topic: "T", body: "hello", tags: "TagA", keys: "k1" });
    assert.equal(result.status, "SEND_OK");
    const [send] = fake.callsWithCode(RequestCode.SEND_MESSAGE_V2);
    const h = send!.request.extFields!;
    assert.deepEqual(Object.keys(h), ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m"]);
    assert.equal(h.a, "pg");
    assert.equal(h.b, "T");
    assert.equal(h.c, "TBW102");
    assert.equal(h.d, "4");
    assert.equal(h.m, "false");
    const props = decodeProperties(h.i!);
    assert.equal(props.get("UNIQ_KEY"), result.msgId);
    assert.equal(props.get("TAGS"), "TagA");
    assert.equal(props.get("KEYS"), "k1");
    assert.equal(props.get("WAIT"), "true");
    assert.equal(result.offsetMsgId, "0A00000100002A9F0000000000000000");
    assert.equal(result.messageQueue.queueId, Number(h.e));
  });
});

Deno.test("Producer.send() compresses bodies of 4 KiB and more with the COMPRESSED flag", async () => {
  const fake = cluster();
  await withProducer(fake, async (producer) => {
    const big = new Uint8Array(4096).fill(65);
    await producer.send({ topic: "T", body: big });
    await producer.send({ topic: "T", body: big.subarray(0, 4095) });
    const [first, second] = fake.callsWithCode(RequestCode.SEND_MESSAGE_V2);
    assert.equal(Number(first!.request.extFields!.f) & MessageSysFlag.COMPRESSED_FLAG, 1);
    assert.deepEqual(uncompressBody(first!.request.body!), big);
    assert.equal(second!.request.extFields!.f, "0");
    assert.equal(second!.request.body!.length, 4095);
  });
});

Deno.test("Producer.send() retries on the other broker after SYSTEM_BUSY and stops on MESSAGE_ILLEGAL", async () => {
  let busyBroker: string | undefined;
  const fake = cluster((addr) => {
    busyBroker ??= addr;
    if (addr === busyBroker) {
      return { code: ResponseCode.SYSTEM_BUSY, remark: "busy", extFields: {} };
    }
    return undefined;
  });
  await withProducer(fake, async (producer) => {
    const result = await producer.send({ topic: "T", body: "x" });
    const sends = fake.callsWithCode(RequestCode.SEND_MESSAGE_V2);
    assert.equal(sends.length, 2);
    assert.notEqual(sends[1]!.addr, busyBroker);
    assert.equal(result.status, "SEND_OK");
  });
  const illegal = cluster(() => ({ code: 13, remark: "too big", extFields: {} }));
  await withProducer(illegal, async (producer) => {
    await assert.rejects(producer.send({ topic: "T", body: "x" }), MQResponseError);
    assert.equal(illegal.callsWithCode(RequestCode.SEND_MESSAGE_V2).length, 1);
  });
});

Deno.test("Producer.send() borrows the TBW102 route for a topic the name server does not know", async () => {
  const fake = cluster();
  await withProducer(fake, async (producer) => {
    await producer.send({ topic: "NewTopic", body: "x" });
    const routes = fake.callsWithCode(RequestCode.GET_ROUTEINFO_BY_TOPIC).map((c) =>
      c.request.extFields?.topic
    );
    assert.deepEqual(routes, ["NewTopic", "TBW102"]);
    const [send] = fake.callsWithCode(RequestCode.SEND_MESSAGE_V2);
    assert.equal(send!.request.extFields!.b, "NewTopic");
  });
});

Deno.test("Producer.sendBatch() sends one SEND_BATCH_MESSAGE whose entries carry their own UNIQ_KEY", async () => {
  const fake = cluster();
  await withProducer(fake, async (producer) => {
    const result = await producer.sendBatch([
      { topic: "T", body: "one", tags: "A" },
      { topic: "T", body: "two", keys: ["k"] },
    ]);
    const [send] = fake.callsWithCode(RequestCode.SEND_BATCH_MESSAGE);
    assert.equal(send!.request.extFields!.m, "true");
    assert.equal(send!.request.extFields!.i, "WAIT\u0001true\u0002");
    const entries = decodeBatchBody(send!.request.body!);
    assert.equal(entries.length, 2);
    const ids = entries.map((e) => decodeProperties(e.properties).get("UNIQ_KEY"));
    assert.equal(result.msgId, ids.join(","));
    await assert.rejects(
      producer.sendBatch([{ topic: "T", body: "a" }, { topic: "U", body: "b" }]),
      MQClientError,
    );
  });
});

Deno.test("Producer.sendOneway() and selector sends go to one queue without waiting or retrying", async () => {
  const fake = cluster();
  await withProducer(fake, async (producer) => {
    await producer.sendOneway({ topic: "T", body: "x" });
    assert.equal(fake.calls.filter((c) => c.oneway && c.request.code === 310).length, 1);
    const a = await producer.send({ topic: "T", body: "x" }, {
      selector: selectByHash,
      arg: "order-1",
    });
    const b = await producer.send({ topic: "T", body: "y" }, {
      selector: selectByHash,
      arg: "order-1",
    });
    assert.deepEqual(a.messageQueue, b.messageQueue);
  });
});

Deno.test("Producer.send() uses SEND_MESSAGE with long names when configured", async () => {
  const fake = cluster();
  await withProducer(fake, async (producer) => {
    await producer.send({ topic: "T", body: "x" });
    const [send] = fake.callsWithCode(RequestCode.SEND_MESSAGE);
    assert.equal(send!.request.extFields!.producerGroup, "pg");
    assert.equal(send!.request.extFields!.defaultTopic, "TBW102");
  }, { sendMessageCode: "SEND_MESSAGE" });
});

Deno.test("Producer rejects sends before start, after shutdown and with bad input", async () => {
  const fake = cluster();
  const producer = new Producer({
    groupName: "pg",
    namesrvAddr: "ns:1",
    transportFactory: fake.factory(),
  });
  await assert.rejects(producer.send({ topic: "T", body: "x" }), MQClientError);
  await producer.start();
  await assert.rejects(producer.send({ topic: "bad topic!", body: "x" }), MQClientError);
  await assert.rejects(producer.send({ topic: "T", body: "" }), MQClientError);
  await producer.shutdown();
  await assert.rejects(producer.send({ topic: "T", body: "x" }), MQClientError);
  assert.throws(() => new Producer({ groupName: "", namesrvAddr: "ns:1" }), TypeError);
});
