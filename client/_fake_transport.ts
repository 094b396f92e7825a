/**
 * A scripted `ClientTransport` for unit tests: records every request and
 * answers with a handler, and can deliver broker-initiated requests to the
 * client's incoming handler.
 *
 * Runs on: main thread
 * @module
 */
import type {
  ClientTransport,
  IncomingRequestHandler,
  WireRequest,
  WireResponse,
} from "./transport.ts";

/** One recorded call. */
export interface FakeCall {
  readonly addr: string;
  readonly request: WireRequest;
  readonly oneway: boolean;
}

/** Answers one request; throw to simulate an I/O failure. */
export type FakeHandler = (
  addr: string,
  request: WireRequest,
) => WireResponse | Promise<WireResponse>;

/** A fake transport and the hooks a test drives it with. */
export class FakeTransport implements ClientTransport {
  readonly calls: FakeCall[] = [];
  handler: FakeHandler;
  onRequest: IncomingRequestHandler | undefined;
  closed = false;

  /** Creates a transport answering with `handler`. */
  constructor(handler: FakeHandler) {
    this.handler = handler;
  }

  /** A factory for `ClientOptions.transportFactory` returning this transport. */
  factory(): (onRequest: IncomingRequestHandler) => ClientTransport {
    return (onRequest) => {
      this.onRequest = onRequest;
      return this;
    };
  }

  /** Records and answers. */
  async invoke(addr: string, request: WireRequest, _timeoutMs: number): Promise<WireResponse> {
    if (this.closed) throw new Error("closed");
    this.calls.push({ addr, request, oneway: false });
    return await this.handler(addr, request);
  }

  /** Records only. */
  invokeOneway(addr: string, request: WireRequest): Promise<void> {
    this.calls.push({ addr, request, oneway: true });
    return Promise.resolve();
  }

  /** Marks closed. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Calls with request `code`. */
  callsWithCode(code: number): FakeCall[] {
    return this.calls.filter((c) => c.request.code === code);
  }
}

/** A success response with `extFields` and an optional JSON body. */
export function ok(extFields: Record<string, string> = {}, json?: unknown): WireResponse {
  return {
    code: 0,
    extFields,
    body: json === undefined ? undefined : new TextEncoder().encode(JSON.stringify(json)),
  };
}

/** A route body with one broker group `broker-a` at `addr` and `queues` read/write queues. */
export function routeBody(addr: string, queues: number, brokerName = "broker-a"): unknown {
  return {
    brokerDatas: [{ brokerAddrs: { "0": addr }, brokerName, cluster: "DefaultCluster" }],
    queueDatas: [{
      brokerName,
      perm: 6,
      readQueueNums: queues,
      topicSysFlag: 0,
      writeQueueNums: queues,
    }],
  };
}
