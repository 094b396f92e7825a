/**
 * The one table from internal outcomes to RocketMQ response codes on the broker's edge:
 * store put statuses for sends, store get statuses for pulls (with the request offset rule of
 * `PullMessageProcessor`), and typed errors for everything else.
 *
 * Runs on: main thread
 * @module
 */
import { ResponseCode } from "../remoting/mod.ts";
import type { GetStatus, PutStatus } from "./message_store_port.ts";
import { HeaderError } from "./request_header.ts";

/** Response code and remark of a send whose store put ended with `status`. */
export function putStatusToResponse(status: PutStatus): { code: number; remark?: string } {
  switch (status) {
    case "PUT_OK":
      return { code: ResponseCode.SUCCESS };
    case "FLUSH_DISK_TIMEOUT":
      return { code: ResponseCode.FLUSH_DISK_TIMEOUT };
    case "FLUSH_SLAVE_TIMEOUT":
      return { code: ResponseCode.FLUSH_SLAVE_TIMEOUT };
    case "SLAVE_NOT_AVAILABLE":
      return { code: ResponseCode.SLAVE_NOT_AVAILABLE };
    case "SERVICE_NOT_AVAILABLE":
      return {
        code: ResponseCode.SERVICE_NOT_AVAILABLE,
        remark: "service not available now, maybe disk full or the broker is shutting down",
      };
    case "CREATE_MAPEDFILE_FAILED":
      return { code: ResponseCode.SYSTEM_ERROR, remark: "create mapped file failed" };
    case "MESSAGE_ILLEGAL":
    case "PROPERTIES_SIZE_EXCEEDED":
      return {
        code: ResponseCode.MESSAGE_ILLEGAL,
        remark: "the message is illegal, maybe msg body or properties length not matched",
      };
    case "OS_PAGECACHE_BUSY":
      return { code: ResponseCode.SYSTEM_BUSY, remark: "[PC_SYNCHRONIZED]broker busy" };
    case "UNKNOWN_ERROR":
      return { code: ResponseCode.SYSTEM_ERROR, remark: "UNKNOWN_ERROR" };
  }
}

/** Response code of a pull whose store get ended with `status`, for a request at `offset`. */
export function getStatusToPullCode(status: GetStatus, requestOffset: number): number {
  switch (status) {
    case "FOUND":
      return ResponseCode.SUCCESS;
    case "NO_MATCHED_MESSAGE":
    case "MESSAGE_WAS_REMOVING":
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case "NO_MESSAGE_IN_QUEUE":
    case "NO_MATCHED_LOGIC_QUEUE":
      return requestOffset === 0 ? ResponseCode.PULL_NOT_FOUND : ResponseCode.PULL_OFFSET_MOVED;
    case "OFFSET_OVERFLOW_ONE":
    case "OFFSET_FOUND_NULL":
      return ResponseCode.PULL_NOT_FOUND;
    case "OFFSET_TOO_SMALL":
    case "OFFSET_OVERFLOW_BADLY":
      return ResponseCode.PULL_OFFSET_MOVED;
  }
}

/** Response code and remark for an error thrown by a handler. */
export function errorToResponse(error: unknown): { code: number; remark: string } {
  if (error instanceof HeaderError) {
    return { code: ResponseCode.INVALID_PARAMETER, remark: error.message };
  }
  if (error instanceof SyntaxError) {
    return {
      code: ResponseCode.SYSTEM_ERROR,
      remark: `Cannot parse request body: ${error.message}`,
    };
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: ResponseCode.SYSTEM_ERROR, remark: text.slice(0, 200) };
}
