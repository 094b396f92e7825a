/**
 * `deno task start`: development mode. One name server and one broker in this process, with
 * embedded defaults: name server on 9876, broker on 10911 (and the VIP port 10909), both bound
 * to 127.0.0.1, store under `./data/store`. Prints where they listen; Ctrl-C (SIGINT) or
 * SIGTERM shuts both down cleanly (broker first, so it unregisters) and exits 0.
 *
 * ```
 * deno task start [--namesrv-port 9876] [--broker-port 10911] [--bind 127.0.0.1]
 *                 [--store ./data/store] [-c broker.properties]
 * ```
 *
 * Runs on: main thread
 * @module
 */
import { parseArgs } from "node:util";
import { getLogger } from "../common/mod.ts";
import { startNameServer } from "../namesrv/mod.ts";
import { startBroker } from "../broker/mod.ts";

const log = getLogger("start");
const encoder = new TextEncoder();

const USAGE = "usage: start [--namesrv-port <port>] [--broker-port <port>] [--bind <address>] " +
  "[--store <dir>] [-c <broker.properties>]\n";

async function write(
  stream: { write(p: Uint8Array): Promise<number> },
  text: string,
): Promise<void> {
  const bytes = encoder.encode(text);
  let offset = 0;
  for (let round = 0; offset < bytes.length && round < 10_000; round++) {
    offset += await stream.write(bytes.subarray(offset));
  }
}

/** Installs SIGTERM/SIGINT listeners now (before the ready line) and resolves on the first signal. */
function listenForSignal(): Promise<Deno.Signal> {
  const { promise, resolve } = Promise.withResolvers<Deno.Signal>();
  for (const signal of ["SIGTERM", "SIGINT"] as Deno.Signal[]) {
    Deno.addSignalListener(signal, () => resolve(signal));
  }
  return promise;
}

async function main(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        "namesrv-port": { type: "string", default: "9876" },
        "broker-port": { type: "string", default: "10911" },
        bind: { type: "string", default: "127.0.0.1" },
        store: { type: "string", default: "./data/store" },
        configFile: { type: "string", short: "c" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    await write(Deno.stderr, `${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 1;
  }
  if (values.help === true) {
    await write(Deno.stdout, USAGE);
    return 0;
  }
  const bind = values.bind;
  const signalled = listenForSignal();
  const namesrv = await startNameServer({
    overrides: { listenPort: values["namesrv-port"], bindAddress: bind },
  });
  const namesrvAddr = `${bind === "0.0.0.0" ? "127.0.0.1" : bind}:${namesrv.port}`;
  let broker;
  try {
    broker = await startBroker({
      ...(values.configFile === undefined ? {} : { file: values.configFile }),
      overrides: { namesrvAddr },
      config: {
        listenPort: Number(values["broker-port"]),
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
  await write(
    Deno.stdout,
    `Name server listening on ${namesrv.address}\n` +
      `Broker ${broker.settings.brokerName} listening on ${broker.address} ` +
      `(VIP port ${broker.vipPort}), store ${broker.settings.storePathRootDir}\n` +
      `Ready: use namesrvAddr=${namesrvAddr}. Press Ctrl-C to stop.\n`,
  );
  const signal = await signalled;
  log.info("Shutting down", { signal });
  await broker.close();
  await namesrv.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
