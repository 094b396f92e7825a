/**
 * The sysFlag bits of a message (`message-format.md` §3, Java
 * `MessageSysFlag` and `CompressionType`).
 *
 * Runs on: any
 * @module
 */

/** sysFlag bit masks and transaction type values. */
export const MessageSysFlag = {
  /** Body is compressed. */
  COMPRESSED_FLAG: 0x1,
  /** Topic filter type MULTI_TAG. */
  MULTI_TAGS_FLAG: 0x2,
  /** Mask of the transaction type bits. */
  TRANSACTION_TYPE_MASK: 0xc,
  TRANSACTION_NOT_TYPE: 0x0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  /** Born host is a 16-byte IPv6 address. */
  BORNHOST_V6_FLAG: 0x10,
  /** Store host is a 16-byte IPv6 address. */
  STOREHOSTADDRESS_V6_FLAG: 0x20,
  /** 5.x inner-batch record the client must unwrap. */
  NEED_UNWRAP_FLAG: 0x40,
  /** 5.x inner-batch record. */
  INNER_BATCH_FLAG: 0x80,
  /** Mask of the compression type bits (8..10). */
  COMPRESSION_TYPE_MASK: 0x700,
  /** Compression type 0: legacy, means zlib. */
  COMPRESSION_LEGACY: 0x000,
  COMPRESSION_LZ4: 0x100,
  COMPRESSION_ZSTD: 0x200,
  COMPRESSION_ZLIB: 0x300,
} as const;

/** The transaction type bits of `sysFlag` (0, 4, 8 or 12). */
export function getTransactionValue(sysFlag: number): number {
  return sysFlag & MessageSysFlag.TRANSACTION_TYPE_MASK;
}

/** `sysFlag` with its transaction type bits replaced by `type` (0, 4, 8 or 12). */
export function resetTransactionValue(sysFlag: number, type: number): number {
  return (sysFlag & ~MessageSysFlag.TRANSACTION_TYPE_MASK) |
    (type & MessageSysFlag.TRANSACTION_TYPE_MASK);
}

/** Compression algorithm named by the sysFlag type bits; legacy 0 means zlib. */
export type CompressionType = "zlib" | "lz4" | "zstd" | "unknown";

/** Which algorithm compressed the body (meaningful only when COMPRESSED_FLAG is set). */
export function compressionTypeOf(sysFlag: number): CompressionType {
  switch (sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK) {
    case MessageSysFlag.COMPRESSION_LEGACY:
    case MessageSysFlag.COMPRESSION_ZLIB:
      return "zlib";
    case MessageSysFlag.COMPRESSION_LZ4:
      return "lz4";
    case MessageSysFlag.COMPRESSION_ZSTD:
      return "zstd";
    default:
      return "unknown";
  }
}

/** Whether the body is compressed. */
export function isCompressed(sysFlag: number): boolean {
  return (sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0;
}

/** Whether a record with this sysFlag goes into a consume queue (not PREPARED or ROLLBACK). */
export function isDispatchable(sysFlag: number): boolean {
  const type = getTransactionValue(sysFlag);
  return type === MessageSysFlag.TRANSACTION_NOT_TYPE ||
    type === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}
