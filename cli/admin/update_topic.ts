/**
 * `updateTopic`: creates or updates a topic on one broker (`-b`) or on every master of a
 * cluster (`-c`) with UPDATE_AND_CREATE_TOPIC; Java's defaults (8 read and write queues,
 * perm 6).
 *
 * Runs on: main thread
 * @module
 */
import { validateTopic } from "../../common/mod.ts";
import { UsageError } from "../exit_codes.ts";
import type { AdminCommand } from "./_command.ts";
import { boolOption, brokerOrCluster, intOption, optString, reqString } from "./_command.ts";

/** `mqadmin updateTopic -t topic (-b addr | -c cluster) [-r 8] [-w 8] [-p 6] [-o false]`. */
export const updateTopic: AdminCommand = {
  name: "updateTopic",
  description: "Update or create topic",
  options: {
    topic: { short: "t", description: "Topic name", required: true },
    brokerAddr: { short: "b", description: "Create topic to which broker" },
    clusterName: { short: "c", description: "Create topic to which cluster" },
    readQueueNums: { short: "r", description: "Set read queue nums (default 8)" },
    writeQueueNums: { short: "w", description: "Set write queue nums (default 8)" },
    perm: { short: "p", description: "Set topic's permission (2|4|6), intro[2:W 4:R; 6:RW]" },
    order: { short: "o", description: "Set topic's order (true|false)" },
    unit: { short: "u", description: "Is unit topic (true|false)" },
    hasUnitSub: { short: "s", description: "Has unit sub (true|false)" },
  },
  check: brokerOrCluster,
  async run(ctx, values) {
    const topic = reqString(values, "topic");
    const check = validateTopic(topic);
    if (!check.ok) throw new UsageError(`Invalid topic name "${topic}": ${check.message}`);
    const perm = intOption(values, "perm", { fallback: 6, min: 0, max: 15 });
    if (![2, 4, 6].includes(perm & 6) || (perm & 6) === 0) {
      throw new UsageError(`Invalid value for --perm: "${perm}" must be 2, 4 or 6`);
    }
    const sysFlag = (boolOption(values, "unit", false) ? 1 : 0) |
      (boolOption(values, "hasUnitSub", false) ? 2 : 0);
    const settings = {
      readQueueNums: intOption(values, "readQueueNums", { fallback: 8, min: 1, max: 1024 }),
      writeQueueNums: intOption(values, "writeQueueNums", { fallback: 8, min: 1, max: 1024 }),
      perm,
      order: boolOption(values, "order", false),
      topicSysFlag: sysFlag,
    };
    const admin = await ctx.admin();
    const one = optString(values, "brokerAddr");
    const addrs = one !== undefined
      ? [one]
      : (await ctx.clusterBrokers(optString(values, "clusterName") ?? "", true)).map((b) => b.addr);
    for (const addr of addrs) {
      await admin.createTopic(topic, { brokerAddr: addr }, settings);
      ctx.io.out(`create topic to ${addr} success.`);
    }
    ctx.io.out(
      `TopicConfig [topicName=${topic}, readQueueNums=${settings.readQueueNums}, ` +
        `writeQueueNums=${settings.writeQueueNums}, perm=${permText(perm)}, ` +
        `topicFilterType=SINGLE_TAG, topicSysFlag=${sysFlag}, order=${settings.order}]`,
    );
    return 0;
  },
};

function permText(perm: number): string {
  return `${(perm & 4) !== 0 ? "R" : "-"}${(perm & 2) !== 0 ? "W" : "-"}${
    (perm & 1) !== 0 ? "X" : "-"
  }`;
}
