/**
 * Typed access to a request's `extFields` (the "custom header"), with the checks Java's
 * `decodeCommandCustomHeader` makes: a missing required field or a value of the wrong type is a
 * `HeaderError`, which the dispatcher turns into an error response with a remark instead of a
 * crash. Also maps SEND_MESSAGE_V2's short keys (`a`..`n`) to the long names.
 *
 * Runs on: main thread
 * @module
 */
import { BrokerError } from "../common/mod.ts";

/** A malformed or incomplete request header. */
export class HeaderError extends BrokerError {
  override name = "HeaderError";

  /** Creates a header error (code `"INVALID_HEADER"`). */
  constructor(message: string) {
    super(message, { code: "INVALID_HEADER" });
  }
}

/** What a decoded command's extFields may look like. */
export type ExtFields = Readonly<Record<string, string>> | ReadonlyMap<string, string> | undefined;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Reader over one request's extFields. */
export class RequestHeader {
  readonly #map: ReadonlyMap<string, string> | undefined;
  readonly #record: Readonly<Record<string, string>> | undefined;
  /** Long name -> short key, and short key -> null (hidden), for a header read with long names. */
  readonly #aliases: ReadonlyMap<string, string | null> | undefined;

  /**
   * Reads `fields` (a record, a map or nothing) in place, without a copy; `aliases` maps
   * long names to the short keys the fields use (`sendHeaderWithLongNames`).
   */
  constructor(fields: ExtFields, aliases?: Readonly<Record<string, string>>) {
    if (fields instanceof Map) this.#map = fields;
    else if (fields !== undefined) this.#record = fields as Readonly<Record<string, string>>;
    if (aliases === SEND_V2_SHORT) this.#aliases = SEND_V2_LOOKUP;
    else if (aliases !== undefined) this.#aliases = aliasLookup(aliases);
  }

  #raw(key: string): string | undefined {
    if (this.#map !== undefined) return this.#map.get(key);
    const record = this.#record;
    return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
  }

  #get(name: string): string | undefined {
    const aliases = this.#aliases;
    if (aliases === undefined) return this.#raw(name);
    // Renamed keys are gone under their short name; a short key wins over its long name.
    const short = aliases.get(name);
    if (short === null) return undefined;
    return (short === undefined ? undefined : this.#raw(short)) ?? this.#raw(name);
  }

  /** True when the field is present. */
  has(name: string): boolean {
    return this.#get(name) !== undefined;
  }

  /** A required string field. */
  string(name: string): string {
    const value = this.#get(name);
    if (value === undefined) throw new HeaderError(`Missing header field "${name}"`);
    return String(value);
  }

  /** An optional string field. */
  optString(name: string): string | undefined {
    const value = this.#get(name);
    return value === undefined ? undefined : String(value);
  }

  /** A required 32-bit integer field. */
  int(name: string): number {
    return this.#toInt(name, this.string(name));
  }

  /** An optional 32-bit integer field, `fallback` when absent. */
  optInt(name: string, fallback: number): number {
    const value = this.optString(name);
    return value === undefined || value === "" ? fallback : this.#toInt(name, value);
  }

  /** A required 64-bit integer field, clamped to the safe-integer range. */
  long(name: string): number {
    return this.#toLong(name, this.string(name));
  }

  /** An optional 64-bit integer field, `fallback` when absent. */
  optLong(name: string, fallback: number): number {
    const value = this.optString(name);
    return value === undefined || value === "" ? fallback : this.#toLong(name, value);
  }

  /** An optional boolean field (`"true"` is true, as Java's `Boolean.parseBoolean`). */
  bool(name: string, fallback: boolean): boolean {
    const value = this.optString(name);
    if (value === undefined || value === "") return fallback;
    return value.toLowerCase() === "true";
  }

  #toInt(name: string, text: string): number {
    const digits = smallDigits(text);
    if (digits >= 0 && digits <= INT_MAX) return digits;
    const value = Number(text.trim());
    if (!Number.isInteger(value) || value < INT_MIN || value > INT_MAX || text.trim() === "") {
      throw new HeaderError(`Invalid header field "${name}": "${text}" is not an int`);
    }
    return value;
  }

  #toLong(name: string, text: string): number {
    const digits = smallDigits(text);
    if (digits >= 0) return digits;
    const trimmed = text.trim();
    if (!/^-?\d{1,19}$/.test(trimmed)) {
      throw new HeaderError(`Invalid header field "${name}": "${text}" is not a long`);
    }
    // Up to 15 digits is always a safe integer (timestamps, offsets): no BigInt needed.
    if (trimmed.length <= 15) return Number(trimmed);
    const big = BigInt(trimmed);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
    if (big < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
    return Number(big);
  }
}

/** SEND_MESSAGE_V2 short key -> SEND_MESSAGE long key. */
const SEND_V2_NAMES: Readonly<Record<string, string>> = {
  a: "producerGroup",
  b: "topic",
  c: "defaultTopic",
  d: "defaultTopicQueueNums",
  e: "queueId",
  f: "sysFlag",
  g: "bornTimestamp",
  h: "flag",
  i: "properties",
  j: "reconsumeTimes",
  k: "unitMode",
  l: "maxReconsumeTimes",
  m: "batch",
  n: "brokerName",
};

/** SEND_MESSAGE long key -> SEND_MESSAGE_V2 short key. */
const SEND_V2_SHORT: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SEND_V2_NAMES).map(([short, long]) => [long, short]),
);

/** Long name -> short key, and every SEND_MESSAGE_V2 short key -> null (read as absent). */
function aliasLookup(aliases: Readonly<Record<string, string>>): Map<string, string | null> {
  const lookup = new Map<string, string | null>(Object.keys(SEND_V2_NAMES).map((k) => [k, null]));
  for (const long of Object.keys(aliases)) {
    if (!lookup.has(long)) lookup.set(long, aliases[long] as string);
  }
  return lookup;
}

const SEND_V2_LOOKUP = aliasLookup(SEND_V2_SHORT);

/** The value of 1 to 15 ASCII digits (no sign, no blanks), else -1: the common case, fast. */
function smallDigits(text: string): number {
  const n = text.length;
  if (n === 0 || n > 15) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The send header with long names, whatever style the request used: V2 short keys are
 * recognised by the presence of `a` or `b` (SEND_MESSAGE_V2 and most SEND_BATCH_MESSAGE).
 * The fields are read in place through the name table, not copied.
 */
export function sendHeaderWithLongNames(fields: ExtFields): RequestHeader {
  const reader = new RequestHeader(fields);
  if (!reader.has("a") && !reader.has("b")) return reader;
  return new RequestHeader(fields, SEND_V2_SHORT);
}
