/**
 * The SEND_BATCH_MESSAGE body (`message-format.md` §8): entries of
 * TOTALSIZE, MAGICCODE (0), BODYCRC (0), FLAG, BODYLENGTH + BODY,
 * PROPERTIESLENGTH + PROPERTIES, back to back. Java `MessageDecoder.encodeMessages`.
 *
 * Runs on: any
 * @module
 */
import { DecodeError } from "./errors.ts";
import type { PropertiesInput } from "./message_properties.ts";
import { encodeProperties } from "./message_properties.ts";

/** One message of a batch, as a producer supplies it. */
export interface BatchEntryInput {
  body: Uint8Array;
  flag: number;
  /** Encoded properties string, or a map/record to encode. */
  properties: string | PropertiesInput;
}

/** One decoded message of a batch body. */
export interface BatchEntry {
  body: Uint8Array;
  flag: number;
  /** The properties string as sent. */
  properties: string;
  /** As sent (Java producers send 0; the broker computes its own). */
  bodyCRC: number;
  /** As sent (Java producers send 0; ignored). */
  magicCode: number;
}

/** Fixed bytes of one entry: size, magic, CRC, flag, body length, properties length. */
const ENTRY_FIXED_BYTES = 4 + 4 + 4 + 4 + 4 + 2;
const PROPERTIES_MAX_BYTES = 32_767;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/**
 * Encodes a batch body as the Java producer does (magic and CRC 0). Throws
 * `RangeError` when a properties string exceeds 32 767 UTF-8 bytes.
 */
export function encodeBatchBody(messages: readonly BatchEntryInput[]): Uint8Array {
  const encoded = messages.map((message) => {
    const text = typeof message.properties === "string"
      ? message.properties
      : encodeProperties(message.properties);
    const properties = textEncoder.encode(text);
    if (properties.length > PROPERTIES_MAX_BYTES) {
      throw new RangeError(
        `Cannot encode batch: properties are ${properties.length} bytes, max ${PROPERTIES_MAX_BYTES}`,
      );
    }
    return {
      message,
      properties,
      size: ENTRY_FIXED_BYTES + message.body.length + properties.length,
    };
  });
  const out = new Uint8Array(encoded.reduce((sum, entry) => sum + entry.size, 0));
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const { message, properties, size } of encoded) {
    view.setInt32(pos, size);
    view.setInt32(pos + 4, 0);
    view.setInt32(pos + 8, 0);
    view.setInt32(pos + 12, message.flag);
    view.setInt32(pos + 16, message.body.length);
    out.set(message.body, pos + 20);
    pos += 20 + message.body.length;
    view.setInt16(pos, properties.length);
    out.set(properties, pos + 2);
    pos += 2 + properties.length;
  }
  return out;
}

/**
 * Decodes a batch body into its entries. Throws `DecodeError` when an entry
 * is truncated, has a negative length, or its TOTALSIZE disagrees with its
 * fields.
 */
export function decodeBatchBody(body: Uint8Array): BatchEntry[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const entries: BatchEntry[] = [];
  let pos = 0;
  // Each pass consumes at least ENTRY_FIXED_BYTES, so this ends.
  while (pos < body.length) {
    if (pos + ENTRY_FIXED_BYTES > body.length) {
      throw new DecodeError(`Cannot decode batch: truncated entry at ${pos}`);
    }
    const totalSize = view.getInt32(pos);
    const bodyLength = view.getInt32(pos + 16);
    const bodyStart = pos + 20;
    if (bodyLength < 0 || bodyStart + bodyLength + 2 > body.length) {
      throw new DecodeError(`Cannot decode batch: bad body length ${bodyLength} at ${pos}`);
    }
    const propertiesLength = view.getInt16(bodyStart + bodyLength);
    const propertiesStart = bodyStart + bodyLength + 2;
    const end = propertiesStart + propertiesLength;
    if (propertiesLength < 0 || end > body.length) {
      throw new DecodeError(`Cannot decode batch: bad properties length at ${pos}`);
    }
    if (totalSize !== end - pos) {
      throw new DecodeError(
        `Cannot decode batch: total size ${totalSize} disagrees with fields (${
          end - pos
        }) at ${pos}`,
      );
    }
    entries.push({
      body: body.slice(bodyStart, bodyStart + bodyLength),
      flag: view.getInt32(pos + 12),
      properties: textDecoder.decode(body.subarray(propertiesStart, end)),
      bodyCRC: view.getInt32(pos + 8),
      magicCode: view.getInt32(pos + 4),
    });
    pos = end;
  }
  return entries;
}
