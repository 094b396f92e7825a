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
const decoder = new TextDecoder();

/** The properties dispatch needs; `undefined` when absent or empty. */
export interface DispatchProperties {
  /** `KEYS` value (keys separated by one space). */
  keys: string | undefined;
  /** `UNIQ_KEY` value. */
  uniqKey: string | undefined;
  /** `TAGS` value. */
  tags: string | undefined;
}

// Names as byte sequences so the scan never decodes uninteresting pairs.
const NAME_KEYS = [75, 69, 89, 83];
const NAME_UNIQ = [85, 78, 73, 81, 95, 75, 69, 89];
const NAME_TAGS = [84, 65, 71, 83];

function nameIs(bytes: Uint8Array, start: number, end: number, name: number[]): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name[i]) return false;
  return true;
}

/** Scans a properties string for KEYS, UNIQ_KEY and TAGS without decoding the rest. */
export function scanDispatchProperties(
  bytes: Uint8Array,
  start: number,
  length: number,
): DispatchProperties {
  const out: DispatchProperties = { keys: undefined, uniqKey: undefined, tags: undefined };
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
      if (nameIs(bytes, pairStart, sep, NAME_KEYS)) {
        out.keys = decoder.decode(bytes.subarray(sep + 1, pairEnd));
      } else if (nameIs(bytes, pairStart, sep, NAME_UNIQ)) {
        out.uniqKey = decoder.decode(bytes.subarray(sep + 1, pairEnd));
      } else if (nameIs(bytes, pairStart, sep, NAME_TAGS)) {
        out.tags = decoder.decode(bytes.subarray(sep + 1, pairEnd));
      }
    }
    pairStart = pairEnd + 1;
  }
  return out;
}
