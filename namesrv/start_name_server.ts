/**
 * `startNameServer`: loads the configuration (unless given), starts a
 * `NamesrvServer` and returns a small handle. Used by `namesrv/main.ts`, the
 * single-process dev mode and tests.
 *
 * Runs on: main thread
 * @module
 */
import { applyLogConfig, loadNamesrvConfig, type NamesrvConfig } from "../common/config/mod.ts";
import { type Clock, getLogger } from "../common/mod.ts";
import { NamesrvServer } from "./namesrv_server.ts";

const log = getLogger("namesrv");

/** Options of `startNameServer`. */
export interface StartNameServerOptions {
  /** A complete configuration; when absent it is loaded from `file` and `overrides`. */
  config?: NamesrvConfig;
  /** A `namesrv.properties` file. */
  file?: string;
  /** Values that win over the file (strings, as in a properties file). */
  overrides?: Record<string, string>;
  /** Time source; default the system clock. */
  clock?: Clock;
}

/** A started name server. */
export interface RunningNameServer {
  /** The port listened on. */
  port: number;
  /** `bindAddress:port`. */
  address: string;
  /** The server, for its state and housekeeping. */
  server: NamesrvServer;
  /** Stops the server and closes every connection. */
  close(): Promise<void>;
}

/**
 * Starts a name server. Throws `ConfigError` on a bad configuration and the
 * listener's error when the port cannot be bound.
 */
export async function startNameServer(
  options: StartNameServerOptions = {},
): Promise<RunningNameServer> {
  let config = options.config;
  if (config === undefined) {
    const loaded = loadNamesrvConfig({
      ...(options.file === undefined ? {} : { file: options.file }),
      ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    });
    config = loaded.config;
    applyLogConfig(config);
    for (const warning of loaded.warnings) log.warn(warning);
  } else applyLogConfig(config);
  const server = new NamesrvServer({
    config,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  await server.start();
  log.info("Name server started", { address: server.address });
  return {
    port: server.port,
    address: server.address,
    server,
    close: async () => {
      await server.close();
      log.info("Name server stopped", { address: server.address });
    },
  };
}
