/**
 * Our TransactionProducer end to end with real processes: a committed
 * message is delivered, a rolled-back one never is, and one left `UNKNOW`
 * is checked by the broker (CHECK_TRANSACTION_STATE to this producer),
 * committed by the check listener and then delivered. Method: a name server
 * and a broker as child processes (`transactionTimeOut=300`,
 * `transactionCheckInterval=500`), our producer and a PushConsumer in this
 * process.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { PushConsumer, TransactionProducer } from "../../client/mod.ts";
import type { LocalTransactionState } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { startClientCluster, text } from "./_client_cluster.ts";

Deno.test("TransactionProducer commits, rolls back and resolves a checked half message", async () => {
  const cluster = await startClientCluster({
    transactionTimeOut: "300",
    transactionCheckInterval: "500",
  });
  const topic = "it_tx";
  const received: string[] = [];
  const checked: string[] = [];
  const local: Record<string, LocalTransactionState> = {
    commit: "COMMIT_MESSAGE",
    rollback: "ROLLBACK_MESSAGE",
    unknown: "UNKNOW",
  };
  const producer = new TransactionProducer({
    ...cluster.options("tx-producer"),
    groupName: "it_tx_pg",
    transactionListener: {
      executeLocalTransaction: (message) => local[String(message.body)] ?? "UNKNOW",
      checkLocalTransaction: (message) => {
        checked.push(text(message.body));
        return "COMMIT_MESSAGE";
      },
    },
  });
  const consumer = new PushConsumer({
    ...cluster.options("tx-consumer"),
    groupName: "it_tx_cg",
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    suspendTimeoutMs: 2000,
    listener: (messages) => {
      for (const m of messages) received.push(text(m.body));
    },
  }).subscribe(topic);
  try {
    await cluster.createTopic(topic, 2);
    await producer.start();
    await consumer.start();
    const results = [];
    for (const body of ["commit", "rollback", "unknown"]) {
      results.push(await producer.sendMessageInTransaction({ topic, body }));
    }
    assert.deepEqual(results.map((r) => r.status), ["SEND_OK", "SEND_OK", "SEND_OK"]);
    assert.deepEqual(results.map((r) => r.localTransactionState), [
      "COMMIT_MESSAGE",
      "ROLLBACK_MESSAGE",
      "UNKNOW",
    ]);
    await waitFor(() => received.includes("commit"), {
      timeoutMs: 10_000,
      message: "the committed message",
    });
    await waitFor(() => received.includes("unknown"), {
      timeoutMs: 15_000,
      message: "the checked message, committed by the check listener",
    });
    assert.deepEqual(checked.filter((b) => b !== "unknown"), [], "only the unknown one is checked");
    assert.ok(checked.length >= 1);
    // Give a late rollback leak time to show up, then require that it never did.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.deepEqual(received.sort(), ["commit", "unknown"]);
  } finally {
    await consumer.shutdown();
    await producer.shutdown();
    await cluster.stop();
  }
});
