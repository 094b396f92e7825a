/**
 * `mqadmin` as a library: `runMqadmin(args, { io })` runs one command line and resolves to
 * its exit code; `ADMIN_COMMANDS` lists the commands.
 *
 * ```ts ignore
 * import { runMqadmin } from "./mod.ts";
 * const lines: string[] = [];
 * const code = await runMqadmin(["topicList", "-n", "127.0.0.1:9876"], {
 *   io: { out: (t) => lines.push(t), err: (t) => lines.push(t) },
 * });
 * ```
 *
 * @module
 */
export { commandHelp, runMqadmin } from "./run_mqadmin.ts";
export type { RunMqadminOptions } from "./run_mqadmin.ts";
export { ADMIN_COMMANDS } from "./commands.ts";
export type { AdminCommand, AdminContext, AdminIo, OptionSpec, OptionValues } from "./_command.ts";
