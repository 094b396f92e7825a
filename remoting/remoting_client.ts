/**
 * Remoting client on `Deno.connect`: one connection per address, opened on
 * first use and again on the next use after it closed. Requests the server
 * sends over that connection (CHECK_TRANSACTION_STATE, ...) go to `onRequest`.
 *
 * Runs on: main thread
 * @module
 */
import { BrokerError, getLogger, type Logger, TimeoutError } from "../common/mod.ts";
import { FLAG_ONEWAY } from "./remoting_command.ts";
import type { RemotingCommand } from "./remoting_command.ts";
import { RemotingConnection } from "./remoting_connection.ts";
import type { RemotingHandler } from "./remoting_connection.ts";

/** TLS settings of a `RemotingClient` (RocketMQ `tls.client.trustCertPath`). */
export interface RemotingClientTlsOptions {
  /** Extra trusted CA certificates (PEM text); the system roots are trusted too. */
  caCerts?: string[] | undefined;
}

/** Options of `RemotingClient`. */
export interface RemotingClientOptions {
  /** Time allowed to open a connection; default 3000 ms. */
  connectTimeoutMs?: number | undefined;
  /** Default time allowed for `invoke` (connecting included); default 3000 ms. */
  requestTimeoutMs?: number | undefined;
  /** Answers requests the server sends; default answers REQUEST_CODE_NOT_SUPPORTED. */
  onRequest?: RemotingHandler | undefined;
  /** Called when a connection to `addr` has closed. */
  onClose?: ((addr: string, conn: RemotingConnection) => void) | undefined;
  /** Largest accepted frame; default `FRAME_MAX_BYTES` (16 MiB). */
  maxFrameBytes?: number | undefined;
  /** Logger; default `getLogger("remoting")`. */
  logger?: Logger | undefined;
  /** Connect with TLS (`tlsEnable=true`); plain TCP when absent. */
  tls?: RemotingClientTlsOptions | undefined;
}

interface Connecting {
  controller: AbortController;
  promise: Promise<RemotingConnection>;
}

/** Splits `"host:port"` or `"[v6]:port"`; throws `RangeError` on anything else. */
export function parseAddress(addr: string): { hostname: string; port: number } {
  const colon = addr.lastIndexOf(":");
  const port = Number(addr.slice(colon + 1));
  let hostname = addr.slice(0, colon);
  if (hostname.startsWith("[") && hostname.endsWith("]")) hostname = hostname.slice(1, -1);
  if (colon <= 0 || hostname === "" || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new RangeError(`Invalid address "${addr}": expected host:port`);
  }
  return { hostname, port };
}

/** A remoting client keeping one connection per server address. */
export class RemotingClient {
  readonly #connectTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #options: RemotingClientOptions;
  readonly #log: Logger;
  readonly #connections = new Map<string, RemotingConnection>();
  readonly #connecting = new Map<string, Connecting>();
  #closed = false;

  /** Creates a client; connections open lazily. */
  constructor(options: RemotingClientOptions = {}) {
    this.#options = options;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 3000;
    this.#log = options.logger ?? getLogger("remoting");
  }

  /**
   * Sends request `cmd` to `addr` and resolves with the response. Rejects with
   * `TimeoutError` when connecting plus answering takes longer than
   * `timeoutMs`, and with `BrokerError` when the connection fails or closes.
   */
  async invoke(addr: string, cmd: RemotingCommand, timeoutMs?: number): Promise<RemotingCommand> {
    const timeout = timeoutMs ?? this.#requestTimeoutMs;
    const start = performance.now();
    const conn = await this.connection(addr, {
      timeoutMs: Math.min(timeout, this.#connectTimeoutMs),
    });
    const left = timeout - (performance.now() - start);
    if (left <= 0) throw new TimeoutError(`Request timed out: connecting to ${addr} took too long`);
    return await conn.request(cmd, left);
  }

  /** Sends `cmd` to `addr` with the oneway flag set; no response is awaited. */
  async invokeOneway(addr: string, cmd: RemotingCommand): Promise<void> {
    const conn = await this.connection(addr);
    if (!conn.send({ ...cmd, flag: cmd.flag | FLAG_ONEWAY })) {
      throw new BrokerError(`Cannot send oneway request: connection to ${addr} closed`, {
        code: "CONNECTION_CLOSED",
      });
    }
  }

  /** The open connection to `addr`, connecting first when there is none. */
  connection(addr: string, options: { timeoutMs?: number } = {}): Promise<RemotingConnection> {
    if (this.#closed) {
      return Promise.reject(new BrokerError("RemotingClient is closed", { code: "CLIENT_CLOSED" }));
    }
    const open = this.#connections.get(addr);
    if (open !== undefined && !open.isClosed) return Promise.resolve(open);
    const pending = this.#connecting.get(addr);
    if (pending !== undefined) return pending.promise;
    const controller = new AbortController();
    const promise = this.#connect(addr, controller, options.timeoutMs ?? this.#connectTimeoutMs)
      .finally(() => this.#connecting.delete(addr));
    this.#connecting.set(addr, { controller, promise });
    return promise;
  }

  async #connect(
    addr: string,
    controller: AbortController,
    timeoutMs: number,
  ): Promise<RemotingConnection> {
    const { hostname, port } = parseAddress(addr);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    let tcp: Deno.TcpConn | Deno.TlsConn;
    try {
      tcp = await this.#open(hostname, port, controller.signal);
    } catch (error) {
      if (timedOut) {
        throw new TimeoutError(`Cannot connect to ${addr}: no answer within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      throw new BrokerError(`Cannot connect to ${addr}`, { code: "CONNECT_FAILED", cause: error });
    } finally {
      clearTimeout(timer);
    }
    if (this.#closed) {
      tcp.close();
      throw new BrokerError("RemotingClient is closed", { code: "CLIENT_CLOSED" });
    }
    if ("setNoDelay" in tcp) tcp.setNoDelay(true);
    const conn = new RemotingConnection(tcp, {
      handler: this.#options.onRequest,
      maxFrameBytes: this.#options.maxFrameBytes,
      logger: this.#log,
      onClose: (closed) => {
        if (this.#connections.get(addr) === closed) this.#connections.delete(addr);
        try {
          this.#options.onClose?.(addr, closed);
        } catch (error) {
          this.#log.error("onClose callback failed", { addr, error });
        }
      },
    });
    this.#connections.set(addr, conn);
    return conn;
  }

  /** Opens TCP, then (with `tls`) a TLS session over it with the handshake done. */
  async #open(
    hostname: string,
    port: number,
    signal: AbortSignal,
  ): Promise<Deno.TcpConn | Deno.TlsConn> {
    const tls = this.#options.tls;
    if (tls === undefined) return await Deno.connect({ hostname, port, signal });
    const tcp = await Deno.connect({ hostname, port, signal });
    let conn: Deno.TlsConn | undefined;
    const abort = () => (conn ?? tcp).close();
    signal.addEventListener("abort", abort, { once: true });
    try {
      conn = await Deno.startTls(tcp, { hostname, caCerts: tls.caCerts ?? [] });
      await conn.handshake();
      return conn;
    } catch (error) {
      try {
        (conn ?? tcp).close();
      } catch {
        // Closed by the abort above: nothing left to release.
      }
      throw error;
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }

  /** Closes the connection to `addr`, if any; the next use reconnects. */
  closeConnection(addr: string): void {
    this.#connections.get(addr)?.close();
  }

  /** Closes every connection, aborts connects in progress, and waits for all to finish. */
  async close(): Promise<void> {
    this.#closed = true;
    const connecting = [...this.#connecting.values()];
    for (const attempt of connecting) attempt.controller.abort();
    await Promise.allSettled(connecting.map((attempt) => attempt.promise));
    const open = [...this.#connections.values()];
    for (const conn of open) conn.close();
    await Promise.all(open.map((conn) => conn.closed));
    this.#connections.clear();
  }
}
