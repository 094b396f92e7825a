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

/** Parses a JSON request body (throws SyntaxError, mapped to SYSTEM_ERROR with a remark). */
export function parseJsonBody<T>(request: RemotingCommand): T {
  if (request.body === undefined || request.body.length === 0) {
    throw new SyntaxError("request body is empty");
  }
  return JSON.parse(new TextDecoder().decode(request.body)) as T;
}
