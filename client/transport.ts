/**
 * The client's view of the wire: a request code with string headers and a
 * body, answered by a response. `ClientTransport` is implemented over
 * `remoting/`'s `RemotingClient` in `remoting_transport.ts`; tests plug in
 * fakes, so everything above it runs without sockets.
 *
 * Runs on: main thread
 * @module
 */

/** One request as the client sends it (the `extFields` of a RemotingCommand, plus a body). */
export interface WireRequest {
  /** Request code (`RequestCode`). */
  readonly code: number;
  /** Custom header fields, already strings as Java sends them. */
  readonly extFields?: Readonly<Record<string, string>>;
  /** Body bytes, if any. */
  readonly body?: Uint8Array;
}

/** One response as the client reads it. */
export interface WireResponse {
  /** Response code (`ResponseCode`); 0 is success. */
  readonly code: number;
  /** Human-readable remark, when the server sent one. */
  readonly remark?: string | undefined;
  /** Custom header fields (values coerced to strings). */
  readonly extFields: Readonly<Record<string, string>>;
  /** Body bytes, if any. */
  readonly body?: Uint8Array | undefined;
}

/** Answers a request that a broker started on the client's connection (or `undefined` for none). */
export type IncomingRequestHandler = (
  from: string,
  request: WireRequest,
) => Promise<WireResponse | undefined>;

/** Request/response and one-way calls to `ip:port` addresses over pooled connections. */
export interface ClientTransport {
  /** Sends `request` to `addr` and resolves with the response; rejects on timeout or I/O failure. */
  invoke(addr: string, request: WireRequest, timeoutMs: number): Promise<WireResponse>;
  /** Sends `request` to `addr` without waiting for an answer. */
  invokeOneway(addr: string, request: WireRequest): Promise<void>;
  /** Closes every connection; pending calls reject. */
  close(): Promise<void>;
}
