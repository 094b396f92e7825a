/**
 * Unit tests of the messaging-semantics helpers: routing of delayed, timer and half messages,
 * the delayOffset.json reader, queue-lock expiry and SQL92 record filtering. Pure, no sockets.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { encodeProperties, encodeStoredMessage, storedRecordSize } from "../common/mod.ts";
import {
  type MessageDraft,
  routeDelayLevel,
  routeHalfMessage,
  routeTimer,
  SCHEDULE_TOPIC,
  TIMER_TOPIC,
  TRANS_HALF_TOPIC,
} from "./message_transform.ts";
import { parseDelayOffsetTable } from "./schedule_message_service.ts";
import { RebalanceLockManager } from "./rebalance_lock_manager.ts";
import { ConsumerFilterManager, filterRecords } from "./consumer_filter_manager.ts";
import { parseOpBody } from "./transactional_message_service.ts";

function draft(properties: Record<string, string>, sysFlag = 0): MessageDraft {
  return { topic: "T", queueId: 3, properties: new Map(Object.entries(properties)), sysFlag };
}

Deno.test("routeDelayLevel() moves a delayed message to SCHEDULE_TOPIC_XXXX, capping the level", () => {
  const d = draft({ DELAY: "40", TIMER_DELAY_SEC: "5" });
  assert.equal(routeDelayLevel(d, 18), true);
  assert.equal(d.topic, SCHEDULE_TOPIC);
  assert.equal(d.queueId, 17);
  assert.equal(d.properties.get("DELAY"), "18");
  assert.equal(d.properties.get("REAL_TOPIC"), "T");
  assert.equal(d.properties.get("REAL_QID"), "3");
  assert.equal(d.properties.has("TIMER_DELAY_SEC"), false);
  assert.equal(routeDelayLevel(draft({ DELAY: "0" }), 18), false);
  assert.equal(routeDelayLevel(draft({ DELAY: "2" }, 4), 18), false, "prepared messages keep");
});

Deno.test("routeTimer() stores future timers in rmq_sys_wheel_timer and refuses too long delays", () => {
  const d = draft({ TIMER_DELAY_MS: "1500" });
  assert.equal(routeTimer(d, { nowMs: 10_000, maxDelayMs: 60_000 }), "timer");
  assert.equal(d.topic, TIMER_TOPIC);
  assert.equal(d.properties.get("TIMER_OUT_MS"), "11500");
  const past = draft({ TIMER_DELIVER_MS: "5" });
  assert.equal(routeTimer(past, { nowMs: 10_000, maxDelayMs: 60_000 }), "none");
  assert.equal(past.topic, "T");
  assert.equal(
    routeTimer(draft({ TIMER_DELAY_SEC: "61" }), { nowMs: 0, maxDelayMs: 60_000 }),
    "too-long",
  );
  assert.equal(routeTimer(draft({}), { nowMs: 0, maxDelayMs: 1 }), "none");
});

Deno.test("routeHalfMessage() stores a half message in queue 0 of the half topic as NOT_TYPE", () => {
  const d = draft({ TRAN_MSG: "true" }, 4 | 1);
  routeHalfMessage(d);
  assert.equal(d.topic, TRANS_HALF_TOPIC);
  assert.equal(d.queueId, 0);
  assert.equal(d.sysFlag, 1);
  assert.equal(d.properties.get("REAL_QID"), "3");
});

Deno.test("parseDelayOffsetTable() reads Java's bare integer keys", () => {
  const table = parseDelayOffsetTable('{"offsetTable":{1:5,"2":7,3:-1}}');
  assert.deepEqual([...table], [[1, 5], [2, 7]]);
  assert.deepEqual(parseOpBody(new TextEncoder().encode("12,13,")), [12, 13]);
  assert.deepEqual(parseOpBody(new TextEncoder().encode("7")), [7]);
});

Deno.test("RebalanceLockManager.tryLockBatch() lets another client take a lock only after expiry", () => {
  const locks = new RebalanceLockManager({ maxLiveMs: 1000 });
  const mq = { brokerName: "b", queueId: 0, topic: "t" };
  assert.equal(locks.tryLockBatch("g", [mq], { clientId: "c1", nowMs: 0 }).length, 1);
  assert.equal(locks.tryLockBatch("g", [mq], { clientId: "c2", nowMs: 900 }).length, 0);
  assert.equal(locks.tryLockBatch("g", [mq], { clientId: "c1", nowMs: 900 }).length, 1);
  assert.equal(locks.tryLockBatch("g", [mq], { clientId: "c2", nowMs: 1800 }).length, 0);
  assert.equal(locks.tryLockBatch("g", [mq], { clientId: "c2", nowMs: 1901 }).length, 1);
  assert.equal(locks.holderOf("g", mq, 1901), "c2");
  locks.unlockBatch("g", [mq], "c1");
  assert.equal(locks.holderOf("g", mq, 1901), "c2", "unlock by a non-holder is ignored");
  assert.equal(locks.isLockAllExpired("g", 2000), false);
  assert.equal(locks.isLockAllExpired("g", 2902), true, "expired locks count as none");
  assert.equal(locks.isLockAllExpired("other", 0), true);
  locks.unlockBatch("g", [mq], "c2");
  assert.equal(locks.size, 0);
  assert.equal(locks.isLockAllExpired("g", 1901), true);
});

function record(a: string): Uint8Array {
  const msg = {
    topic: "T",
    queueId: 0,
    flag: 0,
    body: new Uint8Array([1]),
    properties: encodeProperties({ a }),
    sysFlag: 0,
    bornTimestamp: 1,
    bornHost: { host: "127.0.0.1", port: 1 },
    storeHost: { host: "127.0.0.1", port: 2 },
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
  const out = new Uint8Array(storedRecordSize(msg));
  encodeStoredMessage(msg, out, 0);
  return out;
}

Deno.test("filterRecords() keeps records whose properties match a compiled SQL92 filter", () => {
  const filters = new ConsumerFilterManager();
  const compiled = filters.compile("a BETWEEN 2 AND 3");
  assert.ok(compiled.ok);
  const records = [record("1"), record("2"), record("3"), record("4")];
  const all = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of records) {
    all.set(r, at);
    at += r.length;
  }
  const kept = filterRecords(all, compiled.filter);
  assert.equal(kept.count, 2);
  assert.equal(kept.messages.length, records[1]!.length + records[2]!.length);
  const bad = filters.register("g", "T", { expression: "a >", clientVersion: 5 });
  assert.equal(bad.compiled.ok, false);
  assert.equal(filters.get("g", "T")?.clientVersion, 5);
});
