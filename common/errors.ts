/**
 * Base error classes for operating failures (disk full, peer reset, timeout,
 * malformed input). Expected outcomes are values, not errors; broken
 * invariants use `assert()` from `assert.ts`.
 *
 * Runs on: any
 * @module
 */

/** Options of every `BrokerError`: a machine-readable code and the cause. */
export interface BrokerErrorOptions {
  /** Machine-readable reason, mapped to wire, HTTP and CLI codes at the edges. */
  code?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Base class of every operating failure this project throws. */
export class BrokerError extends Error {
  override name = "BrokerError";
  /** Machine-readable reason, such as `"DISK_FULL"` or `"TIMEOUT"`. */
  readonly code: string;

  /** Creates an error with a sentence-case message and optional code and cause. */
  constructor(message: string, options: BrokerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? "BROKER_ERROR";
  }
}

/** Thrown by every decoder (frames, headers, messages, properties) on bad bytes. */
export class DecodeError extends BrokerError {
  override name = "DecodeError";

  /** Creates a decode error; `code` defaults to `"DECODE_ERROR"`. */
  constructor(message: string, options: BrokerErrorOptions = {}) {
    super(message, { code: "DECODE_ERROR", ...options });
  }
}

/** Thrown when configuration (a properties file, flags) is invalid. */
export class ConfigError extends BrokerError {
  override name = "ConfigError";

  /** Creates a configuration error; `code` defaults to `"CONFIG_ERROR"`. */
  constructor(message: string, options: BrokerErrorOptions = {}) {
    super(message, { code: "CONFIG_ERROR", ...options });
  }
}

/** Thrown when a request or connection times out. */
export class TimeoutError extends BrokerError {
  override name = "TimeoutError";

  /** Creates a timeout error; `code` defaults to `"TIMEOUT"`. */
  constructor(message: string, options: BrokerErrorOptions = {}) {
    super(message, { code: "TIMEOUT", ...options });
  }
}
