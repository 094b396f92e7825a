/**
 * Body compression as the Java producer does it: zlib (RFC 1950) streams made
 * by `java.util.zip.Deflater`, default level 5. LZ4 and ZSTD (5.x compression
 * types 1 and 2) are not supported.
 *
 * Runs on: any
 * @module
 */
import { deflateSync, inflateSync } from "node:zlib";
import { DecodeError } from "./errors.ts";
import { FRAME_MAX_BYTES } from "./limits.ts";

function plain(buffer: Uint8Array): Uint8Array {
  // node:zlib returns a Buffer; hand out a plain Uint8Array view of the same bytes.
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Compresses `bytes` into a zlib stream at `level` (0..9, default 5 as in Java). */
export function compressBody(bytes: Uint8Array, level = 5): Uint8Array {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new RangeError(`Invalid compression level: ${level} (expected 0..9)`);
  }
  return plain(deflateSync(bytes, { level }));
}

/** Options of `uncompressBody`. */
export interface UncompressOptions {
  /** Largest accepted output; default `FRAME_MAX_BYTES` (16 MiB). */
  maxBytes?: number;
}

/**
 * Inflates a zlib stream. Throws `DecodeError` when the bytes are not a
 * valid zlib stream or inflate to more than `maxBytes`.
 */
export function uncompressBody(bytes: Uint8Array, options: UncompressOptions = {}): Uint8Array {
  const maxOutputLength = options.maxBytes ?? FRAME_MAX_BYTES;
  try {
    return plain(inflateSync(bytes, { maxOutputLength }));
  } catch (error) {
    throw new DecodeError(
      `Cannot uncompress message body: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
