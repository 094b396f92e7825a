/**
 * Decoder of a SEND_BATCH_MESSAGE body (message-format.md section 8): entries of TOTALSIZE,
 * MAGICCODE, BODYCRC, FLAG, BODYLENGTH + BODY, PROPERTIESLENGTH + PROPERTIES.
 *
 * Runs on: main thread
 * @module
 */
import { DecodeError } from "../../common/mod.ts";

/** One inner message of a batch. */
export interface BatchEntry {
  flag: number;
  body: Uint8Array;
  properties: string;
}

const decoder = new TextDecoder();

/** Splits a batch body into its messages; throws `DecodeError` on malformed bytes. */
export function decodeBatchBody(bytes: Uint8Array, maxEntries: number): BatchEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: BatchEntry[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (entries.length >= maxEntries) {
      throw new DecodeError(`Cannot decode batch: more than ${maxEntries} messages`);
    }
    if (bytes.length - pos < 22) {
      throw new DecodeError(`Cannot decode batch: truncated entry at ${pos}`);
    }
    const totalSize = view.getInt32(pos);
    const flag = view.getInt32(pos + 12);
    const bodyLength = view.getInt32(pos + 16);
    if (bodyLength < 0 || pos + 20 + bodyLength + 2 > bytes.length) {
      throw new DecodeError(
        `Cannot decode batch: body length ${bodyLength} at ${pos} is out of range`,
      );
    }
    const body = bytes.slice(pos + 20, pos + 20 + bodyLength);
    const propertiesLength = view.getInt16(pos + 20 + bodyLength);
    const propertiesStart = pos + 22 + bodyLength;
    if (propertiesLength < 0 || propertiesStart + propertiesLength > bytes.length) {
      throw new DecodeError(
        `Cannot decode batch: properties length ${propertiesLength} at ${pos} is out of range`,
      );
    }
    const end = propertiesStart + propertiesLength;
    if (totalSize !== end - pos) {
      throw new DecodeError(
        `Cannot decode batch: total size ${totalSize} at ${pos} does not match ${end - pos}`,
      );
    }
    const properties = decoder.decode(bytes.subarray(propertiesStart, end));
    entries.push({ flag, body, properties });
    pos = end;
  }
  return entries;
}
