/**
 * `consumeMessage`: reads up to `-c` messages of a topic (one queue with `-b`/`-i`, else
 * every queue of every master), from `-o` or from the first message stored at or after `-s`,
 * with plain pulls that commit nothing, and prints each one.
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { intOption, optString, reqString } from "./_command.ts";
import { formatMessage, fromMessageExt } from "./_message_text.ts";
import { routeMasters } from "./_routes.ts";
import { TOOLS_CONSUMER_GROUP } from "./query_msg_by_offset.ts";

/** Messages per pull. */
const PULL_BATCH = 32;

/** `mqadmin consumeMessage -t topic [-b brokerName -i queueId] [-o offset] [-s begin] [-e end] [-c 128]`. */
export const consumeMessage: AdminCommand = {
  name: "consumeMessage",
  description: "Consume message",
  options: {
    topic: { short: "t", description: "Topic name", required: true },
    brokerName: { short: "b", description: "Broker name" },
    queueId: { short: "i", description: "Queue id" },
    offset: { short: "o", description: "Queue offset to start at" },
    consumerGroup: { short: "g", description: "Consumer group name (default TOOLS_CONSUMER)" },
    beginTimestamp: { short: "s", description: "Begin timestamp (ms)" },
    endTimestamp: { short: "e", description: "End timestamp (ms)" },
    MessageNumber: { short: "c", description: "Number of messages to consume (default 128)" },
  },
  check: (values) =>
    values.queueId !== undefined && values.brokerName === undefined
      ? "Option -i needs -b <brokerName>"
      : undefined,
  async run(ctx, values) {
    const topic = reqString(values, "topic");
    const group = optString(values, "consumerGroup") ?? TOOLS_CONSUMER_GROUP;
    const limit = intOption(values, "MessageNumber", { fallback: 128, min: 1, max: 100_000 });
    const begin = intOption(values, "beginTimestamp", { fallback: 0, min: 0 });
    const end = intOption(values, "endTimestamp", { fallback: Number.MAX_SAFE_INTEGER, min: 0 });
    const onlyBroker = optString(values, "brokerName");
    const onlyQueue = values.queueId === undefined
      ? undefined
      : intOption(values, "queueId", { fallback: 0, min: 0, max: 65535 });
    const requests = ctx.requests();
    let count = 0;
    for (const m of routeMasters(await ctx.route(topic))) {
      if (onlyBroker !== undefined && m.brokerName !== onlyBroker) continue;
      for (let queueId = 0; queueId < m.readQueueNums && count < limit; queueId++) {
        if (onlyQueue !== undefined && queueId !== onlyQueue) continue;
        const queue = { topic, queueId, group };
        let offset = values.offset !== undefined
          ? intOption(values, "offset", { fallback: 0, min: 0 })
          : begin > 0
          ? await requests.searchOffset(m.addr, queue, begin)
          : await requests.queueOffset(m.addr, queue, "min");
        const max = await requests.queueOffset(m.addr, queue, "max");
        for (let round = 0; offset < max && count < limit && round < 100_000; round++) {
          const batch = await requests.pull(m.addr, queue, { offset, maxNums: PULL_BATCH });
          if (batch.length === 0) break;
          for (const message of batch) {
            offset = message.queueOffset + 1;
            if (message.storeTimestamp < begin || message.storeTimestamp > end) continue;
            if (count >= limit) break;
            ctx.io.out(formatMessage(fromMessageExt(message)));
            ctx.io.out("");
            count++;
          }
        }
      }
    }
    ctx.io.out(`Consumed ${count} message(s)`);
    return 0;
  },
};
