/**
 * Small builders for handler responses: success with header fields and body, failure with a
 * remark, and JSON bodies.
 *
 * Runs on: main thread
 * @module
 */
import { createResponse, type RemotingCommand, ResponseCode } from "../../remoting/mod.ts";

const encoder = new TextEncoder();

/** A SUCCESS response with optional header fields and body. */
export function ok(
  request: RemotingCommand,
  extFields: Record<string, string> = {},
  body?: Uint8Array,
): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, { extFields, body });
}

/** An error response with a remark. */
export function fail(request: RemotingCommand, code: number, remark: string): RemotingCommand {
  return createResponse(request, code, { remark });
}

/** UTF-8 bytes of `JSON.stringify(value)`. */
export function jsonBody(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** UTF-8 bytes of a text. */
export function textBody(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Parses a JSON request body that must be an object (throws SyntaxError, mapped to SYSTEM_ERROR
 * with a remark, as Java's NullPointerException on a `null` body is).
 */
export function parseJsonBody<T>(request: RemotingCommand): T {
  if (request.body === undefined || request.body.length === 0) {
    throw new SyntaxError("request body is empty");
  }
  const value: unknown = JSON.parse(new TextDecoder().decode(request.body));
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SyntaxError("request body is not a JSON object");
  }
  return value as T;
}

/** The object elements of `value` when it is an array; anything else gives none. */
export function objectsIn<T extends object>(value: unknown): Partial<T>[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is Partial<T> =>
    typeof v === "object" && v !== null && !Array.isArray(v)
  );
}
