/**
 * ACL signing around a `ClientTransport` (Java `AclClientRPCHook`): every
 * request and one-way request leaves with `AccessKey`, `SecurityToken` (when
 * set) and `Signature` added just before it is written. Answers to
 * broker-initiated requests are not signed, as in Java.
 *
 * Runs on: main thread
 * @module
 */
import { signRequest } from "../common/acl/mod.ts";
import type { SessionCredentials } from "../common/acl/mod.ts";
import type { ClientTransport } from "./transport.ts";

/** `inner`, with every outgoing request signed with `credentials`. */
export function signingTransport(
  inner: ClientTransport,
  credentials: SessionCredentials,
): ClientTransport {
  if (credentials.accessKey === "" || credentials.secretKey === "") {
    throw new TypeError("Invalid credentials: accessKey and secretKey must not be empty");
  }
  return {
    invoke(addr, request, timeoutMs) {
      return inner.invoke(addr, signRequest(request, credentials), timeoutMs);
    },
    invokeOneway(addr, request) {
      return inner.invokeOneway(addr, signRequest(request, credentials));
    },
    close() {
      return inner.close();
    },
  };
}
