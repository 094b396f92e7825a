/**
 * Delay levels and retry/DLQ end to end. Goals: (1) a delayed message (DELAY=1, level 1 = 1 s)
 * arrives in its real topic once, on time, with REAL_TOPIC/REAL_QID/DELAY as the 4.9.4 broker
 * leaves them; a delayed message (level 2 = 3 s) still pending when the broker stops arrives
 * once, on time, after the restart, and the delivered one is not delivered again;
 * GET_ALL_DELAY_OFFSET shows the cursors. (2) A message that always fails is sent back with
 * CONSUMER_SEND_MSG_BACK (maxReconsumeTimes 2): it comes back twice in `%RETRY%cg`, each after
 * its delay level (3 + reconsume count), with
 * growing reconsume counts and RETRY_TOPIC / ORIGIN_MESSAGE_ID, the first retry while the broker
 * restarts (it waits in SCHEDULE_TOPIC_XXXX across the restart and arrives once), then lands in
 * `%DLQ%cg`, not before, keeping RETRY_TOPIC (the original topic), UNIQ_KEY (the id) and the
 * user properties. Method: a real `broker/main.ts` process with `messageDelayLevel=1s 3s 1s 1s 1s 1s`,
 * raw Java-shaped frames, SIGTERM between runs.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { decodeOffsetMessageId, type MessageExt } from "../../common/mod.ts";
import { RequestCode, ResponseCode } from "../../remoting/mod.ts";
import { javaRequest, waitFor, WireClient } from "../harness.ts";
import { pullAll, sendOk, sleep, startSemanticsBroker } from "./semantics_wire.ts";

const decoder = new TextDecoder();

Deno.test("delay levels deliver on time, once, across a broker restart", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "semantics-delay-" });
  try {
    const first = await startSemanticsBroker(storeDir);
    let client = await WireClient.connect(first.port);
    const sentAt = Date.now();
    await sendOk(client, { topic: "delay_t", queueId: 1, body: "d1", properties: { DELAY: "1" } });
    await sendOk(client, { topic: "delay_t", queueId: 1, body: "d2", properties: { DELAY: "2" } });
    // Nothing is visible before its time.
    assert.equal((await pullAll(client, "delay_t", 1)).length, 0);
    let seen: MessageExt[] = [];
    await waitFor(async () => {
      seen = await pullAll(client, "delay_t", 1);
      return seen.length > 0;
    }, { timeoutMs: 3000, intervalMs: 50, message: "level-1 delivery" });
    const d1 = seen[0]!;
    assert.equal(decoder.decode(d1.body), "d1");
    const lateness = d1.storeTimestamp - sentAt - 1000;
    // Not early; the upper bound only catches a lost wake-up (timing is measured by benchmarks).
    assert.ok(lateness >= -50 && lateness < 5000, `level 1 delivered ${lateness} ms off`);
    assert.equal(d1.properties.get("REAL_TOPIC"), "delay_t");
    assert.equal(d1.properties.get("REAL_QID"), "1");
    assert.equal(d1.properties.get("DELAY"), "1");
    assert.equal(d1.properties.get("CLUSTER"), "DefaultCluster");
    await client.close();
    assert.equal((await first.stop()).code, 0);

    const second = await startSemanticsBroker(storeDir);
    client = await WireClient.connect(second.port);
    try {
      await waitFor(async () => (await pullAll(client, "delay_t", 1)).length >= 2, {
        timeoutMs: 5000,
        intervalMs: 50,
        message: "level-2 delivery after the restart",
      });
      await sleep(1200);
      const all = await pullAll(client, "delay_t", 1);
      assert.deepEqual(all.map((m) => decoder.decode(m.body)), ["d1", "d2"]);
      const late2 = all[1]!.storeTimestamp - sentAt - 3000;
      assert.ok(late2 >= -50 && late2 < 5000, `level 2 delivered ${late2} ms off`);
      const offsets = await client.request(javaRequest(RequestCode.GET_ALL_DELAY_OFFSET));
      assert.match(decoder.decode(offsets.body), /^\{"offsetTable":\{1:1,2:1,3:0/);
    } finally {
      await client.close();
      await second.stop();
    }
  } finally {
    await Deno.remove(storeDir, { recursive: true });
  }
});

function sendBack(message: MessageExt, maxReconsumeTimes: number) {
  return javaRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
    offset: String(message.commitLogOffset),
    group: "cg",
    delayLevel: "0",
    originMsgId: message.properties.get("UNIQ_KEY") ?? message.msgId,
    originTopic: message.topic,
    unitMode: "false",
    maxReconsumeTimes: String(maxReconsumeTimes),
  });
}

Deno.test("CONSUMER_SEND_MSG_BACK retries with growing counts, across a restart, and ends in the DLQ after maxReconsumeTimes", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "semantics-retry-" });
  let broker = await startSemanticsBroker(storeDir);
  let client = await WireClient.connect(broker.port);
  try {
    const sent = await sendOk(client, {
      topic: "retry_t",
      body: "always-fails",
      properties: { KEYS: "k1", user: "u1", UNIQ_KEY: "UNIQ-RETRY-1" },
    });
    let [current] = await pullAll(client, "retry_t", 0);
    assert.ok(current !== undefined);
    const firstOffsetId = current.msgId;
    assert.equal(decodeOffsetMessageId(sent["msgId"] ?? "").offset, current.commitLogOffset);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const backAt = Date.now();
      const answer = await client.request(sendBack(current, 2));
      assert.equal(answer.code, ResponseCode.SUCCESS, answer.remark);
      if (attempt === 1) {
        // Stopped while the retry waits in SCHEDULE_TOPIC_XXXX (level 3 = 1 s).
        await client.close();
        assert.equal((await broker.stop()).code, 0);
        broker = await startSemanticsBroker(storeDir);
        client = await WireClient.connect(broker.port);
      }
      let retries: MessageExt[] = [];
      await waitFor(async () => {
        retries = await pullAll(client, "%RETRY%cg", 0);
        return retries.length >= attempt;
      }, { timeoutMs: 3000, intervalMs: 50, message: `retry ${attempt}` });
      assert.equal(retries.length, attempt);
      current = retries[attempt - 1]!;
      assert.equal(current.reconsumeTimes, attempt);
      // Delay level 3 + reconsume count before the send-back (both 1 s in this level table).
      assert.equal(current.properties.get("DELAY"), String(2 + attempt));
      assert.ok(current.storeTimestamp - backAt >= 950, "retried before its delay level");
      assert.equal(current.properties.get("RETRY_TOPIC"), "retry_t");
      assert.equal(current.properties.get("ORIGIN_MESSAGE_ID"), firstOffsetId);
      assert.equal(current.properties.get("user"), "u1");
      assert.equal((await pullAll(client, "%DLQ%cg", 0)).length, 0, "DLQ before the last try");
    }
    const last = await client.request(sendBack(current, 2));
    assert.equal(last.code, ResponseCode.SUCCESS, last.remark);
    const dead = await pullAll(client, "%DLQ%cg", 0);
    assert.equal(dead.length, 1);
    assert.equal(decoder.decode(dead[0]!.body), "always-fails");
    assert.equal(dead[0]!.reconsumeTimes, 3);
    assert.equal(dead[0]!.properties.get("RETRY_TOPIC"), "retry_t");
    assert.equal(dead[0]!.properties.get("ORIGIN_MESSAGE_ID"), firstOffsetId);
    assert.equal(dead[0]!.properties.get("UNIQ_KEY"), "UNIQ-RETRY-1");
    assert.equal(dead[0]!.properties.get("KEYS"), "k1");
    assert.equal(dead[0]!.properties.get("user"), "u1");
    await sleep(1200);
    const retried = await pullAll(client, "%RETRY%cg", 0);
    assert.equal(retried.length, 2, "no retry after the DLQ, none twice after the restart");
    const bad = await client.request(sendBack({ ...current, commitLogOffset: 12345 }, 2));
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
  } finally {
    await client.close();
    await broker.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});
