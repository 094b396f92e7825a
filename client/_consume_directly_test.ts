/**
 * Tests of the client's CONSUME_MESSAGE_DIRECTLY answer: Java's `CMResult` for each way the
 * listener ends, `order` for orderly consumers, the thrown error in `remark`.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { consumeDirectly } from "./_consume_directly.ts";
import type { MessageView } from "./message.ts";

const message: MessageView = {
  topic: "t",
  body: new Uint8Array([1]),
  tags: undefined,
  keys: [],
  properties: new Map(),
  msgId: "m",
  offsetMsgId: "o",
  brokerName: "b",
  queueId: 2,
  queueOffset: 0,
  commitLogOffset: 0,
  flag: 0,
  sysFlag: 0,
  bornTimestamp: 0,
  bornHost: "127.0.0.1:1",
  storeTimestamp: 0,
  storeHost: "127.0.0.1:2",
  reconsumeTimes: 0,
  storeSize: 1,
};

Deno.test("consumeDirectly() maps the concurrent listener's result and errors to CMResult", async () => {
  const seen: string[] = [];
  const none = { orderlyListener: undefined, orderly: false };
  const success = await consumeDirectly(message, {
    ...none,
    listener: (messages, context) => {
      seen.push(`${messages[0]?.msgId}@${context.messageQueue.queueId}`);
      return "CONSUME_SUCCESS";
    },
  });
  assert.deepEqual(success, { autoCommit: true, consumeResult: "CR_SUCCESS", order: false });
  assert.deepEqual(seen, ["m@2"]);
  const later = await consumeDirectly(message, { ...none, listener: () => "RECONSUME_LATER" });
  assert.equal(later.consumeResult, "CR_LATER");
  const thrown = await consumeDirectly(message, {
    ...none,
    listener: () => {
      throw new RangeError("bad body");
    },
  });
  assert.equal(thrown.consumeResult, "CR_THROW_EXCEPTION");
  assert.equal(thrown.remark, "RangeError: bad body");
});

Deno.test("consumeDirectly() reports order=true and CR_LATER for a suspending orderly listener", async () => {
  const result = await consumeDirectly(message, {
    listener: undefined,
    orderlyListener: () => "SUSPEND_CURRENT_QUEUE_A_MOMENT",
    orderly: true,
  });
  assert.deepEqual(result, { autoCommit: true, consumeResult: "CR_LATER", order: true });
  const ok = await consumeDirectly(message, {
    listener: undefined,
    orderlyListener: () => undefined,
    orderly: true,
  });
  assert.equal(ok.consumeResult, "CR_SUCCESS");
});
