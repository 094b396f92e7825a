/**
 * `runMqadmin(args, options)`: the whole `mqadmin` tool as one function, so tests run it in
 * process. No command lists the commands, `help <command>` shows its flags, a bad command
 * line exits 2 with what is wrong, a failed request exits 1 with the server's words.
 *
 * Runs on: main thread
 * @module
 */
import { parseArgs } from "node:util";
import { AdminClient } from "../../client/mod.ts";
import { ExitCode, exitCodeFor, UsageError } from "../exit_codes.ts";
import type { AdminCommand, AdminContext, AdminIo, BrokerAddr, OptionValues } from "./_command.ts";
import { intOption } from "./_command.ts";
import { AdminRequests } from "./_requests.ts";
import { ADMIN_COMMANDS } from "./commands.ts";
import type { SessionCredentials } from "../../common/acl/mod.ts";
import { CREDENTIAL_OPTIONS, resolveCredentials, resolveTls, TLS_OPTIONS } from "./_credentials.ts";

/** Options every command accepts. */
const COMMON_OPTIONS = {
  namesrvAddr: {
    short: "n",
    description: "Name server address list, eg: 127.0.0.1:9876;192.168.0.1:9876",
  },
  timeoutMs: { description: "Time allowed per request in ms (default 3000)" },
  ...CREDENTIAL_OPTIONS,
  ...TLS_OPTIONS,
  help: { short: "h", type: "boolean", description: "Print help" },
} as const;

/** Options of `runMqadmin`. */
export interface RunMqadminOptions {
  io: AdminIo;
  /** Environment lookup (`NAMESRV_ADDR`, `ROCKETMQ_ACCESS_KEY`, `ROCKETMQ_SECRET_KEY`, `ROCKETMQ_HOME`); default none. */
  env?: (name: string) => string | undefined;
  /** Commands to offer; default every command. */
  commands?: readonly AdminCommand[];
}

function commandList(commands: readonly AdminCommand[]): string {
  return [
    "usage: mqadmin <command> [-n <namesrvAddr>] [args]",
    "",
    "The most commonly used mqadmin commands are:",
    ...commands.map((c) => `   ${c.name.padEnd(22)} ${c.description}`),
    "",
    "See 'mqadmin help <command>' for more information on a specific command.",
  ].join("\n");
}

/** The help text of one command: its flags, required ones marked. */
export function commandHelp(command: AdminCommand): string {
  const all = { ...command.options, ...COMMON_OPTIONS };
  const rows = Object.entries(all).map(([name, spec]) => {
    const flag = `${
      "short" in spec && spec.short !== undefined ? `-${spec.short},` : "   "
    } --${name}`;
    const arg = "type" in spec && spec.type === "boolean" ? "" : ` <${name}>`;
    const req = "required" in spec && spec.required === true ? " (required)" : "";
    return `  ${(flag + arg).padEnd(42)} ${spec.description}${req}`;
  });
  return [`usage: mqadmin ${command.name} [options]`, command.description, "", ...rows].join("\n");
}

function parseValues(command: AdminCommand, args: string[]): OptionValues {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...command.options, ...COMMON_OPTIONS })) {
    const type = "type" in spec && spec.type === "boolean" ? "boolean" : "string";
    options[name] = "short" in spec && spec.short !== undefined
      ? { type, short: spec.short }
      : { type };
  }
  let values: OptionValues;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return values;
  for (const [name, spec] of Object.entries(command.options)) {
    if (spec.required === true && values[name] === undefined) {
      const short = spec.short === undefined ? "" : `-${spec.short}, `;
      throw new UsageError(`Missing required option: ${short}--${name}`);
    }
  }
  const problem = command.check?.(values);
  if (problem !== undefined) throw new UsageError(problem);
  return values;
}

function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": caused by: ");
}

class Context implements AdminContext {
  readonly io: AdminIo;
  readonly namesrvAddr: string;
  readonly timeoutMs: number;
  readonly #credentials: SessionCredentials | undefined;
  readonly #tls: { caCerts?: string[] } | undefined;
  #admin: AdminClient | undefined;
  #requests: AdminRequests | undefined;

  constructor(
    io: AdminIo,
    namesrvAddr: string,
    options: {
      timeoutMs: number;
      credentials: SessionCredentials | undefined;
      tls: { caCerts?: string[] } | undefined;
    },
  ) {
    this.io = io;
    this.namesrvAddr = namesrvAddr;
    this.timeoutMs = options.timeoutMs;
    this.#credentials = options.credentials;
    this.#tls = options.tls;
  }

  async admin(): Promise<AdminClient> {
    if (this.#admin === undefined) {
      if (this.namesrvAddr.trim() === "") {
        throw new UsageError("No name server address: give -n <host:port> or set NAMESRV_ADDR");
      }
      this.#admin = new AdminClient({
        namesrvAddr: this.namesrvAddr,
        instanceName: "mqadmin",
        requestTimeoutMs: this.timeoutMs,
        ...(this.#credentials === undefined ? {} : { credentials: this.#credentials }),
        ...(this.#tls === undefined ? {} : { tls: this.#tls }),
      });
      await this.#admin.start();
    }
    return this.#admin;
  }

  requests(): AdminRequests {
    this.#requests ??= new AdminRequests({
      timeoutMs: this.timeoutMs,
      credentials: this.#credentials,
      tls: this.#tls,
    });
    return this.#requests;
  }

  async clusterBrokers(clusterName: string, masterOnly: boolean): Promise<BrokerAddr[]> {
    const info = await (await this.admin()).clusterInfo();
    const names = info.clusterAddrTable.get(clusterName);
    if (names === undefined) throw new UsageError(`Unknown cluster "${clusterName}"`);
    const result: BrokerAddr[] = [];
    for (const brokerName of [...names].sort()) {
      const data = info.brokerAddrTable.get(brokerName);
      const ids = [...(data?.brokerAddrs.keys() ?? [])].sort((a, b) => a - b);
      for (const brokerId of ids) {
        if (masterOnly && brokerId !== 0) continue;
        const addr = data?.brokerAddrs.get(brokerId);
        if (addr !== undefined) result.push({ clusterName, brokerName, brokerId, addr });
      }
    }
    return result;
  }

  async route(topic: string) {
    return await (await this.admin()).topicRoute(topic);
  }

  async close(): Promise<void> {
    await this.#admin?.shutdown();
    await this.#requests?.close();
  }
}

/** Runs `mqadmin` with `args` (without the program name); resolves to the exit code. */
export async function runMqadmin(
  args: readonly string[],
  options: RunMqadminOptions,
): Promise<number> {
  const { io } = options;
  const commands = options.commands ?? ADMIN_COMMANDS;
  const [name, ...rest] = args;
  if (name === undefined || name === "-h" || name === "--help") {
    io.out(commandList(commands));
    return ExitCode.OK;
  }
  if (name === "help") {
    if (rest[0] === undefined) {
      io.out(commandList(commands));
      return ExitCode.OK;
    }
    const target = commands.find((c) => c.name === rest[0]);
    if (target === undefined) {
      io.err(`Unknown command "${rest[0]}"\n${commandList(commands)}`);
      return ExitCode.USAGE;
    }
    io.out(commandHelp(target));
    return ExitCode.OK;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`Unknown command "${name}"\n${commandList(commands)}`);
    return ExitCode.USAGE;
  }
  let ctx: Context | undefined;
  try {
    const values = parseValues(command, rest);
    if (values.help === true) {
      io.out(commandHelp(command));
      return ExitCode.OK;
    }
    const namesrv = typeof values.namesrvAddr === "string"
      ? values.namesrvAddr
      : options.env?.("NAMESRV_ADDR") ?? "";
    const timeoutMs = intOption(values, "timeoutMs", { fallback: 3000, min: 1, max: 600_000 });
    const credentials = resolveCredentials(values, { env: options.env });
    const tls = resolveTls(values, { env: options.env });
    ctx = new Context(io, namesrv, { timeoutMs, credentials, tls });
    return await command.run(ctx, values);
  } catch (error) {
    const code = exitCodeFor(error);
    if (code === ExitCode.USAGE) {
      io.err(`${describe(error)}\nSee 'mqadmin help ${command.name}'.`);
    } else {
      const text = describe(error);
      const namesrv = ctx?.namesrvAddr.split(";").map((a) => a.trim()).find((a) =>
        a !== "" && text.includes(a)
      );
      const prefix = namesrv !== undefined && /connect|closed|timed out/i.test(text)
        ? `name server ${namesrv} is unreachable: `
        : "";
      io.err(`${command.name} command failed: ${prefix}${text}`);
    }
    return code;
  } finally {
    await ctx?.close();
  }
}
