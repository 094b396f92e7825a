/**
 * QueueLocks against a fake broker with a manual clock: LOCK_BATCH_MQ bodies
 * as Java writes them, a lock counts as held for 30 s after its last grant,
 * renewal refreshes it, a refused renewal drops it, the periodic renewal
 * sends one request per broker, and unlocking sends UNLOCK_BATCH_MQ.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { ManualClock } from "../common/mod.ts";
import { RequestCode } from "../remoting/mod.ts";
import { FakeTransport, ok, routeBody } from "./_fake_transport.ts";
import { QueueLocks } from "./_queue_locks.ts";
import { ClientInstance } from "./client_instance.ts";
import type { MessageQueue } from "./message_queue.ts";

const BROKER = "10.0.0.1:10911";
const mq = (queueId: number): MessageQueue => ({ topic: "T", brokerName: "broker-a", queueId });

async function withLocks(
  grant: (requested: MessageQueue[]) => MessageQueue[],
  fn: (locks: QueueLocks, fake: FakeTransport, clock: ManualClock) => Promise<void>,
  renewIntervalMs = 20_000,
): Promise<void> {
  const fake = new FakeTransport((_addr, request) => {
    if (request.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) return ok({}, routeBody(BROKER, 4));
    if (request.code === RequestCode.LOCK_BATCH_MQ) {
      const body = JSON.parse(new TextDecoder().decode(request.body)) as { mqSet: MessageQueue[] };
      return ok({}, { lockOKMQSet: grant(body.mqSet) });
    }
    return ok();
  });
  const instance = new ClientInstance("127.0.0.1@t", ["ns:9876"], {
    namesrvAddr: "ns:9876",
    transportFactory: fake.factory(),
  }, () => {});
  await instance.updateTopicRoute("T");
  const clock = new ManualClock();
  const locks = new QueueLocks(instance, "g", { clock, renewIntervalMs });
  try {
    await fn(locks, fake, clock);
  } finally {
    await locks.stop();
    await instance.close();
  }
}

Deno.test("QueueLocks.lock() sends Java's LOCK_BATCH_MQ body and holds the lock for 30 s", async () => {
  await withLocks((requested) => requested, async (locks, fake, clock) => {
    assert.equal(await locks.lock(mq(1)), true);
    const [call] = fake.callsWithCode(RequestCode.LOCK_BATCH_MQ);
    assert.equal(call!.addr, BROKER);
    assert.equal(
      new TextDecoder().decode(call!.request.body),
      '{"clientId":"127.0.0.1@t","consumerGroup":"g","mqSet":[{"brokerName":"broker-a","queueId":1,"topic":"T"}],"onlyThisBroker":false}',
    );
    clock.advance(29_000);
    assert.equal(locks.isLocked(mq(1)), true);
    clock.advance(2_000);
    assert.equal(locks.isLocked(mq(1)), false, "stale after 30 s without renewal");
    await locks.renewAll();
    assert.equal(locks.isLocked(mq(1)), true, "renewal refreshes the lock");
  });
});

Deno.test("QueueLocks.renewAll() drops a lock the broker no longer grants", async () => {
  let granting = true;
  await withLocks((requested) => granting ? requested : [], async (locks) => {
    assert.equal(await locks.lock(mq(0)), true);
    assert.equal(await locks.lock(mq(2)), true);
    granting = false;
    await locks.renewAll();
    assert.equal(locks.isLocked(mq(0)), false);
    assert.equal(locks.isLocked(mq(2)), false);
  });
});

Deno.test("QueueLocks.lock() is false when another client holds the queue", async () => {
  await withLocks(() => [], async (locks) => {
    assert.equal(await locks.lock(mq(3)), false);
    assert.equal(locks.isLocked(mq(3)), false);
  });
});

Deno.test("QueueLocks.start() renews every tracked queue in one request per broker each period", async () => {
  await withLocks((requested) => requested, async (locks, fake) => {
    await locks.lock(mq(0));
    await locks.lock(mq(1));
    const before = fake.callsWithCode(RequestCode.LOCK_BATCH_MQ).length;
    locks.start();
    for (
      let i = 0;
      i < 100 && fake.callsWithCode(RequestCode.LOCK_BATCH_MQ).length < before + 2;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const renewals = fake.callsWithCode(RequestCode.LOCK_BATCH_MQ).slice(before);
    assert.ok(renewals.length >= 2, "two periods passed");
    const body = JSON.parse(new TextDecoder().decode(renewals[0]!.request.body));
    assert.deepEqual(body.mqSet.map((q: MessageQueue) => q.queueId), [0, 1]);
  }, 20);
});

Deno.test("QueueLocks.unlockAll() sends UNLOCK_BATCH_MQ and forgets the queues", async () => {
  await withLocks((requested) => requested, async (locks, fake) => {
    await locks.lock(mq(0));
    await locks.lock(mq(1));
    await locks.unlockAll();
    const [unlock] = fake.callsWithCode(RequestCode.UNLOCK_BATCH_MQ);
    const body = JSON.parse(new TextDecoder().decode(unlock!.request.body));
    assert.deepEqual(body.mqSet.map((q: MessageQueue) => q.queueId), [0, 1]);
    assert.equal(locks.isLocked(mq(0)), false);
    const locksBefore = fake.callsWithCode(RequestCode.LOCK_BATCH_MQ).length;
    await locks.renewAll();
    assert.equal(fake.callsWithCode(RequestCode.LOCK_BATCH_MQ).length, locksBefore);
  });
});
