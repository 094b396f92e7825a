/**
 * TransactionProducer against a fake broker, compared with the frames of the
 * Java 4.9.4 TransactionProducer (fixture 04): the half message header and
 * properties, END_TRANSACTION after the local transaction (one-way, Java's
 * key order, commit 8 / rollback 12 / unknown 0), and the answer to the
 * broker's CHECK_TRANSACTION_STATE replayed from the captured frame.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { decodeProperties } from "../common/mod.ts";
import { decodeFrame, RequestCode } from "../remoting/mod.ts";
import { FakeTransport, ok, routeBody } from "./_fake_transport.ts";
import type { MessageView } from "./message.ts";
import { TransactionProducer } from "./transaction_producer.ts";
import type { LocalTransactionState, TransactionSendResult } from "./transaction_producer.ts";

const FIXTURES = new URL("../../shared/fixtures/java-4.9.4/", import.meta.url);
const missing = !existsSync(FIXTURES);
const SKIP_NOTE = missing ? " (skipped: ../shared/fixtures/java-4.9.4 is missing)" : "";

interface Frame {
  code: number;
  isResponse: boolean;
  isOneway: boolean;
  direction: string;
  extFields?: Record<string, string>;
  extFieldsWireOrder?: string[];
  raw: string;
}

function fixtureFrames(): Frame[] {
  const text = Deno.readTextFileSync(new URL("04-java-transaction.jsonl", FIXTURES));
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Frame);
}

const GROUP = "benchmark_transaction_producer";
const BROKER = "127.0.0.1:10911";

/** A broker answering sends like the fixture (offset msgId, queue offsets from 0). */
function fakeBroker(): FakeTransport {
  let offset = 0;
  return new FakeTransport((_addr, request) => {
    if (request.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) return ok({}, routeBody(BROKER, 8));
    if (request.code === RequestCode.SEND_MESSAGE_V2) {
      const queueOffset = offset++;
      const physical = (468000 + queueOffset * 417).toString(16).toUpperCase().padStart(16, "0");
      return ok({
        msgId: `7F00000100002A9F${physical}`,
        queueId: request.extFields?.e ?? "0",
        queueOffset: String(queueOffset),
        TRACE_ON: "true",
        MSG_REGION: "DefaultRegion",
      });
    }
    return ok();
  });
}

async function withProducer(
  fake: FakeTransport,
  decide: (body: string) => LocalTransactionState,
  fn: (p: TransactionProducer, checked: MessageView[]) => Promise<void>,
): Promise<void> {
  const checked: MessageView[] = [];
  const producer = new TransactionProducer({
    groupName: GROUP,
    namesrvAddr: "ns:9876",
    transportFactory: fake.factory(),
    transactionListener: {
      executeLocalTransaction: (message) => {
        const body = typeof message.body === "string" ? message.body : "";
        if (body === "throw") throw new Error("local failure");
        return decide(body);
      },
      checkLocalTransaction: (message) => {
        checked.push(message);
        return "COMMIT_MESSAGE";
      },
    },
  });
  await producer.start();
  try {
    await fn(producer, checked);
  } finally {
    await producer.shutdown();
  }
}

Deno.test({
  name: "sendMessageInTransaction() sends a half message and END_TRANSACTION as Java does" +
    SKIP_NOTE,
  ignore: missing,
  async fn() {
    const frames = fixtureFrames();
    const javaHalf = frames.find((f) => f.code === 310 && !f.isResponse)!;
    const javaEnd = frames.find((f) =>
      f.code === 37 && !f.isResponse && f.extFields?.fromTransactionCheck === "false"
    )!;
    const fake = fakeBroker();
    const states: Record<string, LocalTransactionState> = {
      c: "COMMIT_MESSAGE",
      r: "ROLLBACK_MESSAGE",
      u: "UNKNOW",
    };
    await withProducer(fake, (body) => states[body]!, async (producer) => {
      const results: TransactionSendResult[] = [];
      for (const body of ["c", "r", "u", "throw"]) {
        results.push(
          await producer.sendMessageInTransaction({
            topic: "TxBenchmark",
            body,
            delayTimeLevel: 3,
          }),
        );
      }
      assert.deepEqual(results.map((r) => r.localTransactionState), [
        "COMMIT_MESSAGE",
        "ROLLBACK_MESSAGE",
        "UNKNOW",
        "UNKNOW",
      ]);
      const sends = fake.callsWithCode(RequestCode.SEND_MESSAGE_V2);
      assert.equal(sends.length, 4);
      for (const send of sends) {
        const h = send.request.extFields!;
        assert.deepEqual(Object.keys(h), javaHalf.extFieldsWireOrder);
        assert.equal(h.f, javaHalf.extFields!.f, "prepared sysFlag (4)");
        const props = decodeProperties(h.i!);
        assert.equal(props.get("TRAN_MSG"), "true");
        assert.equal(props.get("PGROUP"), GROUP);
        assert.equal(props.has("DELAY"), false, "the delay level is cleared as Java does");
        assert.ok(props.has("UNIQ_KEY"));
      }
      const ends = fake.callsWithCode(RequestCode.END_TRANSACTION);
      assert.equal(ends.length, 4);
      assert.ok(ends.every((e) => e.oneway && e.addr === BROKER));
      assert.deepEqual(ends.map((e) => e.request.extFields!.commitOrRollback), [
        "8",
        "12",
        "0",
        "0",
      ]);
      ends.forEach((end, i) => {
        const h = end.request.extFields!;
        assert.deepEqual(Object.keys(h), javaEnd.extFieldsWireOrder);
        assert.equal(h.producerGroup, GROUP);
        assert.equal(h.msgId, results[i]!.msgId);
        assert.equal(h.tranStateTableOffset, String(i));
        assert.equal(h.commitLogOffset, String(468000 + i * 417));
        assert.equal(h.fromTransactionCheck, "false");
      });
    });
  },
});

Deno.test({
  name: "TransactionProducer answers CHECK_TRANSACTION_STATE with Java's END_TRANSACTION" +
    SKIP_NOTE,
  ignore: missing,
  async fn() {
    const frames = fixtureFrames();
    const check = frames.find((f) => f.code === 39 && !f.isResponse)!;
    const javaAnswer = frames.find((f) =>
      f.code === 37 && f.extFields?.fromTransactionCheck === "true" &&
      f.extFields.commitLogOffset === check.extFields!.commitLogOffset
    )!;
    const command = decodeFrame(Uint8Array.from(atob(check.raw), (c) => c.charCodeAt(0)));
    const fake = fakeBroker();
    await withProducer(fake, () => "COMMIT_MESSAGE", async (_producer, checked) => {
      await fake.onRequest!(BROKER, {
        code: command.code,
        extFields: command.extFields ?? {},
        ...(command.body === undefined ? {} : { body: command.body }),
      });
      for (let i = 0; i < 100 && fake.callsWithCode(37).length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(checked.length, 1);
      assert.equal(checked[0]!.topic, "TxBenchmark");
      const [answer] = fake.callsWithCode(RequestCode.END_TRANSACTION);
      assert.ok(answer !== undefined && answer.oneway && answer.addr === BROKER);
      assert.deepEqual(Object.keys(answer.request.extFields!), javaAnswer.extFieldsWireOrder);
      assert.deepEqual(answer.request.extFields, javaAnswer.extFields);
    });
  },
});

Deno.test("TransactionProducer ignores a check for a group it does not hold", async () => {
  const fake = fakeBroker();
  await withProducer(fake, () => "COMMIT_MESSAGE", async (_producer, checked) => {
    await fake.onRequest!(BROKER, {
      code: RequestCode.CHECK_TRANSACTION_STATE,
      extFields: { commitLogOffset: "1", tranStateTableOffset: "1", msgId: "X" },
    });
    assert.equal(checked.length, 0);
    assert.equal(fake.callsWithCode(RequestCode.END_TRANSACTION).length, 0);
  });
});
