/**
 * `queryMsgById`: one message by its offset message id (VIEW_MESSAGE_BY_ID on the broker the
 * id names); with `-t`, an id that is not an offset id is looked up as a unique key
 * (QUERY_MESSAGE with `_UNIQUE_KEY_QUERY`). As Java's: `-g group -d clientId` has that consumer
 * consume the message now (CONSUME_MESSAGE_DIRECTLY through the broker) and prints its
 * `ConsumeMessageDirectlyResult`; `-s true` sends the message again to its topic with a producer
 * and prints the `SendResult`; `-u` (unit name) is accepted and ignored.
 *
 * Runs on: main thread
 * @module
 */
import { formatConsumeDirectlyResult, type MessageView } from "../../client/mod.ts";
import { UsageError } from "../exit_codes.ts";
import type { AdminCommand, AdminContext } from "./_command.ts";
import { optString, reqString } from "./_command.ts";
import { formatMessage, fromMessageView } from "./_message_text.ts";
import { resendMessage } from "./_resend.ts";

const OFFSET_ID = /^[0-9A-Fa-f]{32}$|^[0-9A-Fa-f]{56}$/;

/** `mqadmin queryMsgById -i msgId [-t topic] [-g group -d clientId] [-s true] [-u unit]`. */
export const queryMsgById: AdminCommand = {
  name: "queryMsgById",
  description: "Query Message by Id",
  options: {
    msgId: {
      short: "i",
      description: "Message Id (offset id; unique key with -t); several separated by commas",
      required: true,
    },
    topic: { short: "t", description: "Topic, to look the id up as a unique key" },
    consumerGroup: { short: "g", description: "consumer group name (with -d: push to it)" },
    clientId: { short: "d", description: "The consumer's client id (with -g)" },
    sendMessage: { short: "s", description: "resend message (true/false)" },
    unitName: { short: "u", description: "unit name (accepted and ignored)" },
  },
  check: (values) =>
    (values.consumerGroup === undefined) !== (values.clientId === undefined)
      ? "Options -g and -d go together"
      : undefined,
  async run(ctx, values) {
    const ids = reqString(values, "msgId").split(",").map((s) => s.trim()).filter((s) => s !== "");
    if (optString(values, "unitName") !== undefined) {
      ctx.io.err("Note: -u (unit name) is ignored: this broker has no units");
    }
    const group = optString(values, "consumerGroup");
    const clientId = optString(values, "clientId");
    if (group !== undefined && clientId !== undefined) {
      return await pushToConsumer(ctx, ids, group.trim(), clientId.trim());
    }
    const resend = optString(values, "sendMessage");
    if (resend !== undefined) {
      if (resend.trim().toLowerCase() !== "true") {
        ctx.io.err(`Note: -s ${resend}: nothing resent (give -s true)`);
        return 0;
      }
      for (const id of ids) await resendMessage(ctx, id);
      return 0;
    }
    const admin = await ctx.admin();
    const topic = optString(values, "topic");
    for (const id of ids) {
      let found: MessageView[];
      if (topic !== undefined) {
        found = await admin.queryMessage(topic, id, { uniqueKey: true, maxNum: 32 });
        if (found.length === 0 && OFFSET_ID.test(id)) found = [await admin.viewMessage(id)];
      } else if (OFFSET_ID.test(id)) {
        found = [await admin.viewMessage(id)];
      } else {
        throw new UsageError(
          `"${id}" is not an offset message id; give -t <topic> to look it up as a unique key`,
        );
      }
      if (found.length === 0) {
        ctx.io.err(`Message "${id}" not found`);
        return 1;
      }
      for (const m of found) ctx.io.out(formatMessage(fromMessageView(m)));
    }
    return 0;
  },
};

async function pushToConsumer(
  ctx: AdminContext,
  ids: string[],
  group: string,
  clientId: string,
): Promise<number> {
  const admin = await ctx.admin();
  for (const id of ids) {
    if (!OFFSET_ID.test(id)) throw new UsageError(`"${id}" is not an offset message id`);
    const result = await admin.consumeMessageDirectly(group, clientId, id);
    ctx.io.out(formatConsumeDirectlyResult(result));
  }
  return 0;
}
