/**
 * Decodes the body of REGISTER_BROKER: a RegisterBrokerBody JSON
 * (`{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":…,"topicConfigTable":…}}`),
 * a bare TopicConfigSerializeWrapper from brokers older than V3_0_11, or the
 * 5.x compressed form (a zlib stream of length-prefixed parts, `compressed=true`).
 * Pure; throws only `DecodeError`.
 *
 * Runs on: main thread
 * @module
 */
import { DecodeError, uncompressBody } from "../common/mod.ts";
import { parseJavaJson } from "../remoting/mod.ts";
import type { DataVersion, TopicConfig, TopicConfigWrapper } from "./route_data.ts";

/** MQVersion ordinal from which brokers send a RegisterBrokerBody (V3_0_11). */
export const REGISTER_BODY_MIN_VERSION = 37;
/** Most topics one registration may carry (bounds the decode loop). */
export const REGISTER_TOPICS_MAX = 1_000_000;

/** A decoded registration body. */
export interface RegisterBrokerBody {
  /** Topic table and version; absent when the body was empty. */
  topicConfigWrapper?: TopicConfigWrapper;
  /** Filter server addresses (usually empty). */
  filterServerList: string[];
}

/** Options of `decodeRegisterBrokerBody`. */
export interface DecodeRegisterBodyOptions {
  /** The `compressed` header. */
  compressed: boolean;
  /** The request's version ordinal. */
  version: number;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function text(bytes: Uint8Array, what: string): string {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw new DecodeError(`Invalid register body: ${what} is not UTF-8`, { cause: error });
  }
}

function parseJson(source: string, what: string): unknown {
  try {
    // Lenient: fastjson writes bare integer keys inside 5.x topic-queue mapping data.
    return parseJavaJson(source);
  } catch (error) {
    throw new DecodeError(`Invalid register body: ${what} is not valid JSON`, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function intField(
  obj: Record<string, unknown>,
  key: string,
  what: string,
  fallback?: number,
): number {
  const value = obj[key];
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new DecodeError(`Invalid register body: ${what} has no "${key}"`);
  }
  const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw new DecodeError(`Invalid register body: ${what} "${key}" is not an integer`);
  }
  return n;
}

/** Parses a DataVersion object. */
export function parseDataVersion(value: unknown): DataVersion {
  if (!isRecord(value)) {
    throw new DecodeError("Invalid register body: dataVersion is not an object");
  }
  const version: DataVersion = {
    counter: intField(value, "counter", "dataVersion", 0),
    timestamp: intField(value, "timestamp", "dataVersion", 0),
  };
  if (value.stateVersion !== undefined && value.stateVersion !== null) {
    version.stateVersion = intField(value, "stateVersion", "dataVersion");
  }
  return version;
}

function parseTopicConfig(key: string, value: unknown): TopicConfig {
  if (!isRecord(value)) {
    throw new DecodeError(`Invalid register body: topic "${key}" is not an object`);
  }
  const name = value.topicName;
  if (name !== undefined && name !== null && typeof name !== "string") {
    throw new DecodeError(`Invalid register body: topic "${key}" has a non-string topicName`);
  }
  const what = `topic "${key}"`;
  return {
    topicName: typeof name === "string" && name !== "" ? name : key,
    readQueueNums: intField(value, "readQueueNums", what, 16),
    writeQueueNums: intField(value, "writeQueueNums", what, 16),
    perm: intField(value, "perm", what, 6),
    topicSysFlag: intField(value, "topicSysFlag", what, 0),
  };
}

/** Parses a TopicConfigSerializeWrapper object. */
export function parseTopicConfigWrapper(value: unknown): TopicConfigWrapper {
  if (!isRecord(value)) {
    throw new DecodeError("Invalid register body: topicConfigSerializeWrapper is not an object");
  }
  const table = value.topicConfigTable ?? {};
  if (!isRecord(table)) {
    throw new DecodeError("Invalid register body: topicConfigTable is not an object");
  }
  const topicConfigTable = new Map<string, TopicConfig>();
  for (const [key, config] of Object.entries(table)) {
    const parsed = parseTopicConfig(key, config);
    topicConfigTable.set(parsed.topicName, parsed);
  }
  return { dataVersion: parseDataVersion(value.dataVersion ?? {}), topicConfigTable };
}

function parseFilterServerList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((s) => typeof s === "string")) {
    throw new DecodeError("Invalid register body: filterServerList is not a list of strings");
  }
  return value;
}

/** Decodes a REGISTER_BROKER body; throws `DecodeError` on anything malformed. */
export function decodeRegisterBrokerBody(
  body: Uint8Array | undefined,
  options: DecodeRegisterBodyOptions,
): RegisterBrokerBody {
  if (body === undefined || body.length === 0) return { filterServerList: [] };
  if (options.compressed) return decodeCompressed(body);
  const parsed = parseJson(text(body, "body"), "body");
  if (!isRecord(parsed)) throw new DecodeError("Invalid register body: not a JSON object");
  if (options.version < REGISTER_BODY_MIN_VERSION) {
    return { topicConfigWrapper: parseTopicConfigWrapper(parsed), filterServerList: [] };
  }
  return {
    topicConfigWrapper: parseTopicConfigWrapper(parsed.topicConfigSerializeWrapper ?? {}),
    filterServerList: parseFilterServerList(parsed.filterServerList),
  };
}

/** Reads length-prefixed parts out of an inflated compressed body. */
class PartReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  int(what: string): number {
    if (this.#pos + 4 > this.#bytes.length) {
      throw new DecodeError(`Invalid compressed register body: truncated at ${what}`);
    }
    const value = this.#view.getInt32(this.#pos);
    this.#pos += 4;
    return value;
  }

  part(what: string): string {
    const length = this.int(what);
    if (length < 0 || this.#pos + length > this.#bytes.length) {
      throw new DecodeError(`Invalid compressed register body: bad length ${length} of ${what}`);
    }
    const bytes = this.#bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return text(bytes, what);
  }
}

function decodeCompressed(body: Uint8Array): RegisterBrokerBody {
  const reader = new PartReader(uncompressBody(body));
  const dataVersion = parseDataVersion(parseJson(reader.part("dataVersion"), "dataVersion"));
  const count = reader.int("topic count");
  if (count < 0 || count > REGISTER_TOPICS_MAX) {
    throw new DecodeError(`Invalid compressed register body: topic count ${count}`);
  }
  const topicConfigTable = new Map<string, TopicConfig>();
  for (let i = 0; i < count; i++) {
    const config = decodeTopicConfigText(reader.part("topic config"));
    topicConfigTable.set(config.topicName, config);
  }
  const filterServerList = parseFilterServerList(
    parseJson(reader.part("filterServerList"), "filterServerList"),
  );
  // 5.x appends topic-queue mapping infos (static topics); they are not used here.
  return { topicConfigWrapper: { dataVersion, topicConfigTable }, filterServerList };
}

/** Java `TopicConfig.decode`: `name read write perm filterType [attributes]`, space-separated. */
function decodeTopicConfigText(source: string): TopicConfig {
  const parts = source.split(" ");
  const numbers = parts.slice(1, 4).map((p) => /^-?\d+$/.test(p) ? Number(p) : Number.NaN);
  const [read, write, perm] = numbers;
  if (parts.length < 5 || read === undefined || write === undefined || perm === undefined) {
    throw new DecodeError("Invalid compressed register body: bad topic config entry");
  }
  if (numbers.some((n) => !Number.isSafeInteger(n)) || parts[0] === "") {
    throw new DecodeError("Invalid compressed register body: bad topic config entry");
  }
  return {
    topicName: parts[0] ?? "",
    readQueueNums: read,
    writeQueueNums: write,
    perm,
    topicSysFlag: 0,
  };
}
