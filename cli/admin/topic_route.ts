/**
 * `topicRoute`: the topic's route from the name server (GET_ROUTEINFO_BY_TOPIC) as indented
 * JSON, or with `-l` as a table of broker, queue counts and permission.
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { boolOption, reqString } from "./_command.ts";
import { formatTable } from "./_table.ts";

/** `mqadmin topicRoute -t topic [-l]`. */
export const topicRoute: AdminCommand = {
  name: "topicRoute",
  description: "Examine topic route info",
  options: {
    topic: { short: "t", description: "Topic name", required: true },
    list: { short: "l", type: "boolean", description: "Print as a table" },
  },
  async run(ctx, values) {
    const route = await ctx.route(reqString(values, "topic"));
    if (boolOption(values, "list", false)) {
      const rows = route.queueDatas.map((q) => {
        const b = route.brokerDatas.find((d) => d.brokerName === q.brokerName);
        return [
          b?.cluster ?? "",
          q.brokerName,
          b?.brokerAddrs.get(0) ?? "",
          q.readQueueNums,
          q.writeQueueNums,
          q.perm,
        ];
      });
      ctx.io.out(
        formatTable(
          ["ClusterName", "BrokerName", "BrokerAddr", "ReadQueue", "WriteQueue", "Perm"],
          rows,
        ),
      );
      return 0;
    }
    const json = {
      brokerDatas: route.brokerDatas.map((b) => ({
        brokerAddrs: Object.fromEntries(b.brokerAddrs),
        brokerName: b.brokerName,
        cluster: b.cluster,
      })),
      queueDatas: route.queueDatas,
    };
    ctx.io.out(JSON.stringify(json, null, 2));
    return 0;
  },
};
