/**
 * One remoting TCP connection, used by both `RemotingServer` and
 * `RemotingClient`. It reads into a reusable buffer, decodes frames, hands
 * requests to a handler, matches responses to its own pending requests by
 * opaque, and coalesces everything queued while a write is in progress into
 * one socket write (looping on short writes). A frame that cannot be decoded
 * closes the connection, as Java does.
 *
 * Runs on: main thread
 * @module
 */
import {
  BrokerError,
  DecodeError,
  FRAME_MAX_BYTES,
  getLogger,
  type Logger,
  TimeoutError,
} from "../common/mod.ts";
import { FrameDecoder } from "./frame_codec.ts";
import { WriteQueue } from "./_write_queue.ts";
import {
  createResponse,
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  isOneway,
  isResponse,
} from "./remoting_command.ts";
import type { RemotingCommand } from "./remoting_command.ts";
import { ResponseCode } from "./response_code.ts";
import {
  REMOTING_IN_FLIGHT_MAX,
  REMOTING_PENDING_REQUESTS_MAX,
  REMOTING_READ_BUFFER_BYTES,
  REMOTING_WRITE_BACKLOG_MAX_BYTES,
} from "./_limits.ts";

/** Answers one request; `undefined` sends nothing (oneway, or answered later with `send`). */
export type RemotingHandler = (
  cmd: RemotingCommand,
  conn: RemotingConnection,
) => RemotingCommand | undefined | Promise<RemotingCommand | undefined>;

/** Options of `RemotingConnection`. */
export interface RemotingConnectionOptions {
  /** Handles requests from the peer; default answers REQUEST_CODE_NOT_SUPPORTED. */
  handler?: RemotingHandler | undefined;
  /** Largest accepted frame; default `FRAME_MAX_BYTES`. */
  maxFrameBytes?: number | undefined;
  /** Handler calls running at once; a request beyond gets SYSTEM_BUSY. Default 1024. */
  maxInFlight?: number | undefined;
  /**
   * Bytes waiting to be written (a peer that stops reading); above half of it
   * reading pauses, above it the connection is closed. Default 64 MiB.
   */
  maxWriteBacklogBytes?: number | undefined;
  /** Called once after the connection closed and its pending requests were rejected. */
  onClose?: ((conn: RemotingConnection) => void) | undefined;
  /** Logger; default `getLogger("remoting")`. */
  logger?: Logger | undefined;
}

interface PendingRequest {
  resolve(cmd: RemotingCommand): void;
  reject(error: Error): void;
  /** `performance.now()` at which the request times out. */
  deadline: number;
  code: number;
  timeoutMs: number;
}

let nextConnectionId = 1;

/** Default handler: every request code is unknown. */
function notSupported(cmd: RemotingCommand): RemotingCommand {
  return createResponse(cmd, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, {
    remark: ` request type ${cmd.code} not supported`,
  });
}

/** Remark of the SYSTEM_BUSY answer to a request over the in-flight limit (Java's wording). */
export const OVERLOAD_REMARK = "[OVERLOAD]system busy, start flow control for a while";

/** A remoting connection over one `Deno.Conn`; reading starts in the constructor. */
export class RemotingConnection {
  /** Process-unique id. */
  readonly id: number = nextConnectionId++;
  /** Peer address as `"ip:port"`. */
  readonly remoteAddress: string;
  /** Resolves once the socket is closed and all reads and writes have finished. */
  readonly closed: Promise<void>;

  readonly #conn: Deno.Conn;
  readonly #handler: RemotingHandler;
  readonly #decoder: FrameDecoder;
  readonly #maxInFlight: number;
  readonly #maxBacklogBytes: number;
  readonly #onClose: ((conn: RemotingConnection) => void) | undefined;
  readonly #log: Logger;
  readonly #pending = new Map<number, PendingRequest>();
  /** One timer for all pending requests, armed for the earliest deadline. */
  #timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  #timerDeadline = Infinity;
  readonly #queue = new WriteQueue();
  #writingBytes = 0;
  #lastActivityMs = performance.now();
  #busyAnswers = 0;
  #writer: Promise<void> | undefined;
  #writeScheduled = false;
  #inFlight = 0;
  #closing = false;
  #resolveClosed!: () => void;

  /** Wraps `conn` and starts reading from it. */
  constructor(conn: Deno.Conn, options: RemotingConnectionOptions = {}) {
    this.#conn = conn;
    const addr = conn.remoteAddr as Deno.NetAddr;
    this.remoteAddress = `${addr.hostname}:${addr.port}`;
    this.#handler = options.handler ?? notSupported;
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes ?? FRAME_MAX_BYTES });
    this.#maxInFlight = options.maxInFlight ?? REMOTING_IN_FLIGHT_MAX;
    this.#maxBacklogBytes = options.maxWriteBacklogBytes ?? REMOTING_WRITE_BACKLOG_MAX_BYTES;
    this.#onClose = options.onClose;
    this.#log = options.logger ?? getLogger("remoting");
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    void this.#readLoop();
  }

  /** True once `close()` was called or the peer went away. */
  get isClosed(): boolean {
    return this.#closing;
  }

  /** `performance.now()` of the last bytes read or written (for idle timeouts). */
  get lastActivityMs(): number {
    return this.#lastActivityMs;
  }

  /** Bytes queued or being written to the peer. */
  get backlogBytes(): number {
    return this.#queue.bytes + this.#writingBytes;
  }

  /** Requests answered SYSTEM_BUSY because too many handlers were running. */
  get busyAnswers(): number {
    return this.#busyAnswers;
  }

  /** Requests sent with `request()` still waiting for their response. */
  get pendingRequests(): number {
    return this.#pending.size;
  }

  /** Queues `cmd` for writing (a late response, for example); false if the connection is closed. */
  send(cmd: RemotingCommand): boolean {
    if (this.#closing) return false;
    this.#enqueue(cmd);
    this.#scheduleWrite();
    return true;
  }

  /** Sends `cmd` with the oneway flag set; false if the connection is closed. */
  oneway(cmd: RemotingCommand): boolean {
    return this.send({ ...cmd, flag: cmd.flag | FLAG_ONEWAY });
  }

  /**
   * Sends request `cmd` and resolves with the peer's response of the same
   * opaque. Rejects with `TimeoutError` after `timeoutMs`, or with
   * `BrokerError` (code `CONNECTION_CLOSED`) when the connection closes first.
   */
  request(cmd: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    if (isResponse(cmd)) throw new RangeError("Cannot send request: the command is a response");
    if (this.#closing) {
      return Promise.reject(this.#closedError());
    }
    if (this.#pending.size >= REMOTING_PENDING_REQUESTS_MAX || this.#pending.has(cmd.opaque)) {
      return Promise.reject(
        new BrokerError(`Cannot send request: opaque ${cmd.opaque} busy or too many pending`, {
          code: "TOO_MANY_PENDING",
        }),
      );
    }
    this.#enqueue(cmd);
    return new Promise<RemotingCommand>((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      this.#pending.set(cmd.opaque, { resolve, reject, deadline, code: cmd.code, timeoutMs });
      if (deadline < this.#timerDeadline) this.#armTimeouts(deadline);
      this.#scheduleWrite();
    });
  }

  /**
   * Request timeouts share one timer per connection instead of one per
   * request: it is armed for the earliest deadline, rejects every request due
   * when it fires, and re-arms for the next. A request times out no earlier
   * than `timeoutMs` and as late as the runtime's timer delay after it.
   */
  #armTimeouts(deadline: number): void {
    if (this.#timeoutTimer !== undefined) clearTimeout(this.#timeoutTimer);
    this.#timerDeadline = deadline;
    const delay = Math.max(0, Math.ceil(deadline - performance.now()));
    this.#timeoutTimer = setTimeout(() => this.#expireRequests(), delay);
  }

  #disarmTimeouts(): void {
    if (this.#timeoutTimer !== undefined) clearTimeout(this.#timeoutTimer);
    this.#timeoutTimer = undefined;
    this.#timerDeadline = Infinity;
  }

  #expireRequests(): void {
    this.#timeoutTimer = undefined;
    this.#timerDeadline = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [opaque, pending] of this.#pending) {
      if (pending.deadline > now) {
        next = Math.min(next, pending.deadline);
        continue;
      }
      this.#pending.delete(opaque);
      pending.reject(
        new TimeoutError(
          `Request timed out: code ${pending.code} opaque ${opaque} to ${this.remoteAddress} after ${pending.timeoutMs} ms`,
        ),
      );
    }
    if (next !== Infinity) this.#armTimeouts(next);
  }

  /** Closes the socket; pending requests are rejected. Await `closed` for the end. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    try {
      this.#conn.close();
    } catch (error) {
      // Already closed by the runtime (peer reset): nothing left to release.
      this.#log.debug("Socket already closed", { conn: this.id, error });
    }
  }

  #closedError(): BrokerError {
    return new BrokerError(`Connection to ${this.remoteAddress} closed`, {
      code: "CONNECTION_CLOSED",
    });
  }

  async #readLoop(): Promise<void> {
    const buffer = new Uint8Array(REMOTING_READ_BUFFER_BYTES);
    try {
      while (!this.#closing) {
        await this.#backpressure();
        if (this.#closing) break;
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        this.#lastActivityMs = performance.now();
        let commands: RemotingCommand[];
        try {
          commands = this.#decoder.push(buffer.subarray(0, n));
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error;
          this.#log.warn("Closing connection: undecodable frame", {
            conn: this.id,
            remote: this.remoteAddress,
            error,
          });
          break;
        }
        for (const cmd of commands) this.#dispatch(cmd);
        this.#startWriting();
      }
    } catch (error) {
      if (!this.#closing) {
        this.#log.warn("Closing connection: read failed", { conn: this.id, error });
      }
    }
    await this.#shutdown();
  }

  /** Waits while more than half the write backlog bound waits to be written. */
  async #backpressure(): Promise<void> {
    for (let round = 0; round < 1_000_000 && !this.#closing; round++) {
      if (this.backlogBytes <= this.#maxBacklogBytes / 2) return;
      this.#startWriting();
      if (this.#writer === undefined) return;
      await this.#writer;
    }
  }

  async #shutdown(): Promise<void> {
    this.close();
    await this.#writer;
    this.#disarmTimeouts();
    for (const pending of this.#pending.values()) {
      pending.reject(this.#closedError());
    }
    this.#pending.clear();
    this.#queue.clear();
    this.#resolveClosed();
    try {
      this.#onClose?.(this);
    } catch (error) {
      this.#log.error("onClose callback failed", { conn: this.id, error });
    }
  }

  #dispatch(cmd: RemotingCommand): void {
    if (isResponse(cmd)) {
      const pending = this.#pending.get(cmd.opaque);
      if (pending === undefined) {
        this.#log.debug("Response without a pending request", {
          conn: this.id,
          opaque: cmd.opaque,
        });
        return;
      }
      this.#pending.delete(cmd.opaque);
      if (this.#pending.size === 0) this.#disarmTimeouts();
      pending.resolve(cmd);
      return;
    }
    if (this.#inFlight >= this.#maxInFlight) {
      this.#answerBusy(cmd);
      return;
    }
    let result: RemotingCommand | undefined | Promise<RemotingCommand | undefined>;
    try {
      result = this.#handler(cmd, this);
    } catch (error) {
      this.#answerError(cmd, error);
      return;
    }
    if (result instanceof Promise) {
      this.#inFlight++;
      result.then(
        (response) => this.#settled(cmd, response, undefined),
        (error: unknown) => this.#settled(cmd, undefined, { error }),
      );
    } else {
      this.#answer(cmd, result);
    }
  }

  /** An async handler finished: answer (or report its failure) and start writing. */
  #settled(
    request: RemotingCommand,
    response: RemotingCommand | undefined,
    failure: { error: unknown } | undefined,
  ): void {
    try {
      if (failure === undefined) this.#answer(request, response);
      else this.#answerError(request, failure.error);
    } finally {
      this.#inFlight--;
      this.#scheduleWrite();
    }
  }

  #answer(request: RemotingCommand, response: RemotingCommand | undefined): void {
    if (response === undefined || this.#closing) return;
    if (isOneway(request)) return;
    const out = response.opaque === request.opaque && isResponse(response)
      ? response
      : { ...response, opaque: request.opaque, flag: response.flag | FLAG_RESPONSE };
    try {
      this.#enqueue(out);
    } catch (error) {
      this.#answerError(request, error);
    }
  }

  /** Answers SYSTEM_BUSY without running the handler (oneway requests are dropped). */
  #answerBusy(request: RemotingCommand): void {
    if (this.#busyAnswers++ % 1000 === 0) {
      this.#log.warn("Rejecting request: too many in flight on connection", {
        conn: this.id,
        remote: this.remoteAddress,
        inFlight: this.#inFlight,
        rejected: this.#busyAnswers,
      });
    }
    if (isOneway(request) || this.#closing) return;
    this.#enqueue(createResponse(request, ResponseCode.SYSTEM_BUSY, { remark: OVERLOAD_REMARK }));
  }

  #answerError(request: RemotingCommand, error: unknown): void {
    this.#log.error("Request handler failed", {
      conn: this.id,
      remote: this.remoteAddress,
      code: request.code,
      opaque: request.opaque,
      error,
      stack: error instanceof Error ? error.stack : undefined,
    });
    if (isOneway(request) || this.#closing) return;
    const response = createResponse(request, ResponseCode.SYSTEM_ERROR, {
      remark: `Cannot process request code ${request.code}: internal error`,
    });
    this.#enqueue(response);
  }

  /** Encodes `cmd` and queues its frame; throws `RangeError` when it cannot be encoded. */
  #enqueue(cmd: RemotingCommand): void {
    if (this.#closing) return;
    this.#queue.push(cmd);
    if (this.backlogBytes > this.#maxBacklogBytes) {
      this.#log.warn("Closing connection: peer does not read, write backlog over the limit", {
        conn: this.id,
        remote: this.remoteAddress,
        backlogBytes: this.backlogBytes,
        maxWriteBacklogBytes: this.#maxBacklogBytes,
      });
      this.#queue.clear();
      this.close();
    }
  }

  /** Writes after the queued microtasks: answers settling together leave in one write. */
  #scheduleWrite(): void {
    if (this.#writeScheduled || this.#writer !== undefined) return;
    this.#writeScheduled = true;
    queueMicrotask(() => {
      this.#writeScheduled = false;
      this.#startWriting();
    });
  }

  #startWriting(): void {
    if (this.#writer !== undefined || this.#queue.isEmpty || this.#closing) return;
    const writer: Promise<void> = this.#writeLoop().finally(() => {
      if (this.#writer === writer) this.#writer = undefined;
      // Frames queued after the loop's last check and before this point.
      this.#startWriting();
    });
    this.#writer = writer;
  }

  async #writeLoop(): Promise<void> {
    try {
      while (!this.#queue.isEmpty && !this.#closing) {
        const batch = this.#queue.take();
        this.#writingBytes = batch.length;
        let offset = 0;
        while (offset < batch.length) {
          offset += await this.#conn.write(batch.subarray(offset));
          this.#writingBytes = batch.length - offset;
          this.#lastActivityMs = performance.now();
        }
      }
    } catch (error) {
      if (!this.#closing) this.#log.debug("Connection write failed", { conn: this.id, error });
      this.close();
    } finally {
      this.#writingBytes = 0;
    }
  }
}
