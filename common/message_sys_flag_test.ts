/**
 * Goal: sysFlag helpers read and set the bits of `message-format.md` §3.
 * Method: each bit and value from the table.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import {
  compressionTypeOf,
  getTransactionValue,
  isCompressed,
  isDispatchable,
  MessageSysFlag,
  resetTransactionValue,
} from "./message_sys_flag.ts";

Deno.test("MessageSysFlag has the documented masks", () => {
  assert.deepEqual(
    [
      MessageSysFlag.COMPRESSED_FLAG,
      MessageSysFlag.MULTI_TAGS_FLAG,
      MessageSysFlag.TRANSACTION_PREPARED_TYPE,
      MessageSysFlag.TRANSACTION_COMMIT_TYPE,
      MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
      MessageSysFlag.BORNHOST_V6_FLAG,
      MessageSysFlag.STOREHOSTADDRESS_V6_FLAG,
      MessageSysFlag.NEED_UNWRAP_FLAG,
      MessageSysFlag.INNER_BATCH_FLAG,
      MessageSysFlag.COMPRESSION_TYPE_MASK,
    ],
    [0x1, 0x2, 0x4, 0x8, 0xc, 0x10, 0x20, 0x40, 0x80, 0x700],
  );
});

Deno.test("resetTransactionValue() replaces only the transaction bits", () => {
  const flag = 0x1 | 0x10 | MessageSysFlag.TRANSACTION_PREPARED_TYPE;
  assert.equal(getTransactionValue(flag), 0x4);
  const committed = resetTransactionValue(flag, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
  assert.equal(committed, 0x1 | 0x10 | 0x8);
  assert.equal(resetTransactionValue(committed, MessageSysFlag.TRANSACTION_NOT_TYPE), 0x11);
});

Deno.test("compressionTypeOf() maps type bits, with legacy 0 meaning zlib", () => {
  assert.equal(compressionTypeOf(0x1), "zlib");
  assert.equal(compressionTypeOf(0x301), "zlib");
  assert.equal(compressionTypeOf(0x101), "lz4");
  assert.equal(compressionTypeOf(0x201), "zstd");
  assert.equal(compressionTypeOf(0x401), "unknown");
  assert.ok(isCompressed(0x301) && !isCompressed(0x300));
});

Deno.test("isDispatchable() is false when the record is a prepared or rolled-back half", () => {
  assert.ok(isDispatchable(0));
  assert.ok(isDispatchable(MessageSysFlag.TRANSACTION_COMMIT_TYPE));
  assert.ok(!isDispatchable(MessageSysFlag.TRANSACTION_PREPARED_TYPE));
  assert.ok(!isDispatchable(MessageSysFlag.TRANSACTION_ROLLBACK_TYPE));
});
