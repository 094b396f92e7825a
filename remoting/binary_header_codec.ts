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
  const length = end - start;
  if (length === 1 && (bytes[start] as number) < 0x80) return ONE_CHAR[bytes[start] as number]!;
  if (length <= SHORT_STRING_BYTES) {
    for (let i = start; i < end; i++) {
      if ((bytes[i] as number) >= 0x80) return textDecoder.decode(bytes.subarray(start, end));
    }
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  return textDecoder.decode(bytes.subarray(start, end));
}

/** The one-character strings of the ASCII range. */
const ONE_CHAR: readonly string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

/**
 * UTF-8 length of `text` exactly as `TextEncoder` writes it (a lone surrogate
 * becomes U+FFFD, 3 bytes); equals `text.length` for pure ASCII.
 */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2; // two code units, four bytes
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Writes `text` (of UTF-8 length `byteLength`) at `pos`; ASCII is copied without TextEncoder. */
function writeText(text: string, byteLength: number, out: Uint8Array, pos: number): number {
  if (byteLength === text.length) {
    for (let i = 0; i < byteLength; i++) out[pos + i] = text.charCodeAt(i);
  } else {
    textEncoder.encodeInto(text, out.subarray(pos, pos + byteLength));
  }
  return pos + byteLength;
}

function textOf(value: unknown): string {
  return typeof value === "string" ? value : String(value);
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
  const out = new Uint8Array(binaryHeaderByteLength(cmd));
  writeBinaryHeader(cmd, out, 0);
  return out;
}

/**
 * Bytes `writeBinaryHeader` will write for `cmd`. Throws `RangeError` when the
 * code or version does not fit 16 bits or a key is longer than 32767 bytes.
 */
export function binaryHeaderByteLength(cmd: CommandHeader): number {
  if (!fitsBinaryHeader(cmd)) {
    throw new RangeError(
      `Cannot encode binary header: code ${cmd.code} or version ${cmd.version} exceeds 16 bits`,
    );
  }
  let bytes = BINARY_HEADER_MIN_BYTES;
  if (cmd.remark !== undefined && cmd.remark !== "") bytes += utf8Length(cmd.remark);
  const fields = cmd.extFields;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const keyBytes = utf8Length(key);
    if (keyBytes > 0x7fff) {
      throw new RangeError(`Cannot encode binary header: key "${key}" too long`);
    }
    bytes += 6 + keyBytes + utf8Length(textOf(value));
  }
  return bytes;
}

/**
 * Writes the binary header of `cmd` into `out` at `offset` (room for
 * `binaryHeaderByteLength(cmd)` bytes is the caller's duty); returns the
 * offset after it. No allocation for ASCII text.
 */
export function writeBinaryHeader(cmd: CommandHeader, out: Uint8Array, offset: number): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setInt16(offset, cmd.code);
  out[offset + 2] = languageByte(cmd.language);
  view.setInt16(offset + 3, cmd.version);
  view.setInt32(offset + 5, cmd.opaque | 0);
  view.setInt32(offset + 9, cmd.flag | 0);
  let pos = offset + 13;
  const remark = cmd.remark === undefined || cmd.remark === "" ? undefined : cmd.remark;
  const remarkBytes = remark === undefined ? 0 : utf8Length(remark);
  view.setInt32(pos, remarkBytes);
  pos += 4;
  if (remark !== undefined) pos = writeText(remark, remarkBytes, out, pos);
  const mapStart = pos;
  pos += 4;
  const fields = cmd.extFields;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const keyBytes = utf8Length(key);
    view.setInt16(pos, keyBytes);
    pos = writeText(key, keyBytes, out, pos + 2);
    const text = textOf(value);
    const valueBytes = utf8Length(text);
    view.setInt32(pos, valueBytes);
    pos = writeText(text, valueBytes, out, pos + 4);
  }
  view.setInt32(mapStart, pos - mapStart - 4);
  return pos;
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
