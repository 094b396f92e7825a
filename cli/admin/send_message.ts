/**
 * `sendMessage`: sends one message (body `-p`, keys, tags), to a chosen broker and queue or
 * to the queue the producer picks, and prints where it went.
 *
 * Runs on: main thread
 * @module
 */
import { Producer } from "../../client/mod.ts";
import { UsageError } from "../exit_codes.ts";
import type { AdminCommand } from "./_command.ts";
import { intOption, optString, reqString } from "./_command.ts";
import { formatTable } from "./_table.ts";

/** `mqadmin sendMessage -t topic -p body [-k keys] [-c tags] [-b brokerName] [-i queueId]`. */
export const sendMessage: AdminCommand = {
  name: "sendMessage",
  description: "Send a message",
  options: {
    topic: { short: "t", description: "Topic name", required: true },
    body: { short: "p", description: "UTF-8 string format of the message body", required: true },
    key: { short: "k", description: "Message keys" },
    tags: { short: "c", description: "Message tags" },
    broker: { short: "b", description: "Send message to target broker name" },
    qid: { short: "i", description: "Send message to target queue id (with -b)" },
  },
  check: (values) =>
    values.qid !== undefined && values.broker === undefined
      ? "Option -i needs -b <brokerName>"
      : undefined,
  async run(ctx, values) {
    const topic = reqString(values, "topic");
    const body = reqString(values, "body");
    if (body === "") throw new UsageError("Invalid value for --body: the body must not be empty");
    if (ctx.namesrvAddr.trim() === "") {
      throw new UsageError("No name server address: give -n <host:port> or set NAMESRV_ADDR");
    }
    const producer = new Producer({
      namesrvAddr: ctx.namesrvAddr,
      groupName: `PID_MQADMIN_${Date.now()}`,
      instanceName: "mqadmin",
      requestTimeoutMs: ctx.timeoutMs,
      sendTimeoutMs: ctx.timeoutMs,
    });
    await producer.start();
    try {
      const keys = optString(values, "key");
      const tags = optString(values, "tags");
      const brokerName = optString(values, "broker");
      const message = {
        topic,
        body,
        ...(keys === undefined ? {} : { keys }),
        ...(tags === undefined ? {} : { tags }),
      };
      const queue = brokerName === undefined ? undefined : {
        topic,
        brokerName,
        queueId: intOption(values, "qid", { fallback: 0, min: 0, max: 65535 }),
      };
      const result = await producer.send(message, queue === undefined ? {} : { queue });
      ctx.io.out(formatTable(
        ["Broker Name", "QID", "Send Result", "MsgId"],
        [[
          result.messageQueue.brokerName,
          result.messageQueue.queueId,
          result.status,
          result.msgId,
        ]],
      ));
    } finally {
      await producer.shutdown();
    }
    return 0;
  },
};
