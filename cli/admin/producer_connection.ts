/**
 * `producerConnection`: the live connections of a producer group, asked of every master of
 * the topic's route (GET_PRODUCER_CONNECTION_LIST).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { reqString } from "./_command.ts";
import type { Connection } from "./_requests.ts";
import { routeMasters } from "./_routes.ts";
import { formatTable } from "./_table.ts";

/** `mqadmin producerConnection -g group -t topic`. */
export const producerConnection: AdminCommand = {
  name: "producerConnection",
  description: "Query producer's socket connection and client version",
  options: {
    producerGroup: { short: "g", description: "Producer group name", required: true },
    topic: { short: "t", description: "Topic name", required: true },
  },
  async run(ctx, values) {
    const group = reqString(values, "producerGroup");
    const route = await ctx.route(reqString(values, "topic"));
    let found: Connection[] | undefined;
    let lastError: unknown;
    for (const m of routeMasters(route)) {
      try {
        found = await ctx.requests().producerConnections(m.addr, group);
        break;
      } catch (error) {
        lastError = error;
      }
    }
    if (found === undefined) throw lastError ?? new Error("The topic has no master broker");
    ctx.io.out(formatTable(
      ["ID", "ClientId", "ClientAddr", "Language", "Version"],
      found.map((c, i) => [i + 1, c.clientId, c.clientAddr, c.language, c.version]),
    ));
    return 0;
  },
};
