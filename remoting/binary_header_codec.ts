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
  if (length <= INTERN_MAX_BYTES) return internAscii(bytes, start, end);
  if (length <= SHORT_STRING_BYTES) {
    for (let i = start; i < end; i++) {
      if ((bytes[i] as number) >= 0x80) return textDecoder.decode(bytes.subarray(start, end));
    }
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  return textDecoder.decode(bytes.subarray(start, end));
}

/** Short values are looked up in a small table of recent strings before one is made. */
const INTERN_MAX_BYTES = 24;
const INTERN_SLOTS = 512;
/**
 * The last string decoded per hash slot. Header values repeat from frame to frame (topic,
 * group, queue id, flags, a timestamp within its millisecond), so most decodes find their
 * string here instead of allocating one; this memo changes no result.
 */
const interned: string[] = Array.from({ length: INTERN_SLOTS }, () => "");

function internAscii(bytes: Uint8Array, start: number, end: number): string {
  let hash = end - start;
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80) return textDecoder.decode(bytes.subarray(start, end));
    hash = Math.imul(hash ^ b, 0x01000193);
  }
  const slot = (hash ^ (hash >>> 15)) & (INTERN_SLOTS - 1);
  const known = interned[slot] as string;
  if (known.length === end - start) {
    let same = true;
    for (let i = 0; i < known.length; i++) {
      if (known.charCodeAt(i) !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  let text = "";
  for (let i = start; i < end; i++) text += ONE_CHAR[bytes[i] as number];
  interned[slot] = text;
  return text;
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
  return encodeBinaryHeaderShared(cmd).slice();
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
 * offset after it.
 */
export function writeBinaryHeader(cmd: CommandHeader, out: Uint8Array, offset: number): number {
  const header = encodeBinaryHeaderShared(cmd);
  out.set(header, offset);
  return offset + header.length;
}

/** Scratch of `encodeBinaryHeaderShared`; grows, never shrinks below its first size. */
let scratch = new Uint8Array(1024);
let scratchView = new DataView(scratch.buffer);

function ensureScratch(bytes: number): void {
  if (bytes <= scratch.length) return;
  const next = new Uint8Array(Math.max(bytes, scratch.length * 2));
  next.set(scratch);
  scratch = next;
  scratchView = new DataView(next.buffer);
}

/** Writes `text` as UTF-8 at `pos` of the scratch; returns the end. ASCII skips TextEncoder. */
function putText(text: string, pos: number): number {
  const n = text.length;
  ensureScratch(pos + n * 3); // 3 bytes per UTF-16 unit bound the UTF-8 length
  const out = scratch;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return pos + textEncoder.encodeInto(text, out.subarray(pos)).written;
    out[pos + i] = code;
  }
  return pos + n;
}

/**
 * Encodes the header of `cmd` in one pass into a scratch buffer shared by every call and
 * returns a view of it, valid until the next call (copy it out before encoding another).
 * Throws `RangeError` when the code or version does not fit 16 bits or a key is longer than
 * 32767 bytes.
 */
export function encodeBinaryHeaderShared(cmd: CommandHeader): Uint8Array {
  if (!fitsBinaryHeader(cmd)) {
    throw new RangeError(
      `Cannot encode binary header: code ${cmd.code} or version ${cmd.version} exceeds 16 bits`,
    );
  }
  scratchView.setInt16(0, cmd.code);
  scratch[2] = languageByte(cmd.language);
  scratchView.setInt16(3, cmd.version);
  scratchView.setInt32(5, cmd.opaque | 0);
  scratchView.setInt32(9, cmd.flag | 0);
  let pos = 17;
  if (cmd.remark !== undefined && cmd.remark !== "") pos = putText(cmd.remark, 17);
  scratchView.setInt32(13, pos - 17);
  const mapStart = pos;
  pos += 4;
  const fields = cmd.extFields;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const keyEnd = putText(key, pos + 2);
    if (keyEnd - pos - 2 > 0x7fff) {
      throw new RangeError(`Cannot encode binary header: key "${key}" too long`);
    }
    scratchView.setInt16(pos, keyEnd - pos - 2);
    ensureScratch(keyEnd + 4);
    pos = putText(textOf(value), keyEnd + 4);
    scratchView.setInt32(keyEnd, pos - keyEnd - 4);
  }
  ensureScratch(pos);
  scratchView.setInt32(mapStart, pos - mapStart - 4);
  return scratch.subarray(0, pos);
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
