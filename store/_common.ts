/**
 * The names this folder takes from common/, in one place.
 *
 * Runs on: any
 * @module
 */
export {
  BLANK_MAGIC_CODE,
  BLANK_RECORD_MIN_BYTES,
  bodyCrc,
  encodeBlankRecord,
  javaStringHashCode,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  patchStoredRecord,
  STORED_RECORD_MIN_BYTES,
  tagsHashCode,
} from "../common/mod.ts";
