/**
 * `mqnamesrv`: the name-server process.
 *
 * ```
 * deno task mqnamesrv [-c namesrv.properties] [-p] [-n ignored]
 * ```
 *
 * `-c` reads a properties file, `-p` prints the effective configuration and
 * exits 0, `-n` is accepted and ignored (Java's common option). A bad
 * configuration prints the ConfigError message to stderr and exits 1. Once
 * listening it prints exactly one ready line to stdout:
 * `The Name Server boot success. serializeType=JSON, listening on <bindAddress>:<port>`.
 * SIGTERM or SIGINT closes the server and exits 0.
 *
 * Runs on: main thread
 * @module
 */
import { parseArgs } from "node:util";
import { formatConfig, loadNamesrvConfig, type NamesrvConfig } from "../common/config/mod.ts";
import { ConfigError, getLogger, writeText } from "../common/mod.ts";
import { startNameServer } from "./mod.ts";

const log = getLogger("namesrv");

const USAGE = "usage: mqnamesrv [-c <configFile>] [-p] [-h]\n" +
  " -c,--configFile <arg>   Name server config properties file\n" +
  " -p,--printConfigItem    Print all config items\n" +
  " -h,--help               Print help\n";

function parseCommandLine(args: string[]) {
  return parseArgs({
    args,
    options: {
      configFile: { type: "string", short: "c" },
      printConfigItem: { type: "boolean", short: "p" },
      namesrvAddr: { type: "string", short: "n" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

function loadConfig(file: string | undefined): NamesrvConfig {
  const { config, warnings } = loadNamesrvConfig(file === undefined ? {} : { file });
  for (const warning of warnings) log.warn(warning);
  return config;
}

/**
 * Installs the SIGTERM/SIGINT listeners at once (before the ready line is printed, so a
 * signal that follows the ready line is never missed) and resolves with the first signal.
 */
function listenForSignal(): Promise<Deno.Signal> {
  const signals: Deno.Signal[] = ["SIGTERM", "SIGINT"];
  const { promise, resolve } = Promise.withResolvers<Deno.Signal>();
  const handlers = signals.map((signal) => {
    const handler = () => resolve(signal);
    Deno.addSignalListener(signal, handler);
    return { signal, handler };
  });
  return promise.finally(() => {
    for (const { signal, handler } of handlers) Deno.removeSignalListener(signal, handler);
  });
}

async function main(args: string[]): Promise<number> {
  let values: ReturnType<typeof parseCommandLine>;
  try {
    values = parseCommandLine(args);
  } catch (error) {
    await writeText(
      Deno.stderr,
      `${error instanceof Error ? error.message : String(error)}\n${USAGE}`,
    );
    return 1;
  }
  if (values.help === true) {
    await writeText(Deno.stdout, USAGE);
    return 0;
  }
  let config: NamesrvConfig;
  try {
    config = loadConfig(values.configFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    await writeText(Deno.stderr, `${error.message}\n`);
    return 1;
  }
  if (values.printConfigItem === true) {
    await writeText(Deno.stdout, formatConfig(config));
    return 0;
  }
  const signalled = listenForSignal();
  const namesrv = await startNameServer({ config });
  await writeText(
    Deno.stdout,
    `The Name Server boot success. serializeType=JSON, listening on ${namesrv.address}\n`,
  );
  const signal = await signalled;
  log.info("Shutting down", { signal });
  await namesrv.close();
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    log.error("Name server failed", { error });
    Deno.exit(1);
  }
}
