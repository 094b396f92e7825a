/**
 * Reading stored message records (`message-format.md` §2): full decode into
 * a `MessageExt`, a cheap summary for dispatch and recovery scans, and the
 * body CRC check. Every failure on bad bytes is a `DecodeError`.
 *
 * Runs on: any
 * @module
 */
import { uncompressBody } from "./compression.ts";
import { bodyCrc } from "./crc32.ts";
import { DecodeError } from "./errors.ts";
import type { MessageExt } from "./message_codec.ts";
import {
  BLANK_MAGIC_CODE,
  BLANK_RECORD_MIN_BYTES,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  STORED_RECORD_MIN_BYTES,
} from "./message_codec.ts";
import { createOffsetMessageId } from "./message_id.ts";
import { decodeProperties } from "./message_properties.ts";
import { compressionTypeOf, isCompressed, MessageSysFlag } from "./message_sys_flag.ts";
import type { SocketAddress } from "./socket_address.ts";
import { decodeSocketAddress } from "./socket_address.ts";

/** The fields of a record that dispatch and recovery need, without copying the body. */
export interface RecordSummary {
  totalSize: number;
  /** MAGICCODE, signed as Java reads it. */
  magic: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  physicalOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  storeTimestamp: number;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  topic: string;
  /** The properties string as stored. */
  properties: string;
  /** Absolute position of the body in the bytes passed in. */
  bodyOffset: number;
  bodyLength: number;
}

interface ParsedRecord extends RecordSummary {
  bornHost: SocketAddress;
  storeHost: SocketAddress;
}

const textDecoder = new TextDecoder();

function getInt64(view: DataView, pos: number): number {
  const value = view.getInt32(pos) * 4294967296 + view.getUint32(pos + 4);
  if (!Number.isSafeInteger(value)) {
    throw new DecodeError(`Cannot decode message: 64-bit field at ${pos} exceeds 2^53`);
  }
  return value;
}

function readText(bytes: Uint8Array, start: number, length: number): string {
  if (length === 0) return "";
  // Short ASCII strings (topics, most properties) are faster by hand than via TextDecoder.
  if (length <= 64) {
    let ascii = true;
    for (let i = start; i < start + length; i++) {
      if ((bytes[i] ?? 0) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode(...bytes.subarray(start, start + length));
  }
  return textDecoder.decode(bytes.subarray(start, start + length));
}

/** Checks TOTALSIZE and MAGICCODE at `offset`; returns both, or throws `DecodeError`. */
function checkFrame(bytes: Uint8Array, view: DataView, offset: number): [number, number] {
  if (!Number.isInteger(offset) || offset < 0 || offset + BLANK_RECORD_MIN_BYTES > bytes.length) {
    throw new DecodeError(`Cannot decode message: truncated record at ${offset}`);
  }
  const totalSize = view.getInt32(offset);
  const magic = view.getInt32(offset + 4);
  if (magic === BLANK_MAGIC_CODE) {
    throw new DecodeError(`Cannot decode message: blank end-of-file record at ${offset}`);
  }
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) {
    throw new DecodeError(`Cannot decode message: illegal magic code ${magic} at ${offset}`);
  }
  if (totalSize < STORED_RECORD_MIN_BYTES || offset + totalSize > bytes.length) {
    throw new DecodeError(`Cannot decode message: bad total size ${totalSize} at ${offset}`);
  }
  return [totalSize, magic];
}

/** Reads a length-prefixed UTF-8 string (1, or 2 bytes of signed length) ending by `end`. */
function readLengthPrefixed(
  bytes: Uint8Array,
  view: DataView,
  at: { pos: number; end: number; lengthBytes: 1 | 2 },
): [string, number] {
  if (at.pos + at.lengthBytes > at.end) {
    throw new DecodeError(`Cannot decode message: length field overruns the record at ${at.pos}`);
  }
  const length = at.lengthBytes === 1 ? view.getInt8(at.pos) : view.getInt16(at.pos);
  const start = at.pos + at.lengthBytes;
  if (length < 0 || start + length > at.end) {
    throw new DecodeError(`Cannot decode message: bad string length ${length} at ${at.pos}`);
  }
  return [readText(bytes, start, length), start + length];
}

/** Parses the record at `offset`; throws `DecodeError` for anything but a whole valid record. */
function parseRecord(bytes: Uint8Array, offset: number): ParsedRecord {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [totalSize, magic] = checkFrame(bytes, view, offset);
  const end = offset + totalSize;
  const sysFlag = view.getInt32(offset + 36);
  const bornIp = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) !== 0 ? 16 : 4;
  const storeIp = (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) !== 0 ? 16 : 4;
  let pos = offset + 48;
  if (pos + bornIp + 4 + 8 + storeIp + 4 + 12 + 4 > end) {
    throw new DecodeError(`Cannot decode message: hosts overrun the record at ${offset}`);
  }
  const bornHost = decodeSocketAddress(bytes, pos, bornIp);
  pos += bornIp + 4;
  const storeTimestamp = getInt64(view, pos);
  const storeHost = decodeSocketAddress(bytes, pos + 8, storeIp);
  pos += 8 + storeIp + 4;
  const reconsumeTimes = view.getInt32(pos);
  const preparedTransactionOffset = getInt64(view, pos + 4);
  const bodyLength = view.getInt32(pos + 12);
  const bodyOffset = pos + 16;
  if (bodyLength < 0 || bodyOffset + bodyLength > end) {
    throw new DecodeError(`Cannot decode message: bad body length ${bodyLength} at ${offset}`);
  }
  const lengthBytes = magic === MESSAGE_MAGIC_CODE_V1 ? 1 : 2;
  const [topic, afterTopic] = readLengthPrefixed(bytes, view, {
    pos: bodyOffset + bodyLength,
    end,
    lengthBytes,
  });
  const [properties, afterProperties] = readLengthPrefixed(bytes, view, {
    pos: afterTopic,
    end,
    lengthBytes: 2,
  });
  if (afterProperties !== end) {
    throw new DecodeError(
      `Cannot decode message: total size ${totalSize} disagrees with fields (${
        afterProperties - offset
      })`,
    );
  }
  return {
    totalSize,
    magic,
    bodyCRC: view.getInt32(offset + 8),
    queueId: view.getInt32(offset + 12),
    flag: view.getInt32(offset + 16),
    queueOffset: getInt64(view, offset + 20),
    physicalOffset: getInt64(view, offset + 28),
    sysFlag,
    bornTimestamp: getInt64(view, offset + 40),
    storeTimestamp,
    reconsumeTimes,
    preparedTransactionOffset,
    topic,
    properties,
    bodyOffset,
    bodyLength,
    bornHost,
    storeHost,
  };
}

/** Options of `decodeStoredMessage` and `decodeStoredMessages`. */
export interface DecodeMessageOptions {
  /** Copy the body out (default true); when false `body` is empty. */
  readBody?: boolean;
  /** Inflate a compressed (zlib) body (default false); sysFlag is left as stored. */
  uncompress?: boolean;
}

/**
 * Decodes the record at `offset`. Returns the message and its size in bytes.
 * Throws `DecodeError` on bad or truncated bytes, a blank record, or a body
 * compressed with an unsupported algorithm when `uncompress` is set.
 */
export function decodeStoredMessage(
  bytes: Uint8Array,
  offset = 0,
  options: DecodeMessageOptions = {},
): { message: MessageExt; size: number } {
  const record = parseRecord(bytes, offset);
  let body: Uint8Array = options.readBody === false
    ? new Uint8Array(0)
    : bytes.slice(record.bodyOffset, record.bodyOffset + record.bodyLength);
  if (options.uncompress === true && options.readBody !== false && isCompressed(record.sysFlag)) {
    const type = compressionTypeOf(record.sysFlag);
    if (type !== "zlib") {
      throw new DecodeError(`Cannot uncompress message body: unsupported compression ${type}`);
    }
    body = uncompressBody(body);
  }
  const message: MessageExt = {
    storeSize: record.totalSize,
    magicCode: record.magic,
    bodyCRC: record.bodyCRC,
    queueId: record.queueId,
    flag: record.flag,
    queueOffset: record.queueOffset,
    commitLogOffset: record.physicalOffset,
    sysFlag: record.sysFlag,
    bornTimestamp: record.bornTimestamp,
    bornHost: record.bornHost,
    storeTimestamp: record.storeTimestamp,
    storeHost: record.storeHost,
    reconsumeTimes: record.reconsumeTimes,
    preparedTransactionOffset: record.preparedTransactionOffset,
    body,
    topic: record.topic,
    properties: decodeProperties(record.properties),
    rawProperties: record.properties,
    msgId: createOffsetMessageId(record.storeHost, record.physicalOffset),
  };
  return { message, size: record.totalSize };
}

/**
 * Decodes every record of a pull / query / view response body (records back
 * to back, nothing else). Throws `DecodeError` when any record is bad.
 */
export function decodeStoredMessages(
  body: Uint8Array,
  options: DecodeMessageOptions = {},
): MessageExt[] {
  const messages: MessageExt[] = [];
  let offset = 0;
  // Each pass consumes at least STORED_RECORD_MIN_BYTES, so this ends.
  while (offset < body.length) {
    const { message, size } = decodeStoredMessage(body, offset, options);
    messages.push(message);
    offset += size;
  }
  return messages;
}

/** Options of `readRecordSummary`. */
export interface SummaryOptions {
  /** Also check BODYCRC against the body (`checkCRCOnRecover`); a mismatch is "invalid". */
  checkCrc?: boolean;
}

/**
 * A cheap read of the record at `offset` for dispatch and recovery scans:
 * its summary, `"blank"` for the end-of-file blank record, or `"invalid"` for
 * anything else (bad magic, truncated, inconsistent sizes, CRC mismatch when
 * asked). Never throws.
 */
export function readRecordSummary(
  bytes: Uint8Array,
  offset: number,
  options: SummaryOptions = {},
): RecordSummary | "blank" | "invalid" {
  if (offset >= 0 && offset + BLANK_RECORD_MIN_BYTES <= bytes.length) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getInt32(offset + 4) === BLANK_MAGIC_CODE) return "blank";
  }
  let record: ParsedRecord;
  try {
    record = parseRecord(bytes, offset);
  } catch (error) {
    if (error instanceof DecodeError) return "invalid";
    throw error;
  }
  if (options.checkCrc === true && !verifyBodyCrc(bytes, record)) return "invalid";
  const { bornHost: _bornHost, storeHost: _storeHost, ...summary } = record;
  return summary;
}

/** Whether the stored BODYCRC matches the body located by `summary` in `bytes`. */
export function verifyBodyCrc(
  bytes: Uint8Array,
  summary: Pick<RecordSummary, "bodyOffset" | "bodyLength" | "bodyCRC">,
): boolean {
  const body = bytes.subarray(summary.bodyOffset, summary.bodyOffset + summary.bodyLength);
  return bodyCrc(body) === summary.bodyCRC;
}
