/**
 * Unit tests of the broker's one status table: store put outcomes map to the response codes
 * Java clients expect (a SYNC_FLUSH put that timed out is FLUSH_DISK_TIMEOUT, not success).
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { ResponseCode } from "../remoting/mod.ts";
import { getStatusToPullCode, putStatusToResponse } from "./response_codes.ts";

Deno.test("putStatusToResponse() maps store put statuses to Java response codes", () => {
  assert.equal(putStatusToResponse("PUT_OK").code, ResponseCode.SUCCESS);
  assert.equal(putStatusToResponse("FLUSH_DISK_TIMEOUT").code, ResponseCode.FLUSH_DISK_TIMEOUT);
  assert.equal(putStatusToResponse("FLUSH_DISK_TIMEOUT").code, 10);
  assert.equal(putStatusToResponse("SERVICE_NOT_AVAILABLE").code, 14);
  assert.equal(putStatusToResponse("MESSAGE_ILLEGAL").code, 13);
  assert.equal(putStatusToResponse("PROPERTIES_SIZE_EXCEEDED").code, 13);
  assert.equal(putStatusToResponse("OS_PAGECACHE_BUSY").code, 2);
  assert.equal(putStatusToResponse("UNKNOWN_ERROR").code, 1);
});

Deno.test("getStatusToPullCode() answers PULL_NOT_FOUND at the queue end and OFFSET_MOVED past it", () => {
  assert.equal(getStatusToPullCode("FOUND", 0), ResponseCode.SUCCESS);
  assert.equal(getStatusToPullCode("OFFSET_OVERFLOW_ONE", 3), ResponseCode.PULL_NOT_FOUND);
  assert.equal(getStatusToPullCode("OFFSET_OVERFLOW_BADLY", 9), ResponseCode.PULL_OFFSET_MOVED);
  assert.equal(getStatusToPullCode("NO_MESSAGE_IN_QUEUE", 0), ResponseCode.PULL_NOT_FOUND);
  assert.equal(getStatusToPullCode("NO_MESSAGE_IN_QUEUE", 4), ResponseCode.PULL_OFFSET_MOVED);
});
