/**
 * Goal: the broker's counters keep per-topic and per-group traffic, rates and day marks.
 * Method: a `BrokerStats` on a hand-moved clock; record puts and gets, read the views.
 */
import assert from "node:assert/strict";
import { BrokerStats } from "./broker_stats.ts";

Deno.test("BrokerStats counts traffic per topic and group, and their last-minute rates", () => {
  let now = Date.UTC(2026, 0, 5, 12, 0, 0);
  const stats = new BrokerStats(now, () => now);
  stats.recordPut("T", 3, 300);
  stats.recordGet("G", "T", 2, 250);
  now += 1000;
  assert.deepEqual(stats.topicPuts().get("T"), { count: 3, bytes: 300 });
  assert.deepEqual(stats.groupGets(), [{ group: "G", topic: "T", count: 2, bytes: 250 }]);
  assert.equal(stats.putTps(10), 0.3);
  assert.equal(stats.minuteStats("TOPIC_PUT_NUMS", "T")?.sum, 3);
  assert.equal(stats.minuteStats("GROUP_GET_NUMS", "T@G")?.sum, 2);
  assert.equal(stats.minuteStats("GROUP_GET_NUMS", "T@nobody"), undefined);
  assert.equal(stats.groupGetTps("G", "T"), 2 / 60);
});

Deno.test("BrokerStats.dayMarks() moves today's mark to yesterday when the day turns", () => {
  const boot = new Date(2026, 0, 5, 10, 0, 0).getTime();
  let now = boot;
  const stats = new BrokerStats(boot, () => now);
  stats.recordPut("T", 5, 5);
  assert.deepEqual(stats.dayMarks(), {
    todayPut: 0,
    todayGet: 0,
    yesterdayPut: 0,
    yesterdayGet: 0,
  });
  now = new Date(2026, 0, 6, 0, 30, 0).getTime();
  assert.equal(stats.dayMarks().todayPut, 5);
  stats.recordPut("T", 3, 3);
  now = new Date(2026, 0, 7, 0, 30, 0).getTime();
  const marks = stats.dayMarks();
  assert.equal(marks.yesterdayPut, 5);
  assert.equal(marks.todayPut, 8);
});
