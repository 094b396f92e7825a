/**
 * Field access on stored-layout records (message-format.md §2) for the store's
 * own needs: patching the fields the store assigns, reading the summary that
 * dispatch needs, and validating records during recovery. Encoding a message
 * is the codec's job (common/); this only reads and patches fixed positions.
 *
 * Runs on: any
 * @module
 */
import {
  BLANK_MAGIC_CODE,
  BLANK_RECORD_MIN_BYTES,
  bodyCrc,
  encodeBlankRecord,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  patchStoredRecord,
  STORED_RECORD_MIN_BYTES,
} from "./_common.ts";

const MAGIC_V1 = MESSAGE_MAGIC_CODE_V1;
const MAGIC_V2 = MESSAGE_MAGIC_CODE_V2;
/** Magic of the end-of-segment blank marker. */
export const MAGIC_BLANK = BLANK_MAGIC_CODE;
/** Size of the blank marker: TOTALSIZE and MAGICCODE. */
export const BLANK_MARKER_BYTES = BLANK_RECORD_MIN_BYTES;
const RECORD_MIN_BYTES = STORED_RECORD_MIN_BYTES;

const POS_TOTAL = 0;
const POS_MAGIC = 4;
const POS_CRC = 8;
const POS_QUEUE_ID = 12;
const POS_QUEUE_OFFSET = 20;
const POS_PHYS_OFFSET = 28;
const POS_SYS_FLAG = 36;
const POS_BORN_HOST = 48;
const FLAG_BORNHOST_V6 = 0x10;
const FLAG_STOREHOST_V6 = 0x20;
/** sysFlag transaction bits. */
export const TRANSACTION_MASK = 0x0c;
/** sysFlag value of a prepared (half) transactional record. */
export const TRANSACTION_PREPARED = 0x04;
/** sysFlag value of a rolled-back transactional record. */
export const TRANSACTION_ROLLBACK = 0x0c;

/** What dispatch needs from one record, located inside a larger buffer. */
export interface RecordSummary {
  /** TOTALSIZE. */
  totalSize: number;
  /** QUEUEID. */
  queueId: number;
  /** SYSFLAG. */
  sysFlag: number;
  /** STORETIMESTAMP. */
  storeTimestamp: number;
  /** QUEUEOFFSET. */
  queueOffset: number;
  /** PHYSICALOFFSET. */
  physicalOffset: number;
  /** Start of the topic bytes (relative to the buffer). */
  topicStart: number;
  /** Length of the topic bytes. */
  topicLength: number;
  /** Start of the properties bytes. */
  propertiesStart: number;
  /** Length of the properties bytes. */
  propertiesLength: number;
  /** Start of the body bytes. */
  bodyStart: number;
  /** Length of the body. */
  bodyLength: number;
}

const TWO_32 = 4294967296;

/** Reads a big-endian signed 64-bit integer as a number (exact below 2^53). */
export function readI64(view: DataView, pos: number): number {
  return view.getInt32(pos) * TWO_32 + view.getUint32(pos + 4);
}

/** Writes a number (an integer within ±2^53) as a big-endian signed 64-bit integer. */
export function writeI64(view: DataView, pos: number, value: number): void {
  view.setInt32(pos, Math.floor(value / TWO_32));
  view.setUint32(pos + 4, value >>> 0);
}

/** Position of STORETIMESTAMP for a record with `sysFlag`. */
export function storeTimestampPos(sysFlag: number): number {
  return POS_BORN_HOST + ((sysFlag & FLAG_BORNHOST_V6) !== 0 ? 20 : 8);
}

/**
 * Reads the summary of the record at `pos`, or returns `undefined` when the
 * bytes there are not a well-formed record that fits in `limit` (exclusive end).
 */
export function summarizeRecord(
  view: DataView,
  pos: number,
  limit: number,
): RecordSummary | undefined {
  if (pos + RECORD_MIN_BYTES > limit) return undefined;
  const totalSize = view.getInt32(pos + POS_TOTAL);
  const magic = view.getInt32(pos + POS_MAGIC);
  if (magic !== MAGIC_V1 && magic !== MAGIC_V2) return undefined;
  if (totalSize < RECORD_MIN_BYTES || pos + totalSize > limit) return undefined;
  const sysFlag = view.getInt32(pos + POS_SYS_FLAG);
  const tsPos = storeTimestampPos(sysFlag);
  const storeHostLen = (sysFlag & FLAG_STOREHOST_V6) !== 0 ? 20 : 8;
  const bodyLenPos = tsPos + 8 + storeHostLen + 4 + 8;
  const end = pos + totalSize;
  if (pos + bodyLenPos + 4 > end) return undefined;
  const bodyLength = view.getInt32(pos + bodyLenPos);
  const bodyStart = pos + bodyLenPos + 4;
  if (bodyLength < 0 || bodyStart + bodyLength > end) return undefined;
  let cursor = bodyStart + bodyLength;
  const topicLenBytes = magic === MAGIC_V1 ? 1 : 2;
  if (cursor + topicLenBytes > end) return undefined;
  const topicLength = topicLenBytes === 1 ? view.getInt8(cursor) : view.getInt16(cursor);
  cursor += topicLenBytes;
  if (topicLength < 0 || cursor + topicLength + 2 > end) return undefined;
  const topicStart = cursor;
  cursor += topicLength;
  const propertiesLength = view.getInt16(cursor);
  cursor += 2;
  if (propertiesLength < 0 || cursor + propertiesLength !== end) return undefined;
  return {
    totalSize,
    queueId: view.getInt32(pos + POS_QUEUE_ID),
    sysFlag,
    storeTimestamp: readI64(view, pos + tsPos),
    queueOffset: readI64(view, pos + POS_QUEUE_OFFSET),
    physicalOffset: readI64(view, pos + POS_PHYS_OFFSET),
    topicStart,
    topicLength,
    propertiesStart: cursor,
    propertiesLength,
    bodyStart,
    bodyLength,
  };
}

/** Whether the BODYCRC field of the record matches its body. */
export function bodyCrcMatches(
  bytes: Uint8Array,
  view: DataView,
  pos: number,
  s: RecordSummary,
): boolean {
  const body = bytes.subarray(s.bodyStart, s.bodyStart + s.bodyLength);
  return bodyCrc(body) === view.getInt32(pos + POS_CRC) >>> 0;
}

/** Writes the fields the store assigns: queue offset, physical offset, store timestamp. */
export const patchRecord = patchStoredRecord;

/** Reads TOTALSIZE and MAGICCODE at `pos` (for blank-marker detection). */
export function readHead(view: DataView, pos: number): { totalSize: number; magic: number } {
  return { totalSize: view.getInt32(pos), magic: view.getInt32(pos + 4) };
}

/** Writes the 8-byte blank marker that fills `remaining` bytes of a segment. */
export function encodeBlankMarker(remaining: number): Uint8Array {
  const bytes = new Uint8Array(BLANK_MARKER_BYTES);
  encodeBlankRecord(bytes, 0, remaining);
  return bytes;
}

const SEP_NAME = 1;
const SEP_PROP = 2;
const SPACE = 0x20;
const decoder = new TextDecoder();

// Names as byte sequences so the scan never decodes uninteresting pairs.
const NAME_KEYS = [75, 69, 89, 83];
const NAME_UNIQ = [85, 78, 73, 81, 95, 75, 69, 89];
const NAME_TAGS = [84, 65, 71, 83];

function nameIs(bytes: Uint8Array, start: number, end: number, name: number[]): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name[i]) return false;
  return true;
}

/**
 * Continues Java's `String.hashCode()` state `h` over the UTF-8 text in
 * `bytes[start, end)`, without building a string when the text is ASCII.
 */
export function javaHashContinue(h: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) {
      const text = decoder.decode(bytes.subarray(i, end));
      for (let k = 0; k < text.length; k++) h = (Math.imul(h, 31) + text.charCodeAt(k)) | 0;
      return h;
    }
    h = (Math.imul(h, 31) + b) | 0;
  }
  return h;
}

/** Java `String.hashCode()` state after folding `text`, continuing from `h`. */
export function javaHashString(h: number, text: string): number {
  for (let k = 0; k < text.length; k++) h = (Math.imul(h, 31) + text.charCodeAt(k)) | 0;
  return h;
}

function indexHash(prefix: number, bytes: Uint8Array, start: number, end: number): number {
  const h = javaHashContinue(prefix, bytes, start, end);
  return h === -0x80000000 ? 0 : Math.abs(h);
}

/**
 * Scans a properties string for what dispatch needs without decoding it:
 * returns the TAGS hash code (0 without tags) and pushes into `keyHashes` the
 * index hashes (abs Java hash of `topic#key`) of UNIQ_KEY and of each KEYS
 * key, given `prefixHash` = Java hash state of `topic#`.
 */
export function scanDispatch(
  bytes: Uint8Array,
  start: number,
  length: number,
  prefixHash: number,
  keyHashes: number[],
): number {
  let tagsCode = 0;
  const end = start + length;
  let pairStart = start;
  while (pairStart < end) {
    let sep = -1;
    let pairEnd = pairStart;
    while (pairEnd < end && bytes[pairEnd] !== SEP_PROP) {
      if (sep < 0 && bytes[pairEnd] === SEP_NAME) sep = pairEnd;
      pairEnd++;
    }
    if (sep > pairStart && pairEnd > sep + 1) {
      if (nameIs(bytes, pairStart, sep, NAME_TAGS)) {
        tagsCode = javaHashContinue(0, bytes, sep + 1, pairEnd);
      } else if (nameIs(bytes, pairStart, sep, NAME_UNIQ)) {
        keyHashes.push(indexHash(prefixHash, bytes, sep + 1, pairEnd));
      } else if (nameIs(bytes, pairStart, sep, NAME_KEYS)) {
        let keyStart = sep + 1;
        for (let i = sep + 1; i <= pairEnd; i++) {
          if (i === pairEnd || bytes[i] === SPACE) {
            if (i > keyStart) keyHashes.push(indexHash(prefixHash, bytes, keyStart, i));
            keyStart = i + 1;
          }
        }
      }
    }
    pairStart = pairEnd + 1;
  }
  return tagsCode;
}
