/**
 * `queryMsgById`: one message by its offset message id (VIEW_MESSAGE_BY_ID on the broker the
 * id names); with `-t`, an id that is not an offset id is looked up as a unique key
 * (QUERY_MESSAGE with `_UNIQUE_KEY_QUERY`).
 *
 * Runs on: main thread
 * @module
 */
import type { MessageView } from "../../client/mod.ts";
import { UsageError } from "../exit_codes.ts";
import type { AdminCommand } from "./_command.ts";
import { optString, reqString } from "./_command.ts";
import { formatMessage, fromMessageView } from "./_message_text.ts";

const OFFSET_ID = /^[0-9A-Fa-f]{32}$|^[0-9A-Fa-f]{56}$/;

/** `mqadmin queryMsgById -i msgId [-t topic]`. */
export const queryMsgById: AdminCommand = {
  name: "queryMsgById",
  description: "Query Message by Id",
  options: {
    msgId: {
      short: "i",
      description: "Message Id (offset id; unique key with -t)",
      required: true,
    },
    topic: { short: "t", description: "Topic, to look the id up as a unique key" },
  },
  async run(ctx, values) {
    const admin = await ctx.admin();
    const ids = reqString(values, "msgId").split(",").map((s) => s.trim()).filter((s) => s !== "");
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
