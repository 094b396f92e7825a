/**
 * `consumerConnection`: the live connections of a consumer group, its subscriptions and
 * consume type (GET_CONSUMER_CONNECTION_LIST on the broker given with `-b`, else on the first
 * master that knows the group).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { optString, reqString } from "./_command.ts";
import type { ConsumerConnectionBody } from "./_requests.ts";
import { formatTable } from "./_table.ts";

/** `mqadmin consumerConnection -g group [-b brokerAddr]`. */
export const consumerConnection: AdminCommand = {
  name: "consumerConnection",
  description: "Query consumer's socket connection, client version and subscription",
  options: {
    consumerGroup: { short: "g", description: "Consumer group name", required: true },
    brokerAddr: { short: "b", description: "Ask this broker only" },
  },
  async run(ctx, values) {
    const group = reqString(values, "consumerGroup");
    const one = optString(values, "brokerAddr");
    let body: ConsumerConnectionBody | undefined;
    let lastError: unknown;
    if (one !== undefined) body = await ctx.requests().consumerConnections(one, group);
    const info = body === undefined ? await (await ctx.admin()).clusterInfo() : undefined;
    for (const clusterName of info?.clusterAddrTable.keys() ?? []) {
      for (const b of await ctx.clusterBrokers(clusterName, true)) {
        try {
          body = await ctx.requests().consumerConnections(b.addr, group);
          break;
        } catch (error) {
          lastError = error;
        }
      }
      if (body !== undefined) break;
    }
    if (body === undefined) throw lastError ?? new Error(`No broker knows group "${group}"`);
    ctx.io.out(formatTable(
      ["ID", "ClientId", "ClientAddr", "Language", "Version"],
      body.connections.map((c, i) => [i + 1, c.clientId, c.clientAddr, c.language, c.version]),
    ));
    ctx.io.out("");
    ctx.io.out("Below is subscription:");
    ctx.io.out(formatTable(
      ["ID", "Topic", "SubExpression"],
      body.subscriptions.map((s, i) => [i + 1, s.topic, s.subString]),
    ));
    ctx.io.out("");
    ctx.io.out(`ConsumeType: ${body.consumeType}`);
    ctx.io.out(`MessageModel: ${body.messageModel}`);
    ctx.io.out(`ConsumeFromWhere: ${body.consumeFromWhere}`);
    return 0;
  },
};
