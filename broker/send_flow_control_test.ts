/**
 * Send flow control and the long-poll bound, in process: a store whose puts hang until
 * released; sends beyond `sendMessageMaxInFlight` wait, and the sweep answers them SYSTEM_BUSY
 * `[TIMEOUT_CLEAN_QUEUE]` once they waited past `waitTimeMillsInSendQueue`, or all at once with
 * `[PCBUSY_CLEAN_QUEUE]` when the running put is older than `osPageCacheBusyTimeOutMills`; a
 * full queue answers `[OVERLOAD]`; pulls beyond `maxSuspendedPulls` answer SYSTEM_BUSY. Time is
 * a manual clock and the sweep is called directly (no timed assertions).
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { ManualClock } from "../common/mod.ts";
import type { MessageToStore } from "../common/mod.ts";
import { createRequest, type RemotingCommand, RequestCode, ResponseCode } from "../remoting/mod.ts";
import type { BrokerSettings } from "./broker_settings.ts";
import { MemoryMessageStore } from "./memory_message_store.ts";
import type { PutResult } from "./message_store_port.ts";
import { testBroker } from "./_test_broker.ts";
import { SendFlowControl, SendRefusal } from "./send_flow_control.ts";

/** A memory store whose puts wait until `release()`. */
class SlowStore extends MemoryMessageStore {
  #gates: (() => void)[] = [];
  override async putMessages(messages: MessageToStore[]): Promise<PutResult> {
    await new Promise<void>((resolve) => this.#gates.push(resolve));
    return super.putMessages(messages);
  }
  release(): void {
    for (const open of this.#gates.splice(0)) open();
  }
}

function setup(overrides: Partial<BrokerSettings>) {
  const { clock, dir, broker, channel, store } = testBroker("broker-flow-", {
    overrides,
    makeStore: (options) => new SlowStore(options),
  });
  const call = (request: RemotingCommand) => broker.dispatch({ request, channel, mayHold: true });
  const cleanup = async () => {
    store.release();
    await broker.shutdown();
    await Deno.remove(dir, { recursive: true });
  };
  return { broker, clock, store, call, cleanup };
}

function send(body: string): RemotingCommand {
  return createRequest(RequestCode.SEND_MESSAGE_V2, {
    extFields: {
      a: "pg",
      b: "TopicTest",
      c: "TBW102",
      d: "4",
      e: "0",
      f: "0",
      g: "1",
      h: "0",
      i: "WAIT\u0001true\u0002",
      j: "0",
      k: "false",
      m: "false",
    },
    body: new TextEncoder().encode(body),
  });
}

function pull(offset: number): RemotingCommand {
  return createRequest(RequestCode.PULL_MESSAGE, {
    extFields: {
      consumerGroup: "cg",
      topic: "TopicTest",
      queueId: "0",
      queueOffset: String(offset),
      maxMsgNums: "32",
      sysFlag: "6",
      commitOffset: "0",
      suspendTimeoutMillis: "15000",
      subscription: "*",
      subVersion: "0",
    },
  });
}

/** Lets queued microtasks and the store's promise chains run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("send queue answers SYSTEM_BUSY [TIMEOUT_CLEAN_QUEUE] to a send that waited past waitTimeMillsInSendQueue", async () => {
  const t = setup({ sendMessageMaxInFlight: 1, waitTimeMillsInSendQueue: 200 });
  try {
    const first = t.call(send("one"));
    await settle();
    const second = t.call(send("two"));
    await settle();
    assert.equal(t.broker.sendQueue.running, 1);
    assert.equal(t.broker.sendQueue.waiting, 1);
    t.clock.advance(150);
    t.broker.sendQueue.sweep();
    assert.equal(t.broker.sendQueue.waiting, 1, "not yet past 200 ms");
    t.clock.advance(100);
    t.broker.sendQueue.sweep();
    const busy = await second;
    assert.equal(busy?.code, ResponseCode.SYSTEM_BUSY);
    assert.match(
      busy?.remark ?? "",
      /^\[TIMEOUT_CLEAN_QUEUE\]broker busy, start flow control for a while, period in queue: 250ms, size of queue: 0$/,
    );
    t.store.release();
    assert.equal((await first)?.code, ResponseCode.SUCCESS);
    const pending = t.call(send("three"));
    await settle();
    t.store.release();
    const third = await pending;
    assert.equal(third?.code, ResponseCode.SUCCESS, "the queue serves again once the store did");
    assert.equal(t.broker.sendQueue.refusals().TIMEOUT_CLEAN_QUEUE, 1);
  } finally {
    await t.cleanup();
  }
});

Deno.test("send queue answers every waiting send [PCBUSY_CLEAN_QUEUE] when a put runs past osPageCacheBusyTimeOutMills", async () => {
  const t = setup({
    sendMessageMaxInFlight: 1,
    waitTimeMillsInSendQueue: 10_000,
    osPageCacheBusyTimeOutMills: 1000,
  });
  try {
    const first = t.call(send("stuck"));
    await settle();
    t.clock.advance(900);
    const waiting = [t.call(send("a")), t.call(send("b")), t.call(send("c"))];
    await settle();
    t.broker.sendQueue.sweep();
    assert.equal(t.broker.sendQueue.waiting, 3, "store not busy yet");
    t.clock.advance(200);
    t.broker.sendQueue.sweep();
    const answers = await Promise.all(waiting);
    assert.deepEqual(answers.map((a) => a?.code), [2, 2, 2]);
    assert.match(
      answers[0]?.remark ?? "",
      /^\[PCBUSY_CLEAN_QUEUE\]broker busy, .*size of queue: 2$/,
    );
    assert.match(answers[2]?.remark ?? "", /period in queue: 200ms, size of queue: 0$/);
    t.store.release();
    assert.equal((await first)?.code, ResponseCode.SUCCESS);
  } finally {
    await t.cleanup();
  }
});

Deno.test("send queue answers [OVERLOAD] when sendThreadPoolQueueCapacity sends already wait", async () => {
  const t = setup({ sendMessageMaxInFlight: 1, sendThreadPoolQueueCapacity: 2 });
  try {
    const calls = [0, 1, 2, 3].map((i) => t.call(send(`m${i}`)));
    const last = await calls[3];
    assert.equal(last?.code, ResponseCode.SYSTEM_BUSY);
    assert.equal(last?.remark, "[OVERLOAD]system busy, start flow control for a while");
    for (let i = 0; i < 3; i++) {
      await settle();
      t.store.release();
    }
    const codes = (await Promise.all(calls.slice(0, 3))).map((r) => r?.code);
    assert.deepEqual(codes, [0, 0, 0]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("SendFlowControl with brokerFastFailureEnable=false never sweeps", async () => {
  const clock = new ManualClock();
  const queue = new SendFlowControl({
    maxRunning: 1,
    capacity: 10,
    maxWaitMs: 1,
    busyAfterMs: 1,
    fastFailure: false,
    clock,
  });
  let open: () => void = () => undefined;
  const first = queue.run(() => new Promise<string>((resolve) => open = () => resolve("one")));
  const second = queue.run(() => Promise.resolve("two"));
  clock.advance(10_000);
  queue.sweep();
  assert.equal(queue.waiting, 1);
  await settle();
  open();
  assert.deepEqual(await Promise.all([first, second]), ["one", "two"]);
  queue.close();
  assert.ok(!((await queue.run(() => Promise.resolve(1))) instanceof SendRefusal));
});

Deno.test("pulls beyond maxSuspendedPulls are answered SYSTEM_BUSY instead of parked", async () => {
  const t = setup({ maxSuspendedPulls: 1 });
  try {
    const created = await t.call(createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      extFields: {
        topic: "TopicTest",
        readQueueNums: "1",
        writeQueueNums: "1",
        perm: "6",
        defaultTopic: "TBW102",
      },
    }));
    assert.equal(created?.code, ResponseCode.SUCCESS, created?.remark);
    const parked = t.call(pull(0));
    await settle();
    assert.equal(t.broker.holds.size, 1);
    const refused = await t.call(pull(0));
    assert.equal(refused?.code, ResponseCode.SYSTEM_BUSY);
    assert.match(refused?.remark ?? "", /too many suspended pulls/);
    assert.equal(t.broker.holds.refused, 1);
    assert.equal(await parked, undefined, "the parked pull is answered later, by replay");
  } finally {
    await t.cleanup();
  }
});
