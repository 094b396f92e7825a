/**
 * One name server on the network: a RemotingServer whose requests go to the
 * NamesrvRequestProcessor, plus the housekeeping Java's name server does —
 * a broker whose registration connection closes is dropped at once, a scan
 * every `scanNotActiveBrokerInterval` drops brokers silent longer than
 * `brokerChannelExpiredTime` (and closes their connection), and connections
 * idle longer than `serverChannelMaxIdleTimeSeconds` are closed.
 *
 * Runs on: main thread
 * @module
 */
import type { NamesrvConfig } from "../common/config/mod.ts";
import { type Clock, ConfigError, getLogger, systemClock } from "../common/mod.ts";
import {
  makeSelfSignedCertificate,
  type RemotingCommand,
  type RemotingConnection,
  RemotingServer,
  type RemotingServerOptions,
} from "../remoting/mod.ts";
import { NamesrvRequestProcessor } from "./namesrv_request_processor.ts";
import { NamesrvState } from "./namesrv_state.ts";

const log = getLogger("namesrv");

/** Options of `NamesrvServer`. */
export interface NamesrvServerOptions {
  /** The effective configuration (listenPort 0 = any free port). */
  config: NamesrvConfig;
  /** Time source; default the system clock. */
  clock?: Clock;
}

/** TLS of the listener when `tlsEnable`; throws `ConfigError` without certificate and key. */
function serverTls(config: NamesrvConfig): RemotingServerOptions["tls"] {
  if (!config.tlsEnable) return undefined;
  const certFile = config["tls.server.certPath"];
  const keyFile = config["tls.server.keyPath"];
  if (certFile === undefined || keyFile === undefined) {
    if (!config.tlsTestModeEnable) {
      throw new ConfigError(
        "tlsEnable=true with tlsTestModeEnable=false needs tls.server.certPath and " +
          "tls.server.keyPath (PEM files)",
      );
    }
    log.warn("tlsTestModeEnable: serving TLS with a generated self-signed certificate");
    return { certFile: "", keyFile: "", ...makeSelfSignedCertificate() };
  }
  return { certFile, keyFile };
}

/** A running (once started) name server. */
export class NamesrvServer {
  readonly #config: NamesrvConfig;
  readonly #clock: Clock;
  readonly #state: NamesrvState;
  readonly #processor: NamesrvRequestProcessor;
  readonly #server: RemotingServer;
  #scanTimer: ReturnType<typeof setInterval> | undefined;

  /** Builds the state (loading the KV file) and the listener; nothing is opened yet. */
  constructor(options: NamesrvServerOptions) {
    this.#config = options.config;
    this.#clock = options.clock ?? systemClock;
    this.#state = new NamesrvState({ config: options.config, clock: this.#clock });
    this.#processor = new NamesrvRequestProcessor(this.#state);
    this.#server = new RemotingServer({
      hostname: options.config.bindAddress,
      port: options.config.listenPort,
      handler: (cmd, conn) => this.#handle(cmd, conn),
      // The transport closes connections idle past serverChannelMaxIdleTimeSeconds (0 = never).
      idleTimeoutMs: options.config.serverChannelMaxIdleTimeSeconds * 1000,
      maxConnections: options.config.serverMaxConnections,
      maxInFlight: options.config.serverMaxInFlight,
      maxWriteBacklogBytes: options.config.serverMaxWriteBacklogBytes,
      maxFrameBytes: options.config["com.rocketmq.remoting.frameMaxLength"],
      tls: serverTls(options.config),
      onClose: (conn) => this.#onClose(conn),
      logger: getLogger("namesrv.remoting"),
    });
  }

  /** The tables, KV store and live configuration. */
  get state(): NamesrvState {
    return this.#state;
  }

  /** The port listened on (the chosen one when `listenPort` was 0). */
  get port(): number {
    return this.#server.port;
  }

  /** `bindAddress:port`. */
  get address(): string {
    return `${this.#config.bindAddress}:${this.port}`;
  }

  /** Starts listening and the housekeeping timer. */
  async start(): Promise<void> {
    await this.#server.start();
    const interval = Math.max(1, this.#config.scanNotActiveBrokerInterval);
    this.#scanTimer = setInterval(() => this.scan(), interval);
  }

  /** Runs one housekeeping pass: drops expired brokers and closes their connections. */
  scan(): void {
    const expired = this.#state.routes.scanNotActiveBroker();
    if (expired.length === 0) return;
    const closeIds = new Set(expired.map((b) => b.connectionId));
    for (const conn of this.#server.connections) {
      if (closeIds.has(conn.id)) conn.close();
    }
  }

  #handle(cmd: RemotingCommand, conn: RemotingConnection): RemotingCommand | undefined {
    return this.#processor.process(cmd, { id: conn.id, remoteAddress: conn.remoteAddress });
  }

  #onClose(conn: RemotingConnection): void {
    this.#state.routes.onConnectionClose(conn.id);
  }

  /** Stops the timer, closes every connection and the listener. */
  async close(): Promise<void> {
    if (this.#scanTimer !== undefined) clearInterval(this.#scanTimer);
    this.#scanTimer = undefined;
    await this.#server.close();
  }
}
