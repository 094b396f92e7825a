/**
 * `queryMsgById -s true`: the stored message sent again to its topic by a producer of group
 * `ReSendMsgById` (Java's), with its body, tags, keys, flag and user properties. Unlike Java,
 * which sends the stored properties as they are, the resent copy gets a new unique key
 * (`UNIQ_KEY`): our producer sets the reserved properties itself.
 *
 * Runs on: main thread
 * @module
 */
import { RESERVED_PROPERTY_NAMES } from "../../common/mod.ts";
import { type Message, Producer, type SendResult } from "../../client/mod.ts";
import { UsageError } from "../exit_codes.ts";
import type { AdminContext } from "./_command.ts";

/** Java's `SendResult.toString()`. */
export function formatSendResult(result: SendResult): string {
  const mq = result.messageQueue;
  return `SendResult [sendStatus=${result.status}, msgId=${result.msgId}, ` +
    `offsetMsgId=${result.offsetMsgId}, messageQueue=MessageQueue [topic=${mq.topic}, ` +
    `brokerName=${mq.brokerName}, queueId=${mq.queueId}], queueOffset=${result.queueOffset}]`;
}

/** Loads the message `msgId` (an offset id), sends it again and prints the result. */
export async function resendMessage(ctx: AdminContext, msgId: string): Promise<void> {
  if (ctx.namesrvAddr.trim() === "") {
    throw new UsageError("No name server address: give -n <host:port> or set NAMESRV_ADDR");
  }
  const admin = await ctx.admin();
  const stored = await admin.viewMessage(msgId);
  const properties: Record<string, string> = {};
  for (const [name, value] of stored.properties) {
    if (!RESERVED_PROPERTY_NAMES.has(name)) properties[name] = value;
  }
  const message: Message = {
    topic: stored.topic,
    body: stored.body,
    properties,
    flag: stored.flag,
    ...(stored.tags === undefined ? {} : { tags: stored.tags }),
    ...(stored.keys.length === 0 ? {} : { keys: stored.keys }),
  };
  const producer = new Producer({
    namesrvAddr: ctx.namesrvAddr,
    groupName: "ReSendMsgById",
    instanceName: `mqadmin-resend-${Date.now()}`,
    requestTimeoutMs: ctx.timeoutMs,
    sendTimeoutMs: ctx.timeoutMs,
  });
  await producer.start();
  try {
    ctx.io.out(`prepare resend msg. originalMsgId=${msgId}`);
    ctx.io.out(formatSendResult(await producer.send(message)));
  } finally {
    await producer.shutdown();
  }
}
