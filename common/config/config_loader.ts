/**
 * Loads the broker or name-server configuration from a properties file (or
 * text), command-line overrides and the environment, the way RocketMQ's
 * `BrokerStartup` / `NamesrvStartup` do: overrides (`-n`) win over the file,
 * the file wins over the environment (`NAMESRV_ADDR`, `ROCKETMQ_HOME`), which
 * wins over defaults. Unknown keys are warnings; a bad value throws
 * `ConfigError` naming where it came from, the key, the value and what is
 * expected.
 *
 * Runs on: main thread
 * @module
 */
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { parsePropertiesText } from "./properties_parser.ts";
import {
  type BrokerConfig,
  brokerConfigSchema,
  type ParsedBrokerConfig,
  resolveBrokerConfig,
} from "./broker_config.ts";
import {
  type NamesrvConfig,
  namesrvConfigSchema,
  type ParsedNamesrvConfig,
  resolveNamesrvConfig,
} from "./namesrv_config.ts";
import { denoEnv, detectMachineInfo, type EnvLookup, type MachineInfo } from "./machine_info.ts";

/** Where the configuration comes from. All fields are optional. */
export interface LoadConfigOptions {
  /** Properties file to read (unless `text` is given); also the name used in messages. */
  file?: string;
  /** Properties text to parse instead of reading `file`. */
  text?: string;
  /** Command-line values (such as `-n` as `namesrvAddr`); they win over the file. */
  overrides?: Record<string, string>;
  /** Environment: a lookup function or a plain record; default the process environment. */
  env?: EnvLookup | Record<string, string | undefined>;
  /** Machine facts for derived defaults; missing fields are detected. */
  machine?: Partial<MachineInfo>;
}

/** A loaded configuration and the warnings (unknown keys, ignored values) met on the way. */
export interface LoadedConfig<T> {
  /** The effective configuration. */
  config: T;
  /** One sentence per warning, naming the file (or source) and the key. */
  warnings: string[];
}

/** Environment variables read as defaults, as Java's start-up does. */
const BROKER_ENV_KEYS: Record<string, string> = {
  namesrvAddr: "NAMESRV_ADDR",
  rocketmqHome: "ROCKETMQ_HOME",
};
const NAMESRV_ENV_KEYS: Record<string, string> = { rocketmqHome: "ROCKETMQ_HOME" };

/**
 * Loads `broker.properties` semantics. Throws `ConfigError` on an unreadable
 * file, unparsable text or a bad value.
 *
 * @example
 * ```ts
 * import { loadBrokerConfig } from "./config_loader.ts";
 * const { config } = loadBrokerConfig({
 *   text: "brokerName=broker-a\nlistenPort=10921\n",
 *   overrides: { namesrvAddr: "127.0.0.1:9876" },
 *   env: {},
 *   machine: { hostname: "host", ipv4: "10.0.0.5", cores: 2, homeDir: "/home/mq" },
 * });
 * if (config.haListenPort !== 10922) throw new Error("unexpected");
 * ```
 */
export function loadBrokerConfig(options: LoadConfigOptions = {}): LoadedConfig<BrokerConfig> {
  const { parsed, warnings, machine } = loadRaw<ParsedBrokerConfig>(
    brokerConfigSchema,
    BROKER_ENV_KEYS,
    options,
  );
  const resolved = resolveBrokerConfig(parsed, machine);
  return { config: resolved.config, warnings: [...warnings, ...resolved.warnings] };
}

/**
 * Loads `namesrv.properties` semantics. Throws `ConfigError` on an unreadable
 * file, unparsable text or a bad value.
 */
export function loadNamesrvConfig(options: LoadConfigOptions = {}): LoadedConfig<NamesrvConfig> {
  const { parsed, warnings, machine } = loadRaw<ParsedNamesrvConfig>(
    namesrvConfigSchema,
    NAMESRV_ENV_KEYS,
    options,
  );
  const resolved = resolveNamesrvConfig(parsed, machine);
  return { config: resolved.config, warnings: [...warnings, ...resolved.warnings] };
}

interface RawValue {
  value: string;
  source: string;
}

interface RawLoad<T> {
  parsed: T;
  warnings: string[];
  machine: MachineInfo;
}

function loadRaw<T>(
  schema: z.ZodObject,
  envKeys: Record<string, string>,
  options: LoadConfigOptions,
): RawLoad<T> {
  const env = toLookup(options.env);
  const known = new Set(Object.keys(schema.shape));
  const warnings: string[] = [];
  const raw = new Map<string, RawValue>();
  for (const [key, envName] of Object.entries(envKeys)) {
    const value = env(envName);
    if (value !== undefined && value !== "") {
      raw.set(key, { value, source: `environment variable ${envName}` });
    }
  }
  const fileName = options.file ?? "configuration text";
  const text = options.text ?? (options.file === undefined ? "" : readFile(options.file));
  for (const entry of parsePropertiesText(text, fileName)) {
    if (!known.has(entry.key)) {
      warnings.push(`Unknown key in "${fileName}" line ${entry.line}: "${entry.key}" is ignored`);
      continue;
    }
    raw.set(entry.key, { value: entry.value, source: `"${fileName}"` });
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (!known.has(key)) {
      warnings.push(`Unknown key in command line: "${key}" is ignored`);
      continue;
    }
    raw.set(key, { value, source: "command line" });
  }
  const parsed = parseKnown<T>(schema, raw);
  const machine = { ...detectMachineInfo(env), ...options.machine };
  return { parsed, warnings, machine };
}

function parseKnown<T>(schema: z.ZodObject, raw: Map<string, RawValue>): T {
  // An empty value for a key without a fixed default (Java: null) means "use the derived
  // default", so `-p` output, which prints null as an empty value, loads back unchanged.
  const input = Object.fromEntries(
    [...raw]
      .filter(([key, { value }]) => value.trim() !== "" || !isDerived(schema, key))
      .map(([key, { value }]) => [key, value]),
  );
  const result = schema.safeParse(input);
  if (result.success) return result.data as T;
  const issue = result.error.issues[0];
  const key = String(issue?.path[0] ?? "");
  const found = raw.get(key);
  throw new ConfigError(
    `Invalid value in ${found?.source ?? "configuration"}: key "${key}" has value ` +
      `"${found?.value ?? ""}", expected ${issue?.message ?? "a valid value"}`,
    { cause: result.error },
  );
}

function isDerived(schema: z.ZodObject, key: string): boolean {
  return schema.shape[key] instanceof z.ZodOptional;
}

function readFile(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Cannot read configuration file "${path}": ${reason}`, {
      cause: error,
    });
  }
}

function toLookup(env: LoadConfigOptions["env"]): EnvLookup {
  if (env === undefined) return denoEnv;
  if (typeof env === "function") return env;
  return (name) => env[name];
}
