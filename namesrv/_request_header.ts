/**
 * Typed reads of a request's `extFields` (the custom header). A missing
 * required field or a value of the wrong type throws `RequestError`, which the
 * request processor turns into a SYSTEM_ERROR response with the message as
 * remark, as Java does for a header it cannot decode.
 *
 * Runs on: main thread
 * @module
 */
import { BrokerError } from "../common/mod.ts";
import type { RemotingCommand } from "../remoting/mod.ts";

/** A request the name server cannot process: bad header or body. */
export class RequestError extends BrokerError {
  override name = "RequestError";

  /** Creates a request error; `code` defaults to `"BAD_REQUEST"`. */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "BAD_REQUEST", ...options });
  }
}

const INTEGER = /^-?\d{1,16}$/;

/** Reads named header fields of one request. */
export class RequestHeader {
  readonly #fields: Record<string, string>;

  /** Wraps the request's `extFields` (absent = no fields). */
  constructor(request: RemotingCommand) {
    this.#fields = request.extFields ?? {};
  }

  /** An optional string field; empty strings count as present. */
  optionalString(name: string): string | undefined {
    const value = this.#fields[name];
    return typeof value === "string" ? value : undefined;
  }

  /** A required string field. */
  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined) {
      throw new RequestError(`Invalid request header: field "${name}" is missing`);
    }
    return value;
  }

  /** An optional integer (Java int/long) field. */
  optionalInteger(name: string): number | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    if (!INTEGER.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
      throw new RequestError(
        `Invalid request header: field "${name}" has value "${value}", expected an integer`,
      );
    }
    return Number(trimmed);
  }

  /** A required integer field. */
  integer(name: string): number {
    const value = this.optionalInteger(name);
    if (value === undefined) {
      throw new RequestError(`Invalid request header: field "${name}" is missing`);
    }
    return value;
  }

  /** An optional boolean field (Java `Boolean.parseBoolean`: only "true" is true). */
  optionalBoolean(name: string): boolean | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    return value.trim().toLowerCase() === "true";
  }
}
