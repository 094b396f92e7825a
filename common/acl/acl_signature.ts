/**
 * RocketMQ 4.x ACL request signing (`AclClientRPCHook` / `AclUtils`): the
 * signature is HmacSHA1, base64, over the values of every `extFields` entry
 * except `Signature`, sorted by key (Java `TreeMap` order), as UTF-8,
 * followed by the body bytes. Checked against mqadmin frames captured from
 * Java 4.9.4 (`_UNIQUE_KEY_QUERY` is signed too).
 *
 * Runs on: any
 * @module
 */
import { createHmac } from "node:crypto";

/** Header field carrying the access key. */
export const ACCESS_KEY_FIELD = "AccessKey";
/** Header field carrying the signature. */
export const SIGNATURE_FIELD = "Signature";
/** Header field carrying the optional security token. */
export const SECURITY_TOKEN_FIELD = "SecurityToken";

/** What a signature covers: a request's header fields and body. */
export interface SignableRequest {
  /** Header fields; `undefined` = none. */
  extFields?: Record<string, string> | undefined;
  /** Body bytes. */
  body?: Uint8Array | undefined;
}

/** Credentials a client signs with (`SessionCredentials`). */
export interface SessionCredentials {
  /** Account access key. */
  accessKey: string;
  /** Account secret key. */
  secretKey: string;
  /** Optional security token, signed and sent as `SecurityToken`. */
  securityToken?: string | undefined;
}

/** Java `String.compareTo` order (UTF-16 code units), which `TreeMap` uses. */
function javaOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The signed bytes: sorted field values (without `Signature`) as UTF-8, then the body. */
export function signatureContent(request: SignableRequest): Uint8Array {
  const fields = request.extFields ?? {};
  const text = Object.keys(fields).filter((k) => k !== SIGNATURE_FIELD).sort(javaOrder)
    .map((k) => fields[k]).join("");
  const head = new TextEncoder().encode(text);
  const body = request.body ?? new Uint8Array(0);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** Base64 HmacSHA1 of `content` with `secretKey` (`AclUtils.calSignature`). */
export function calculateSignature(content: Uint8Array, secretKey: string): string {
  return createHmac("sha1", secretKey).update(content).digest("base64");
}

/**
 * A copy of `cmd` with `AccessKey`, `SecurityToken` (when given) and
 * `Signature` added to its header fields, signed as a Java 4.x client does.
 */
export function signRequest<T extends SignableRequest>(cmd: T, credentials: SessionCredentials): T {
  const extFields: Record<string, string> = { ...cmd.extFields };
  delete extFields[SIGNATURE_FIELD];
  extFields[ACCESS_KEY_FIELD] = credentials.accessKey;
  if (credentials.securityToken !== undefined) {
    extFields[SECURITY_TOKEN_FIELD] = credentials.securityToken;
  }
  const signature = calculateSignature(
    signatureContent({ extFields, body: cmd.body }),
    credentials.secretKey,
  );
  extFields[SIGNATURE_FIELD] = signature;
  return { ...cmd, extFields };
}
