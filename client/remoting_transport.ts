/**
 * The real `ClientTransport`: `remoting/`'s `RemotingClient` (one TCP
 * connection per address, JSON headers as Java clients send them), with
 * broker-initiated requests handed to the client instance.
 *
 * Runs on: main thread
 * @module
 */
import { createRequest, createResponse, RemotingClient } from "../remoting/mod.ts";
import type { RemotingCommand } from "../remoting/mod.ts";
import type {
  ClientTransport,
  IncomingRequestHandler,
  WireRequest,
  WireResponse,
} from "./transport.ts";

function toCommand(request: WireRequest, oneway: boolean): RemotingCommand {
  return createRequest(request.code, {
    extFields: request.extFields === undefined ? undefined : { ...request.extFields },
    body: request.body,
    oneway,
  });
}

function toWireResponse(cmd: RemotingCommand): WireResponse {
  return {
    code: cmd.code,
    remark: cmd.remark,
    extFields: cmd.extFields ?? {},
    body: cmd.body !== undefined && cmd.body.length > 0 ? cmd.body : undefined,
  };
}

/** Options of `createRemotingTransport`. */
export interface RemotingTransportOptions {
  /** Time allowed to open a connection (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Connect with TLS, trusting these extra CA certificates (PEM); plain TCP when absent. */
  tls?: { caCerts?: string[] | undefined } | undefined;
}

/** A transport over TCP that passes requests from brokers to `onRequest`. */
export function createRemotingTransport(
  onRequest: IncomingRequestHandler,
  options: RemotingTransportOptions = {},
): ClientTransport {
  const client = new RemotingClient({
    connectTimeoutMs: options.connectTimeoutMs ?? 3000,
    tls: options.tls,
    onRequest: async (cmd, conn) => {
      const answer = await onRequest(conn.remoteAddress, {
        code: cmd.code,
        extFields: cmd.extFields ?? {},
        ...(cmd.body === undefined ? {} : { body: cmd.body }),
      });
      if (answer === undefined || (cmd.flag & 2) !== 0) return undefined;
      return createResponse(cmd, answer.code, {
        remark: answer.remark,
        extFields: { ...answer.extFields },
        body: answer.body,
        serializeType: "JSON",
      });
    },
  });
  return {
    async invoke(addr, request, timeoutMs) {
      return toWireResponse(await client.invoke(addr, toCommand(request, false), timeoutMs));
    },
    invokeOneway(addr, request) {
      return client.invokeOneway(addr, toCommand(request, true));
    },
    close() {
      return client.close();
    },
  };
}
