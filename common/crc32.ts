/**
 * CRC-32 as Java's `java.util.zip.CRC32` computes it (IEEE 802.3), and the
 * masked form RocketMQ stores in BODYCRC fields and `bodyCrc32` headers.
 *
 * Runs on: any
 * @module
 */
import { crc32 as zlibCrc32 } from "node:zlib";

/** Standard CRC-32 of `bytes` as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes) >>> 0;
}

/**
 * The body CRC as RocketMQ stores it: CRC-32 with the sign bit cleared
 * (`UtilAll.crc32(...) & 0x7FFFFFFF`), always in `[0, 2^31)`.
 */
export function bodyCrc(bytes: Uint8Array): number {
  return (zlibCrc32(bytes) & 0x7fffffff) >>> 0;
}
