/**
 * The stored message record: one commit-log entry, and also each record of a
 * PULL / QUERY / VIEW_MESSAGE_BY_ID response body (`message-format.md` §2).
 * All integers are big-endian; offsets are JS numbers (safe to 2^53).
 *
 * Runs on: any
 * @module
 */
import { bodyCrc } from "./crc32.ts";
import { MessageSysFlag } from "./message_sys_flag.ts";
import type { SocketAddress } from "./socket_address.ts";
import { encodeSocketAddress, isIPv6 } from "./socket_address.ts";

/** Magic of a version 1 record (1-byte topic length), signed as Java reads it. */
export const MESSAGE_MAGIC_CODE_V1 = 0xdaa320a7 | 0;
/** Magic of a version 2 record (2-byte topic length), signed as Java reads it. */
export const MESSAGE_MAGIC_CODE_V2 = 0xdaa320ab | 0;
/** Magic of the end-of-file blank record, signed as Java reads it. */
export const BLANK_MAGIC_CODE = 0xcbd43194 | 0;
/** Size of the end-of-file blank record's header (TOTALSIZE + MAGICCODE). */
export const BLANK_RECORD_MIN_BYTES = 8;
/** Smallest possible record: v1, IPv4 hosts, empty body, topic and properties. */
export const STORED_RECORD_MIN_BYTES = 91;
/** Longest topic, in UTF-8 bytes, that a v1 record can hold (signed byte length). */
export const V1_TOPIC_MAX_BYTES = 127;
/** Longest properties string, in UTF-8 bytes (signed 16-bit length). */
const SHORT_MAX = 32_767;

/** Byte positions of fixed fields (every record starts the same way up to BORNHOST). */
export const RecordPosition = {
  TOTAL_SIZE: 0,
  MAGIC_CODE: 4,
  BODY_CRC: 8,
  QUEUE_ID: 12,
  FLAG: 16,
  QUEUE_OFFSET: 20,
  PHYSICAL_OFFSET: 28,
  SYS_FLAG: 36,
  BORN_TIMESTAMP: 40,
  BORN_HOST: 48,
} as const;

/** A decoded stored record (Java `MessageExt`). */
export interface MessageExt {
  /** TOTALSIZE: bytes of the whole record. */
  storeSize: number;
  /** MAGICCODE (signed int32): `MESSAGE_MAGIC_CODE_V1` or `_V2`. */
  magicCode: number;
  /** BODYCRC as stored (masked CRC-32 of the stored body). */
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: SocketAddress;
  storeTimestamp: number;
  storeHost: SocketAddress;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** The body; uncompressed only when decoded with `uncompress: true`, empty when `readBody: false`. */
  body: Uint8Array;
  topic: string;
  /** Decoded properties (Java reader rules). */
  properties: Map<string, string>;
  /** The properties string exactly as stored. */
  rawProperties: string;
  /** Offset message id (store host + commit-log offset). */
  msgId: string;
}

/** What the store hands to the encoder (Java `MessageExtBrokerInner`). */
export interface MessageToStore {
  topic: string;
  queueId: number;
  flag: number;
  body: Uint8Array;
  /** Already-encoded properties string. */
  properties: string;
  /** sysFlag; the IPv6 host bits are set from the host addresses by the encoder. */
  sysFlag: number;
  bornTimestamp: number;
  bornHost: SocketAddress;
  storeHost: SocketAddress;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** Masked body CRC; computed from `body` when absent. */
  bodyCRC?: number;
  /** Written as 0 when absent (the store patches it). */
  queueOffset?: number;
  /** Written as 0 when absent (the store patches it). */
  commitLogOffset?: number;
  /** Written as 0 when absent (the store patches it). */
  storeTimestamp?: number;
  /** Forces a magic; default v1, or v2 when the topic is longer than 127 UTF-8 bytes. */
  magicCode?: number;
}

/** Number of UTF-8 bytes of `s` (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(s: string): number {
  let length = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) length += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 2; // 4 bytes for two code units
        i++;
      } else length += 2;
    } else length += 2;
  }
  return length;
}

/** Field sizes of one stored record (`storedRecordLayout`), reusable by `encodeStoredMessage`. */
export interface RecordLayout {
  magicCode: number;
  topicBytes: number;
  propertiesBytes: number;
  bornHostBytes: number;
  storeHostBytes: number;
  size: number;
}

function layoutOf(msg: MessageToStore): RecordLayout {
  const topicBytes = utf8Length(msg.topic);
  const propertiesBytes = utf8Length(msg.properties);
  const magicCode = msg.magicCode ??
    (topicBytes > V1_TOPIC_MAX_BYTES ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1);
  if (magicCode !== MESSAGE_MAGIC_CODE_V1 && magicCode !== MESSAGE_MAGIC_CODE_V2) {
    throw new RangeError(`Cannot encode message: unknown magic code ${magicCode}`);
  }
  const topicMax = magicCode === MESSAGE_MAGIC_CODE_V1 ? V1_TOPIC_MAX_BYTES : SHORT_MAX;
  if (topicBytes > topicMax) {
    throw new RangeError(`Cannot encode message: topic is ${topicBytes} bytes, max ${topicMax}`);
  }
  if (propertiesBytes > SHORT_MAX) {
    throw new RangeError(
      `Cannot encode message: properties are ${propertiesBytes} bytes, max ${SHORT_MAX}`,
    );
  }
  const bornHostBytes = isIPv6(msg.bornHost.host) ? 20 : 8;
  const storeHostBytes = isIPv6(msg.storeHost.host) ? 20 : 8;
  const topicLengthBytes = magicCode === MESSAGE_MAGIC_CODE_V1 ? 1 : 2;
  const size = 48 + bornHostBytes + 8 + storeHostBytes + 12 + 4 + msg.body.length +
    topicLengthBytes + topicBytes + 2 + propertiesBytes;
  return { magicCode, topicBytes, propertiesBytes, bornHostBytes, storeHostBytes, size };
}

/** Bytes `encodeStoredMessage` will write for `msg`. */
export function storedRecordSize(msg: MessageToStore): number {
  return layoutOf(msg).size;
}

/** The layout of `msg`'s stored record (`size` is its bytes); throws as `encodeStoredMessage`. */
export function storedRecordLayout(msg: MessageToStore): RecordLayout {
  return layoutOf(msg);
}

/** Writes a JS number as a big-endian int64 (exact for safe integers). */
function setInt64(view: DataView, pos: number, value: number): void {
  view.setInt32(pos, Math.floor(value / 4294967296));
  view.setUint32(pos + 4, value >>> 0);
}

const textEncoder = new TextEncoder();

function writeUtf8(s: string, target: Uint8Array, pos: number, length: number): void {
  if (length === s.length) {
    for (let i = 0; i < length; i++) target[pos + i] = s.charCodeAt(i);
  } else {
    textEncoder.encodeInto(s, target.subarray(pos, pos + length));
  }
}

/**
 * Encodes `msg` as a stored record at `target[offset]` and returns the bytes
 * written. QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP are written from
 * the optional fields (0 when absent); `patchStoredRecord` sets them later.
 * `layout` saves recomputing it when the caller already has `storedRecordLayout(msg)`.
 * Throws `RangeError` when the record does not fit or a length overflows.
 */
export function encodeStoredMessage(
  msg: MessageToStore,
  target: Uint8Array,
  offset: number,
  layout: RecordLayout = layoutOf(msg),
): number {
  if (offset < 0 || offset + layout.size > target.length) {
    throw new RangeError(`Cannot encode message: ${layout.size} bytes do not fit at ${offset}`);
  }
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const sysFlag = (msg.sysFlag & ~(MessageSysFlag.BORNHOST_V6_FLAG |
    MessageSysFlag.STOREHOSTADDRESS_V6_FLAG)) |
    (layout.bornHostBytes === 20 ? MessageSysFlag.BORNHOST_V6_FLAG : 0) |
    (layout.storeHostBytes === 20 ? MessageSysFlag.STOREHOSTADDRESS_V6_FLAG : 0);
  let pos = offset;
  view.setInt32(pos, layout.size);
  view.setInt32(pos + 4, layout.magicCode);
  view.setInt32(pos + 8, msg.bodyCRC ?? bodyCrc(msg.body));
  view.setInt32(pos + 12, msg.queueId);
  view.setInt32(pos + 16, msg.flag);
  setInt64(view, pos + 20, msg.queueOffset ?? 0);
  setInt64(view, pos + 28, msg.commitLogOffset ?? 0);
  view.setInt32(pos + 36, sysFlag);
  setInt64(view, pos + 40, msg.bornTimestamp);
  pos += 48;
  pos += encodeSocketAddress(msg.bornHost, target, pos);
  setInt64(view, pos, msg.storeTimestamp ?? 0);
  pos += 8;
  pos += encodeSocketAddress(msg.storeHost, target, pos);
  view.setInt32(pos, msg.reconsumeTimes);
  setInt64(view, pos + 4, msg.preparedTransactionOffset);
  view.setInt32(pos + 12, msg.body.length);
  pos += 16;
  target.set(msg.body, pos);
  pos += msg.body.length;
  if (layout.magicCode === MESSAGE_MAGIC_CODE_V1) view.setInt8(pos++, layout.topicBytes);
  else {
    view.setInt16(pos, layout.topicBytes);
    pos += 2;
  }
  writeUtf8(msg.topic, target, pos, layout.topicBytes);
  pos += layout.topicBytes;
  view.setInt16(pos, layout.propertiesBytes);
  writeUtf8(msg.properties, target, pos + 2, layout.propertiesBytes);
  pos += 2 + layout.propertiesBytes;
  return pos - offset;
}

/** The fields the store fills in at append time. */
export interface RecordPatch {
  queueOffset: number;
  physicalOffset: number;
  storeTimestamp: number;
}

/** Overwrites QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP of the record at `offset`. */
export function patchStoredRecord(target: Uint8Array, offset: number, patch: RecordPatch): void {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  setInt64(view, offset + RecordPosition.QUEUE_OFFSET, patch.queueOffset);
  setInt64(view, offset + RecordPosition.PHYSICAL_OFFSET, patch.physicalOffset);
  const bornV6 = (view.getInt32(offset + RecordPosition.SYS_FLAG) &
    MessageSysFlag.BORNHOST_V6_FLAG) !== 0;
  setInt64(view, offset + RecordPosition.BORN_HOST + (bornV6 ? 20 : 8), patch.storeTimestamp);
}

/** Writes the 8-byte end-of-file blank record: TOTALSIZE = `size`, MAGICCODE = blank. */
export function encodeBlankRecord(target: Uint8Array, offset: number, size: number): void {
  if (
    size < BLANK_RECORD_MIN_BYTES || offset < 0 || offset + BLANK_RECORD_MIN_BYTES > target.length
  ) {
    throw new RangeError(`Cannot encode blank record of ${size} bytes at ${offset}`);
  }
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setInt32(offset, size);
  view.setInt32(offset + 4, BLANK_MAGIC_CODE);
}

/** A decoded message as encoder input, so re-encoding gives back the same bytes. */
export function messageExtToStore(message: MessageExt): MessageToStore {
  return {
    topic: message.topic,
    queueId: message.queueId,
    flag: message.flag,
    body: message.body,
    properties: message.rawProperties,
    sysFlag: message.sysFlag,
    bornTimestamp: message.bornTimestamp,
    bornHost: message.bornHost,
    storeHost: message.storeHost,
    reconsumeTimes: message.reconsumeTimes,
    preparedTransactionOffset: message.preparedTransactionOffset,
    bodyCRC: message.bodyCRC,
    queueOffset: message.queueOffset,
    commitLogOffset: message.commitLogOffset,
    storeTimestamp: message.storeTimestamp,
    magicCode: message.magicCode,
  };
}
