/**
 * The one table from failures to HTTP statuses for the admin API: hono's `HTTPException`
 * keeps its status, RocketMQ response codes (as the broker's handlers answer them) map to
 * the nearest HTTP status, anything else is 500 with a short public message (details go to
 * the log only).
 *
 * Runs on: main thread
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { getLogger } from "../common/mod.ts";

const log = getLogger("http");

/** RocketMQ response code -> HTTP status. */
export const RESPONSE_CODE_STATUS: ReadonlyMap<number, ContentfulStatusCode> = new Map<
  number,
  ContentfulStatusCode
>([
  [0, 200], // SUCCESS
  [1, 500], // SYSTEM_ERROR
  [2, 503], // SYSTEM_BUSY
  [3, 501], // REQUEST_CODE_NOT_SUPPORTED
  [14, 503], // SERVICE_NOT_AVAILABLE
  [16, 403], // NO_PERMISSION
  [17, 404], // TOPIC_NOT_EXIST
  [22, 404], // QUERY_NOT_FOUND
  [29, 400], // INVALID_PARAMETER
  [206, 404], // CONSUMER_NOT_ONLINE
]);

/** The HTTP status for a RocketMQ response code (unknown failure codes: 500). */
export function statusForResponseCode(code: number): ContentfulStatusCode {
  return RESPONSE_CODE_STATUS.get(code) ?? 500;
}

/** Body of every error answer. */
export interface ErrorBody {
  error: string;
  issues?: { field: string; reason: string }[];
}

/** `app.onError`: `HTTPException` keeps its status; the rest is logged and answered 500. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof HTTPException) {
    return c.json<ErrorBody>({ error: error.message }, error.status);
  }
  log.error("Admin request failed", { path: c.req.path, error });
  return c.json<ErrorBody>({ error: "Internal error: see the broker log" }, 500);
}
