/**
 * `deno task start`: development mode. One name server and one broker in this process, with
 * embedded defaults: name server on 9876, broker on 10911 (and the VIP port 10909), both bound
 * to 127.0.0.1, store under `./data/store`, admin HTTP API and dashboard on 127.0.0.1:8080
 * (`--http-port -1` turns it off). With `-c`, the file's `httpPort` (when not -1),
 * `httpBindAddress`, `httpAuthToken` and `httpBasicAuth` apply unless `--http-port` is given.
 * Prints where they listen; Ctrl-C (SIGINT) or SIGTERM shuts both down cleanly (broker
 * first, so it unregisters) and exits 0.
 *
 * ```
 * deno task start [--namesrv-port 9876] [--broker-port 10911] [--bind 127.0.0.1]
 *                 [--store ./data/store] [--http-port 8080] [-c broker.properties]
 * ```
 *
 * Runs on: main thread
 * @module
 */
import { parseArgs } from "node:util";
import { getLogger, listenForSignal, writeText } from "../common/mod.ts";
import { startNameServer } from "../namesrv/mod.ts";
import { startBroker } from "../broker/mod.ts";
import { startAdminHttp } from "../http/mod.ts";

const log = getLogger("start");

const USAGE = "usage: start [--namesrv-port <port>] [--broker-port <port>] [--bind <address>] " +
  "[--store <dir>] [--http-port <port, -1 = off>] [-c <broker.properties>]\n";

/** Reads the three port flags; returns a message naming the bad flag, or the ports. */
function parsePorts(
  values: { "namesrv-port": string; "broker-port": string; "http-port": string },
): { namesrv: number; broker: number; http: number } | string {
  const read = (flag: keyof typeof values, min: number): number | string => {
    const text = values[flag];
    const port = Number(text);
    return /^-?\d+$/.test(text) && port >= min && port <= 65535
      ? port
      : `Invalid --${flag} "${text}": expected an integer from ${min} to 65535`;
  };
  const namesrv = read("namesrv-port", 0);
  const broker = read("broker-port", 0);
  const http = read("http-port", -1);
  if (typeof namesrv === "string") return namesrv;
  if (typeof broker === "string") return broker;
  if (typeof http === "string") return http;
  return { namesrv, broker, http };
}

/** `--http-port -1` as one token, so the value is not read as an option. */
function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg.startsWith("--") && !arg.includes("=") && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

async function main(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: joinNegativeValues(args),
      options: {
        "namesrv-port": { type: "string", default: "9876" },
        "broker-port": { type: "string", default: "10911" },
        bind: { type: "string", default: "127.0.0.1" },
        store: { type: "string", default: "./data/store" },
        "http-port": { type: "string" },
        configFile: { type: "string", short: "c" },
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
  const ports = parsePorts({ ...values, "http-port": values["http-port"] ?? "8080" });
  if (typeof ports === "string") {
    await writeText(Deno.stderr, `${ports}\n${USAGE}`);
    return 1;
  }
  const bind = values.bind;
  const signalled = listenForSignal();
  const namesrv = await startNameServer({
    overrides: { listenPort: String(ports.namesrv), bindAddress: bind },
  });
  const namesrvAddr = `${bind === "0.0.0.0" ? "127.0.0.1" : bind}:${namesrv.port}`;
  let broker;
  try {
    broker = await startBroker({
      ...(values.configFile === undefined ? {} : { file: values.configFile }),
      overrides: { namesrvAddr },
      config: {
        listenPort: ports.broker,
        bindAddress: bind,
        brokerIP1: bind === "0.0.0.0" ? "127.0.0.1" : bind,
        brokerIP2: bind === "0.0.0.0" ? "127.0.0.1" : bind,
        namesrvAddr,
        ...(values.configFile === undefined
          ? { storePathRootDir: values.store, brokerName: "broker-a" }
          : {}),
      },
    });
  } catch (error) {
    await namesrv.close();
    throw error;
  }
  const fromFile = values.configFile !== undefined && values["http-port"] === undefined;
  const { httpPort: filePort, httpBindAddress, httpAuthToken, httpBasicAuth } = broker.settings;
  const httpPort = fromFile && filePort !== -1 ? filePort : ports.http;
  const httpHost = fromFile ? httpBindAddress : bind === "0.0.0.0" ? "127.0.0.1" : bind;
  const http = httpPort === -1 ? undefined : await startAdminHttp({
    controller: broker.controller,
    port: httpPort,
    hostname: httpHost,
    brokerInfo: { namesrvAddr },
    auth: { token: httpAuthToken ?? undefined, basic: httpBasicAuth ?? undefined },
  }).catch(async (error) => {
    await broker.close();
    await namesrv.close();
    throw error;
  });
  await writeText(
    Deno.stdout,
    `Name server listening on ${namesrv.address}\n` +
      `Broker ${broker.settings.brokerName} listening on ${broker.address} ` +
      `(VIP port ${broker.vipPort}), store ${broker.settings.storePathRootDir}\n` +
      (http === undefined ? "" : `Dashboard on http://${httpHost}:${http.port}/dashboard/ ` +
        `(API /api, OpenAPI /openapi.json, metrics /metrics)\n`) +
      `Ready: use namesrvAddr=${namesrvAddr}. Press Ctrl-C to stop.\n`,
  );
  const signal = await signalled;
  log.info("Shutting down", { signal });
  await http?.close();
  await broker.close();
  await namesrv.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
