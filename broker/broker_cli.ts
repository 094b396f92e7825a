/**
 * `mqbroker`, the broker process (started by `main.ts`).
 *
 * ```
 * deno task mqbroker -c broker.properties [-n "host:port;host:port"] [-p]
 * ```
 *
 * `-c` reads a properties file, `-n` overrides `namesrvAddr`, `-p` prints the effective
 * configuration and exits 0. Once listening it prints exactly one ready line to stdout:
 * `The broker[<brokerName>, <brokerIP1>:<port>] boot success. serializeType=JSON and name server is <namesrvAddr>`.
 * With `listenPort=0` the main port is free-chosen and so is the VIP port (not `port - 2`);
 * the ready line names the actual main port. SIGTERM or SIGINT: stop accepting, answer parked
 * pulls, unregister, flush offsets and configs, close the store, exit 0. A bad configuration
 * prints the error to stderr and exits 1.
 *
 * Runs on: main thread
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError, getLogger, listenForSignal, writeText } from "../common/mod.ts";
import { formatConfig, loadBrokerConfig } from "../common/config/mod.ts";
import { settingsFromConfig, startBroker } from "./mod.ts";

const log = getLogger("broker");

const USAGE = "usage: mqbroker [-c <configFile>] [-n <namesrvAddr>] [-p] [-h]\n";

/** Runs `mqbroker` with `args`; resolves to the exit code once the broker stopped. */
export async function runBrokerCli(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        configFile: { type: "string", short: "c" },
        namesrvAddr: { type: "string", short: "n" },
        printConfigItem: { type: "boolean", short: "p" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
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
  const file = values.configFile;
  const overrides = values.namesrvAddr === undefined
    ? undefined
    : { namesrvAddr: values.namesrvAddr };
  try {
    if (values.printConfigItem === true) {
      const { config } = loadBrokerConfig({
        ...(file === undefined ? {} : { file }),
        ...(overrides === undefined ? {} : { overrides }),
      });
      await writeText(Deno.stdout, formatConfig(settingsFromConfig(config)));
      return 0;
    }
    const signalled = listenForSignal();
    const broker = await startBroker({
      ...(file === undefined ? {} : { file }),
      overrides: overrides ?? {},
    });
    const { brokerName, brokerIP1, namesrvAddr, httpPort, httpBindAddress } = broker.settings;
    // Loaded only when enabled (httpPort=-1 by default): hono and zod's HTTP schemas cost start-up.
    const http = httpPort === -1
      ? undefined
      : await (await import("../http/mod.ts")).startAdminHttp({
        controller: broker.controller,
        port: httpPort,
        hostname: httpBindAddress,
        brokerInfo: { namesrvAddr: namesrvAddr ?? "" },
        auth: {
          token: broker.settings.httpAuthToken ?? undefined,
          basic: broker.settings.httpBasicAuth ?? undefined,
        },
      }).catch(async (error) => {
        await broker.close();
        throw error;
      });
    if (http !== undefined) {
      log.info("Admin HTTP listening", { address: `${httpBindAddress}:${http.port}` });
    }
    await writeText(
      Deno.stdout,
      `The broker[${brokerName}, ${brokerIP1}:${broker.port}] boot success. serializeType=JSON and name server is ${
        namesrvAddr ?? ""
      }\n`,
    );
    const signal = await signalled;
    log.info("Shutting down", { signal });
    await http?.close();
    await broker.close();
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      await writeText(Deno.stderr, `${error.message}\n`);
      return 1;
    }
    log.error("Broker failed", { error });
    return 1;
  }
}
