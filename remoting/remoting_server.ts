/**
 * TCP server for the remoting protocol on `Deno.listen`: accepts connections
 * and serves each with a `RemotingConnection` bound to one handler.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/log.ts";
import type { Logger } from "../common/log.ts";
import { REMOTING_CONNECTIONS_MAX } from "./_limits.ts";
import { RemotingConnection } from "./remoting_connection.ts";
import type { RemotingHandler } from "./remoting_connection.ts";

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
  /** Handler calls running per connection before it stops reading; default 1024. */
  maxInFlight?: number | undefined;
  /** Connections served at once; more are closed on accept. Default 10,000. */
  maxConnections?: number | undefined;
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
  #listener: Deno.TcpListener | undefined;
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

  /** Starts listening; resolves once the port is bound. */
  start(): Promise<void> {
    if (this.#listener !== undefined) throw new Error("RemotingServer already started");
    const listener = Deno.listen({ hostname: this.#options.hostname, port: this.#options.port });
    this.#listener = listener;
    this.#port = (listener.addr as Deno.NetAddr).port;
    this.#acceptLoop = this.#accept(listener);
    this.#log.info("Remoting server listening", {
      hostname: this.#options.hostname,
      port: this.#port,
    });
    return Promise.resolve();
  }

  async #accept(listener: Deno.TcpListener): Promise<void> {
    const max = this.#options.maxConnections ?? REMOTING_CONNECTIONS_MAX;
    try {
      for await (const conn of listener) {
        if (this.#connections.size >= max) {
          this.#log.warn("Refusing connection: too many open", { open: this.#connections.size });
          conn.close();
          continue;
        }
        this.#serve(conn);
      }
    } catch (error) {
      if (this.#listener !== undefined) this.#log.error("Accept loop failed", { error });
    }
  }

  #serve(conn: Deno.TcpConn): void {
    try {
      conn.setNoDelay(true);
    } catch (error) {
      this.#log.debug("Cannot set TCP_NODELAY", { error });
    }
    const remoting = new RemotingConnection(conn, {
      handler: this.#options.handler,
      maxFrameBytes: this.#options.maxFrameBytes,
      maxInFlight: this.#options.maxInFlight,
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
