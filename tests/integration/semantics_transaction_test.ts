/**
 * Transactional messages end to end, as the 4.9.4 fixture `04-java-transaction.jsonl` shows
 * them. Goals: half messages are invisible; one-way END_TRANSACTION commit makes one visible
 * in its real topic, rollback discards one; a half message left unresolved across a broker
 * restart is checked with CHECK_TRANSACTION_STATE (one-way, JSON, header fields as Java sends
 * them, body = the message with its real topic and queue) sent to the live producer, and the
 * test, playing that producer, commits it with `fromTransactionCheck=true`, after which it is
 * visible exactly once and no further check arrives; a half message never answered is checked
 * exactly `transactionCheckMax` times, then moved to TRANS_CHECK_MAX_TIME_TOPIC, never visible.
 * Method: a real `broker/main.ts` process
 * (`transactionTimeOut=300`, `transactionCheckInterval=500`), raw frames, SIGTERM between runs.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { decodeOffsetMessageId, decodeStoredMessages } from "../../common/mod.ts";
import { type RemotingCommand, RequestCode, ResponseCode } from "../../remoting/mod.ts";
import { javaRequest, waitFor, WireClient } from "../harness.ts";
import { heartbeat, pullAll, sendOk, sleep, startSemanticsBroker } from "./semantics_wire.ts";

const decoder = new TextDecoder();
const TX = { transactionTimeOut: "300", transactionCheckInterval: "500" };
const PG = "tx_pg";

function half(uniqKey: string, body: string) {
  return {
    topic: "tx_t",
    queueId: 2,
    body,
    producerGroup: PG,
    sysFlag: 4,
    properties: { TRAN_MSG: "true", UNIQ_KEY: uniqKey, PGROUP: PG },
  };
}

function endTransaction(
  fields: { commitLogOffset: string; tranStateTableOffset: string; msgId: string },
  commitOrRollback: number,
  fromTransactionCheck: boolean,
): RemotingCommand {
  return javaRequest(RequestCode.END_TRANSACTION, {
    producerGroup: PG,
    commitLogOffset: fields.commitLogOffset,
    msgId: fields.msgId,
    tranStateTableOffset: fields.tranStateTableOffset,
    commitOrRollback: String(commitOrRollback),
    ...(fromTransactionCheck ? { transactionId: fields.msgId } : {}),
    fromTransactionCheck: String(fromTransactionCheck),
  }, { oneway: true });
}

function endFromSend(sent: Record<string, string>, uniqKey: string) {
  return {
    commitLogOffset: String(decodeOffsetMessageId(sent["msgId"] ?? "").offset),
    tranStateTableOffset: sent["queueOffset"] ?? "",
    msgId: uniqKey,
  };
}

function checks(client: WireClient): RemotingCommand[] {
  return client.received.filter((c) => c.code === RequestCode.CHECK_TRANSACTION_STATE);
}

/** Second run: the unresolved half message is checked, committed from the check, seen once. */
async function checkedAfterRestart(storeDir: string): Promise<void> {
  const second = await startSemanticsBroker(storeDir, TX);
  const client = await WireClient.connect(second.port);
  try {
    const beat = await client.request(heartbeat("127.0.0.1@tx", { producerGroups: [PG] }));
    assert.equal(beat.code, ResponseCode.SUCCESS);
    await waitFor(() => checks(client).length > 0, { timeoutMs: 5000, message: "a check" });
    const check = checks(client)[0]!;
    assert.equal(check.serializeType, "JSON");
    assert.equal(check.flag & 2, 2, "one-way");
    const fields = check.extFields as Record<string, string>;
    assert.equal(fields["msgId"], "UNIQ-A");
    assert.equal(fields["transactionId"], "UNIQ-A");
    const [message] = decodeStoredMessages(check.body ?? new Uint8Array());
    assert.equal(message?.topic, "tx_t");
    assert.equal(message?.queueId, 2);
    assert.equal(decoder.decode(message?.body), "pending");
    assert.equal(message?.properties.get("TRANSACTION_CHECK_TIMES"), "1");
    assert.equal(String(message?.commitLogOffset), fields["commitLogOffset"]);
    assert.equal(String(message?.queueOffset), fields["tranStateTableOffset"]);
    assert.equal(fields["offsetMsgId"], message?.msgId);
    await client.send(endTransaction(
      {
        commitLogOffset: fields["commitLogOffset"]!,
        tranStateTableOffset: fields["tranStateTableOffset"]!,
        msgId: "UNIQ-A",
      },
      8,
      true,
    ));
    await waitFor(async () => (await pullAll(client, "tx_t", 2)).length === 2, {
      timeoutMs: 3000,
      message: "the checked commit",
    });
    const seenChecks = checks(client).length;
    await sleep(1500);
    const bodies = (await pullAll(client, "tx_t", 2)).map((m) => decoder.decode(m.body));
    assert.deepEqual(bodies, ["committed", "pending"]);
    assert.equal(checks(client).length, seenChecks, "checked again after the commit");
    assert.ok(
      checks(client).every((c) => (c.extFields as Record<string, string>)["msgId"] === "UNIQ-A"),
    );
  } finally {
    await client.close();
    await second.stop();
  }
}

Deno.test("transactions commit, roll back, and resolve a half message checked after a restart", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "semantics-tx-" });
  try {
    const first = await startSemanticsBroker(storeDir, { transactionCheckInterval: "600000" });
    const client = await WireClient.connect(first.port);
    const sentA = await sendOk(client, half("UNIQ-A", "pending"));
    const sentB = await sendOk(client, half("UNIQ-B", "committed"));
    const sentC = await sendOk(client, half("UNIQ-C", "rolled-back"));
    assert.equal(sentA["queueId"], "2");
    assert.deepEqual([sentA, sentB, sentC].map((s) => s["queueOffset"]), ["0", "1", "2"]);
    assert.equal((await pullAll(client, "tx_t", 2)).length, 0, "half messages are invisible");
    await client.send(endTransaction(endFromSend(sentB, "UNIQ-B"), 8, false));
    await client.send(endTransaction(endFromSend(sentC, "UNIQ-C"), 12, false));
    await client.send(endTransaction(endFromSend(sentA, "UNIQ-A"), 0, false));
    await waitFor(async () => (await pullAll(client, "tx_t", 2)).length === 1, {
      timeoutMs: 3000,
      message: "the commit",
    });
    const [committed] = await pullAll(client, "tx_t", 2);
    assert.equal(decoder.decode(committed!.body), "committed");
    assert.equal(committed!.properties.get("TRAN_MSG"), undefined);
    assert.equal(committed!.sysFlag & 0xc, 8);
    const halfOffset = decodeOffsetMessageId(sentB["msgId"]!).offset;
    assert.equal(committed!.preparedTransactionOffset, halfOffset);
    // The commit keeps the half message's born time; its store time is new (Java 4.9.4's
    // CommitLog.asyncPutMessage sets it on every put).
    const view = await client.request(
      javaRequest(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(halfOffset) }),
    );
    const [halfMessage] = decodeStoredMessages(view.body!);
    assert.equal(committed!.bornTimestamp, halfMessage!.bornTimestamp);
    assert.ok(committed!.storeTimestamp >= halfMessage!.storeTimestamp);
    await client.close();
    assert.equal((await first.stop()).code, 0);

    await checkedAfterRestart(storeDir);
  } finally {
    await Deno.remove(storeDir, { recursive: true });
  }
});

Deno.test("a half message never resolved is checked transactionCheckMax times, then moved to TRANS_CHECK_MAX_TIME_TOPIC", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "semantics-tx-max-" });
  const broker = await startSemanticsBroker(storeDir, { ...TX, transactionCheckMax: "2" });
  const client = await WireClient.connect(broker.port);
  try {
    const beat = await client.request(heartbeat("127.0.0.1@txmax", { producerGroups: [PG] }));
    assert.equal(beat.code, ResponseCode.SUCCESS);
    await sendOk(client, half("UNIQ-MAX", "never-answered"));
    await waitFor(async () => (await pullAll(client, "TRANS_CHECK_MAX_TIME_TOPIC", 0)).length > 0, {
      timeoutMs: 10_000,
      message: "the discarded half message",
    });
    const [discarded] = await pullAll(client, "TRANS_CHECK_MAX_TIME_TOPIC", 0);
    assert.equal(decoder.decode(discarded!.body), "never-answered");
    const counts = checks(client).map((c) =>
      decodeStoredMessages(c.body ?? new Uint8Array())[0]?.properties.get("TRANSACTION_CHECK_TIMES")
    );
    assert.deepEqual(counts, ["1", "2"], "checked exactly transactionCheckMax times");
    await sleep(1500);
    assert.equal(checks(client).length, 2, "no check after the discard");
    assert.equal((await pullAll(client, "tx_t", 2)).length, 0, "never visible");
  } finally {
    await client.close();
    await broker.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});
