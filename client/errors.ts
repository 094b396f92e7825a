/**
 * Client errors: a broker or name server answered with a failure code
 * (`MQResponseError`), or the client itself cannot proceed (`MQClientError`:
 * no route, closed, bad state).
 *
 * Runs on: any
 * @module
 */
import { BrokerError } from "../common/mod.ts";
import { responseCodeName } from "../remoting/mod.ts";

/** A server answered a request with a non-success response code. */
export class MQResponseError extends BrokerError {
  override name = "MQResponseError";
  /** The response code (`ResponseCode`). */
  readonly responseCode: number;
  /** The server's remark, if any. */
  readonly remark: string | undefined;
  /** The address that answered. */
  readonly addr: string;

  /** Creates the error for `responseCode` answered by `addr`. */
  constructor(addr: string, responseCode: number, remark: string | undefined, what: string) {
    super(
      `Cannot ${what}: "${addr}" answered ${responseCodeName(responseCode)}` +
        (remark === undefined ? "" : `: ${remark}`),
      { code: responseCodeName(responseCode) },
    );
    this.responseCode = responseCode;
    this.remark = remark;
    this.addr = addr;
  }
}

/** Reasons the client itself fails. */
export type MQClientErrorCode =
  | "NO_ROUTE"
  | "NO_NAME_SERVER"
  | "NOT_STARTED"
  | "CLOSED"
  | "SEND_FAILED"
  | "ILLEGAL_MESSAGE";

/** The client cannot do what was asked (no route, not started, closed, all retries failed). */
export class MQClientError extends BrokerError {
  override name = "MQClientError";

  /** Creates the error with one of the client codes and an optional cause. */
  constructor(message: string, code: MQClientErrorCode, cause?: unknown) {
    super(message, cause === undefined ? { code } : { code, cause });
  }
}
