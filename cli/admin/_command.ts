/**
 * The shape of one `mqadmin` command (name, flags, run) and the helpers commands use to read
 * flag values. Flags follow Java's mqadmin: one-letter short names (`-t`, `-c`, `-b`) with a
 * long name, values always given after the flag (`-o true`, not bare booleans).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminClient, TopicRouteData } from "../../client/mod.ts";
import { UsageError } from "../exit_codes.ts";
import type { AdminRequests } from "./_requests.ts";

/** Where a command writes: stdout lines and stderr lines. */
export interface AdminIo {
  out(text: string): void;
  err(text: string): void;
}

/** One flag of a command. */
export interface OptionSpec {
  /** One-letter short name (`t` for `-t`). */
  short?: string;
  /** `string` (default) takes a value; `boolean` is a bare switch. */
  type?: "string" | "boolean";
  /** Shown by `help <command>`. */
  description: string;
  /** The command cannot run without it. */
  required?: boolean;
}

/** Parsed flag values by long name. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** A master or slave broker address with its group name. */
export interface BrokerAddr {
  readonly clusterName: string;
  readonly brokerName: string;
  readonly brokerId: number;
  readonly addr: string;
}

/** What a running command may use. */
export interface AdminContext {
  readonly io: AdminIo;
  /** Name server list as given (`-n` or `NAMESRV_ADDR`); may be empty. */
  readonly namesrvAddr: string;
  /** Time allowed per request. */
  readonly timeoutMs: number;
  /** The started admin client (created on first use, shut down by the runner). */
  admin(): Promise<AdminClient>;
  /** Requests `AdminClient` does not offer. */
  requests(): AdminRequests;
  /** Brokers of a cluster (`masterOnly`: brokerId 0 only), sorted by name and id. */
  clusterBrokers(clusterName: string, masterOnly: boolean): Promise<BrokerAddr[]>;
  /** The route of `topic` (throws when it has none). */
  route(topic: string): Promise<TopicRouteData>;
}

/** One `mqadmin` sub-command. */
export interface AdminCommand {
  readonly name: string;
  /** One line, shown in the command list. */
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Extra checks over the values (such as "-b or -c"); returns what is wrong. */
  readonly check?: (values: OptionValues) => string | undefined;
  /** Runs the command; resolves to the exit code. */
  run(ctx: AdminContext, values: OptionValues): Promise<number>;
}

/** The value of a string flag, or `undefined`. */
export function optString(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** The value of a required string flag (the parser already checked it is there). */
export function reqString(values: OptionValues, name: string): string {
  const value = optString(values, name);
  if (value === undefined) throw new UsageError(`Missing required option --${name}`);
  return value;
}

/** An integer flag within `[min, max]`, or `fallback` when absent. */
export function intOption(
  values: OptionValues,
  name: string,
  options: { fallback: number; min?: number; max?: number },
): number {
  const text = optString(values, name);
  if (text === undefined) return options.fallback;
  const n = Number(text);
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  if (text.trim() === "" || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `Invalid value for --${name}: "${text}" is not an integer in [${min}, ${max}]`,
    );
  }
  return n;
}

/** A `true`/`false` flag value (Java style `-o true`), or `fallback` when absent. */
export function boolOption(values: OptionValues, name: string, fallback: boolean): boolean {
  const value = values[name];
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new UsageError(`Invalid value for --${name}: "${value}" is not true or false`);
}

/** "-b or -c" check shared by the commands that target one broker or a whole cluster. */
export function brokerOrCluster(values: OptionValues): string | undefined {
  const b = optString(values, "brokerAddr");
  const c = optString(values, "clusterName");
  if (b === undefined && c === undefined) {
    return "Missing option: give -b <brokerAddr> or -c <clusterName>";
  }
  return undefined;
}
