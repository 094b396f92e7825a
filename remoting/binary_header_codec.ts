/**
 * The binary ROCKETMQ form of a remoting command header
 * (remoting-protocol.md section 3):
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 2 | code (signed 16-bit) |
 * | 2 | 1 | language byte |
 * | 3 | 2 | version (signed 16-bit) |
 * | 5 | 4 | opaque |
 * | 9 | 4 | flag |
 * | 13 | 4 | remarkLength (0 = no remark) + remark bytes |
 * | … | 4 | extFieldsLength (0 = none) + entries: keyLength (2), key, valueLength (4), value |
 *
 * Runs on: any
 * @module
 */
import { DecodeError } from "../common/mod.ts";
import type { CommandHeader } from "./json_header_codec.ts";
import { setField } from "./json_header_codec.ts";
import { languageByte, languageName } from "./language_code.ts";

/** Smallest binary header: fixed fields plus two zero lengths. */
export const BINARY_HEADER_MIN_BYTES = 21;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const SHORT_STRING_BYTES = 64;

/** UTF-8 decode; short pure-ASCII runs (most header keys and values) skip TextDecoder. */
function decodeText(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT_STRING_BYTES) {
    let text = "";
    for (let i = start; i < end; i++) {
      const byte = bytes[i] as number;
      if (byte >= 0x80) return textDecoder.decode(bytes.subarray(start, end));
      text += String.fromCharCode(byte);
    }
    return text;
  }
  return textDecoder.decode(bytes.subarray(start, end));
}

/** UTF-8 encode; pure-ASCII strings skip TextEncoder. */
function encodeText(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return textEncoder.encode(text);
    out[i] = code;
  }
  return out;
}

/** True when `code` and `version` fit the signed 16-bit fields of the binary header. */
export function fitsBinaryHeader(cmd: CommandHeader): boolean {
  return isInt16(cmd.code) && isInt16(cmd.version);
}

function isInt16(value: number): boolean {
  return Number.isInteger(value) && value >= -0x8000 && value <= 0x7fff;
}

/**
 * Encodes the header of `cmd` in the binary form. Throws `RangeError` when the
 * code or version does not fit 16 bits (check with `fitsBinaryHeader`).
 */
export function encodeBinaryHeader(cmd: CommandHeader): Uint8Array {
  if (!fitsBinaryHeader(cmd)) {
    throw new RangeError(
      `Cannot encode binary header: code ${cmd.code} or version ${cmd.version} exceeds 16 bits`,
    );
  }
  const remark = cmd.remark === undefined || cmd.remark === "" ? undefined : encodeText(cmd.remark);
  const entries: Uint8Array[] = [];
  let mapBytes = 0;
  for (const key in cmd.extFields) {
    const value = cmd.extFields[key];
    if (value === undefined || value === null) continue;
    const k = encodeText(key);
    const v = encodeText(value);
    if (k.length > 0x7fff) {
      throw new RangeError(`Cannot encode binary header: key "${key}" too long`);
    }
    entries.push(k, v);
    mapBytes += 6 + k.length + v.length;
  }
  const out = new Uint8Array(BINARY_HEADER_MIN_BYTES + (remark?.length ?? 0) + mapBytes);
  const view = new DataView(out.buffer);
  view.setInt16(0, cmd.code);
  out[2] = languageByte(cmd.language);
  view.setInt16(3, cmd.version);
  view.setInt32(5, cmd.opaque | 0);
  view.setInt32(9, cmd.flag | 0);
  let pos = 13;
  view.setInt32(pos, remark?.length ?? 0);
  pos += 4;
  if (remark !== undefined) {
    out.set(remark, pos);
    pos += remark.length;
  }
  view.setInt32(pos, mapBytes);
  pos += 4;
  for (let i = 0; i < entries.length; i += 2) {
    const k = entries[i] as Uint8Array;
    const v = entries[i + 1] as Uint8Array;
    view.setInt16(pos, k.length);
    out.set(k, pos + 2);
    pos += 2 + k.length;
    view.setInt32(pos, v.length);
    out.set(v, pos + 4);
    pos += 4 + v.length;
  }
  return out;
}

/** Decodes a binary header; throws `DecodeError` when a length points past the header. */
export function decodeBinaryHeader(bytes: Uint8Array): CommandHeader {
  if (bytes.length < BINARY_HEADER_MIN_BYTES) {
    throw new DecodeError(
      `Cannot decode binary header: ${bytes.length} bytes, at least ${BINARY_HEADER_MIN_BYTES} needed`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header: CommandHeader = {
    code: view.getInt16(0),
    language: languageName(bytes[2] as number),
    version: view.getInt16(3),
    opaque: view.getInt32(5),
    flag: view.getInt32(9),
  };
  let pos = 13;
  const remarkLength = view.getInt32(pos);
  pos += 4;
  if (remarkLength < 0 || remarkLength > bytes.length - pos - 4) {
    throw new DecodeError(`Cannot decode binary header: bad remark length ${remarkLength}`);
  }
  if (remarkLength > 0) {
    header.remark = decodeText(bytes, pos, pos + remarkLength);
    pos += remarkLength;
  }
  const mapLength = view.getInt32(pos);
  pos += 4;
  if (mapLength < 0 || mapLength !== bytes.length - pos) {
    throw new DecodeError(
      `Cannot decode binary header: extFields length ${mapLength} does not match ${
        bytes.length - pos
      } remaining bytes`,
    );
  }
  if (mapLength > 0) header.extFields = decodeMap(bytes, view, pos);
  return header;
}

function decodeMap(bytes: Uint8Array, view: DataView, start: number): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = start;
  while (pos < bytes.length) {
    if (bytes.length - pos < 2) throw new DecodeError("Cannot decode binary header: cut map key");
    const keyLength = view.getInt16(pos);
    pos += 2;
    if (keyLength < 0 || bytes.length - pos < keyLength + 4) {
      throw new DecodeError(`Cannot decode binary header: bad map key length ${keyLength}`);
    }
    const key = decodeText(bytes, pos, pos + keyLength);
    pos += keyLength;
    const valueLength = view.getInt32(pos);
    pos += 4;
    if (valueLength < 0 || bytes.length - pos < valueLength) {
      throw new DecodeError(`Cannot decode binary header: bad map value length ${valueLength}`);
    }
    setField(out, key, decodeText(bytes, pos, pos + valueLength));
    pos += valueLength;
  }
  return out;
}
