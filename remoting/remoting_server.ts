/**
 * TCP server for the remoting protocol on `Deno.listen`: accepts connections
 * and serves each with a `RemotingConnection` bound to one handler.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger, type Logger } from "../common/mod.ts";
import {
  REMOTING_CONNECTIONS_MAX,
  REMOTING_IDLE_TIMEOUT_MS,
  REMOTING_WRITE_BACKLOG_MAX_BYTES,
} from "./_limits.ts";
import { RemotingConnection } from "./remoting_connection.ts";
import type { RemotingHandler } from "./remoting_connection.ts";

/** TLS settings of a `RemotingServer` (RocketMQ `tls.server.certPath` / `tls.server.keyPath`). */
export interface RemotingServerTlsOptions {
  /** PEM certificate chain file (ignored when `cert` is given). */
  certFile: string;
  /** PEM private key file (ignored when `key` is given). */
  keyFile: string;
  /** PEM certificate chain text (a generated test-mode certificate). */
  cert?: string | undefined;
  /** PEM private key text. */
  key?: string | undefined;
}

/** Options of `RemotingServer`. */
export interface RemotingServerOptions {
  /** Address to listen on, such as `"0.0.0.0"` or `"127.0.0.1"`. */
  hostname: string;
  /** Port to listen on; 0 picks a free one (read it from `server.port`). */
  port: number;
  /** Answers requests; see `RemotingHandler`. */
  handler: RemotingHandler;
  /** Largest accepted frame; default `FRAME_MAX_BYTES` (16 MiB). */
  maxFrameBytes?: number | undefined;
  /** Handler calls running per connection; more get SYSTEM_BUSY `[OVERLOAD]`. Default 1024. */
  maxInFlight?: number | undefined;
  /** Connections served at once; more are closed on accept with a log line. Default 10,000. */
  maxConnections?: number | undefined;
  /** Bytes buffered for a peer that does not read before it is disconnected; default 64 MiB. */
  maxWriteBacklogBytes?: number | undefined;
  /**
   * A connection with no bytes read or written for this long is closed
   * (`serverChannelMaxIdleTimeSeconds` × 1000); 0 disables. Default 120,000.
   */
  idleTimeoutMs?: number | undefined;
  /** Serve TLS only (Java `tlsMode=enforcing`); plain TCP when absent. */
  tls?: RemotingServerTlsOptions | undefined;
  /** Called for each accepted connection before any of its requests is handled. */
  onConnect?: ((conn: RemotingConnection) => void) | undefined;
  /** Called when a connection has closed. */
  onClose?: ((conn: RemotingConnection) => void) | undefined;
  /** Logger; default `getLogger("remoting")`. */
  logger?: Logger | undefined;
}

/** A remoting TCP server. `start()` listens, `close()` stops and closes every connection. */
export class RemotingServer {
  readonly #options: RemotingServerOptions;
  readonly #log: Logger;
  readonly #connections = new Set<RemotingConnection>();
  #listener: Deno.Listener | undefined;
  #idleTimer: ReturnType<typeof setInterval> | undefined;
  #refused = 0;
  #acceptLoop: Promise<void> | undefined;
  #port = 0;

  /** Creates a server; nothing is opened until `start()`. */
  constructor(options: RemotingServerOptions) {
    this.#options = options;
    this.#log = options.logger ?? getLogger("remoting");
  }

  /** The port listened on (the chosen one when started with port 0). */
  get port(): number {
    return this.#port;
  }

  /** Connections currently open. */
  get connections(): ReadonlySet<RemotingConnection> {
    return this.#connections;
  }

  /** Connections refused because `maxConnections` were open. */
  get refusedConnections(): number {
    return this.#refused;
  }

  /** Starts listening; resolves once the port is bound. */
  async start(): Promise<void> {
    if (this.#listener !== undefined) throw new Error("RemotingServer already started");
    const { hostname, port, tls } = this.#options;
    const listener: Deno.Listener = tls === undefined ? Deno.listen({ hostname, port }) : Deno
      .listenTls({
        hostname,
        port,
        cert: tls.cert ?? await Deno.readTextFile(tls.certFile),
        key: tls.key ?? await Deno.readTextFile(tls.keyFile),
      });
    this.#listener = listener;
    this.#port = (listener.addr as Deno.NetAddr).port;
    this.#acceptLoop = this.#accept(listener);
    const idleMs = this.#options.idleTimeoutMs ?? REMOTING_IDLE_TIMEOUT_MS;
    if (idleMs > 0) {
      const every = Math.max(10, Math.min(1000, Math.floor(idleMs / 4)));
      this.#idleTimer = setInterval(() => this.#closeIdle(idleMs), every);
    }
    this.#log.info("Remoting server listening", {
      hostname,
      port: this.#port,
      tls: tls !== undefined,
    });
  }

  #closeIdle(idleMs: number): void {
    const now = performance.now();
    for (const conn of this.#connections) {
      if (conn.isClosed || now - conn.lastActivityMs < idleMs) continue;
      this.#log.warn("Closing idle connection", {
        conn: conn.id,
        remote: conn.remoteAddress,
        idleMs: Math.round(now - conn.lastActivityMs),
      });
      conn.close();
    }
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    const max = this.#options.maxConnections ?? REMOTING_CONNECTIONS_MAX;
    try {
      for await (const conn of listener) {
        if (this.#connections.size >= max) {
          if (this.#refused++ % 100 === 0) {
            this.#log.warn("Refusing connection: too many open", {
              open: this.#connections.size,
              maxConnections: max,
              refused: this.#refused,
            });
          }
          conn.close();
          continue;
        }
        this.#serve(conn);
      }
    } catch (error) {
      if (this.#listener !== undefined) this.#log.error("Accept loop failed", { error });
    }
  }

  #serve(conn: Deno.Conn): void {
    try {
      if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
    } catch (error) {
      this.#log.debug("Cannot set TCP_NODELAY", { error });
    }
    const remoting = new RemotingConnection(conn, {
      handler: this.#options.handler,
      maxFrameBytes: this.#options.maxFrameBytes,
      maxInFlight: this.#options.maxInFlight,
      maxWriteBacklogBytes: this.#options.maxWriteBacklogBytes ?? REMOTING_WRITE_BACKLOG_MAX_BYTES,
      logger: this.#log,
      onClose: (closed) => {
        this.#connections.delete(closed);
        this.#callback(this.#options.onClose, closed);
      },
    });
    this.#connections.add(remoting);
    this.#callback(this.#options.onConnect, remoting);
  }

  #callback(
    callback: ((conn: RemotingConnection) => void) | undefined,
    conn: RemotingConnection,
  ): void {
    try {
      callback?.(conn);
    } catch (error) {
      this.#log.error("Connection callback failed", { conn: conn.id, error });
    }
  }

  /** Stops accepting, closes every connection and waits until all are closed. */
  async close(): Promise<void> {
    const listener = this.#listener;
    if (listener === undefined) return;
    this.#listener = undefined;
    clearInterval(this.#idleTimer);
    this.#idleTimer = undefined;
    try {
      listener.close();
    } catch (error) {
      this.#log.debug("Listener already closed", { error });
    }
    await this.#acceptLoop;
    const open = [...this.#connections];
    for (const conn of open) conn.close();
    await Promise.all(open.map((conn) => conn.closed));
  }
}
