/**
 * JSON bodies as Java RocketMQ (fastjson) writes and reads them
 * (remoting-protocol.md section 7, fixture README "JSON bodies"):
 *
 * - `parseJavaJson` accepts standard JSON plus fastjson's quirks: bare integer
 *   map keys (`{0:"a"}` → key `"0"`), bare word keys, and object or array
 *   keys (`{{"topic":"t"}:1}` → key = the compact JSON text of the key).
 * - `stringifyJava` writes compact JSON and understands two wrappers:
 *   `javaMap(entries, { bareIntegerKeys })` for ordered maps whose keys may be
 *   integers (written bare or quoted) or objects (written as JSON), and
 *   `javaDouble(n)` for doubles that keep `.0`.
 *
 * Runs on: any
 * @module
 */
import { DecodeError } from "../common/mod.ts";

/** A map key: strings and numbers as-is, objects written as their JSON text. */
export type JavaMapKey = string | number | bigint | object;

/** Options of `javaMap`. */
export interface JavaMapOptions {
  /** Write number keys without quotes (`{0:"a"}`); default: `stringifyJava`'s option. */
  bareIntegerKeys?: boolean | undefined;
}

/** An ordered map for `stringifyJava`; create it with `javaMap`. */
export class JavaMap {
  /** The entries in output order. */
  readonly entries: ReadonlyArray<readonly [JavaMapKey, unknown]>;
  /** Per-map override of the bare-integer-key choice. */
  readonly bareIntegerKeys: boolean | undefined;

  /** Wraps `entries`; prefer the `javaMap` function. */
  constructor(entries: Iterable<readonly [JavaMapKey, unknown]>, options: JavaMapOptions = {}) {
    this.entries = [...entries];
    this.bareIntegerKeys = options.bareIntegerKeys;
  }
}

/** Marks an ordered map (entries keep their order, even integer-like keys). */
export function javaMap(
  entries: Iterable<readonly [JavaMapKey, unknown]>,
  options: JavaMapOptions = {},
): JavaMap {
  return new JavaMap(entries, options);
}

/** A double for `stringifyJava`; create it with `javaDouble`. */
export class JavaDouble {
  /** The value. */
  readonly value: number;

  /** Wraps `value`; prefer the `javaDouble` function. */
  constructor(value: number) {
    this.value = value;
  }
}

/** Marks a Java double: integral values are written with `.0` (`0.0`, `12.0`). */
export function javaDouble(value: number): JavaDouble {
  return new JavaDouble(value);
}

/** Options of `stringifyJava`. */
export interface StringifyJavaOptions {
  /** Default for `javaMap` number keys and `Map` number keys: write them bare. Default false. */
  bareIntegerKeys?: boolean | undefined;
  /** Escape every non-ASCII character as `\uXXXX` (fastjson BrowserCompatible). Default false. */
  escapeNonAscii?: boolean | undefined;
}

const DEPTH_MAX = 256;

/**
 * Writes `value` as compact JSON the way fastjson does: plain objects in
 * insertion order with `undefined` properties omitted, arrays, strings,
 * finite numbers, bigints, booleans, null, `Map`, `JavaMap` and `JavaDouble`.
 */
export function stringifyJava(value: unknown, options: StringifyJavaOptions = {}): string {
  const out: string[] = [];
  writeValue(value, out, options, 0);
  return out.join("");
}

function writeString(text: string, out: string[], options: StringifyJavaOptions): void {
  const json = JSON.stringify(text);
  out.push(
    options.escapeNonAscii === true
      ? json.replace(
        /[\u0080-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      )
      : json,
  );
}

function writeValue(value: unknown, out: string[], options: StringifyJavaOptions, depth: number) {
  if (depth > DEPTH_MAX) throw new RangeError("Cannot write JSON: nesting too deep");
  if (value === null || value === undefined) out.push("null");
  else if (typeof value === "string") writeString(value, out, options);
  else if (typeof value === "number") out.push(Number.isFinite(value) ? String(value) : "null");
  else if (typeof value === "bigint") out.push(value.toString());
  else if (typeof value === "boolean") out.push(value ? "true" : "false");
  else if (value instanceof JavaDouble) out.push(doubleText(value.value));
  else if (value instanceof JavaMap) {
    writeEntries(value.entries, out, options, depth, value.bareIntegerKeys);
  } else if (value instanceof Map) writeEntries([...value], out, options, depth, undefined);
  else if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      writeValue(item, out, options, depth + 1);
    });
    out.push("]");
  } else if (typeof value === "object") {
    writeEntries(
      Object.entries(value).filter(([, v]) => v !== undefined),
      out,
      options,
      depth,
      false,
    );
  } else throw new TypeError(`Cannot write JSON: unsupported ${typeof value}`);
}

function doubleText(value: number): string {
  if (!Number.isFinite(value)) return "null";
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? `${value}.0` : String(value);
}

function writeEntries(
  entries: ReadonlyArray<readonly [unknown, unknown]>,
  out: string[],
  options: StringifyJavaOptions,
  depth: number,
  bareOverride: boolean | undefined,
): void {
  const bare = bareOverride ?? options.bareIntegerKeys === true;
  out.push("{");
  let first = true;
  for (const [key, item] of entries) {
    if (item === undefined) continue;
    if (!first) out.push(",");
    first = false;
    if (typeof key === "string") writeString(key, out, options);
    else if (typeof key === "number" || typeof key === "bigint") {
      out.push(bare ? String(key) : `"${String(key)}"`);
    } else writeValue(key, out, options, depth + 1);
    out.push(":");
    writeValue(item, out, options, depth + 1);
  }
  out.push("}");
}

/**
 * Parses a JSON body leniently (fastjson quirks accepted, see the module
 * comment). Numbers become JS numbers (longs above 2^53 lose precision).
 * Throws `DecodeError` on anything else.
 */
export function parseJavaJson(input: string | Uint8Array): unknown {
  const text = typeof input === "string" ? input : new TextDecoder().decode(input);
  try {
    return JSON.parse(text);
  } catch {
    // Not standard JSON: fall through to the lenient parser, which reports its own errors.
  }
  return new LenientParser(text).parseDocument();
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const BARE_KEY = /[A-Za-z0-9_$.+-]+/y;
const WHITESPACE = /[ \t\r\n]*/y;

class LenientParser {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parseDocument(): unknown {
    const value = this.#value(0);
    this.#skipSpace();
    if (this.#pos !== this.#text.length) this.#fail("unexpected text after the value");
    return value;
  }

  #fail(what: string): never {
    throw new DecodeError(`Cannot parse JSON body: ${what} at offset ${this.#pos}`);
  }

  #skipSpace(): void {
    WHITESPACE.lastIndex = this.#pos;
    WHITESPACE.exec(this.#text);
    this.#pos = WHITESPACE.lastIndex;
  }

  #value(depth: number): unknown {
    if (depth > DEPTH_MAX) this.#fail("nesting too deep");
    this.#skipSpace();
    const c = this.#text[this.#pos];
    if (c === "{") return this.#object(depth);
    if (c === "[") return this.#array(depth);
    if (c === '"') return this.#string();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.#text.startsWith(word, this.#pos)) {
        this.#pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.#pos;
    const match = NUMBER.exec(this.#text);
    if (match === null) this.#fail("unexpected character");
    this.#pos = NUMBER.lastIndex;
    return Number(match[0]);
  }

  #string(): string {
    const start = this.#pos;
    let i = start + 1;
    while (i < this.#text.length) {
      const c = this.#text.charCodeAt(i);
      if (c === 0x22) break;
      i += c === 0x5c ? 2 : 1;
    }
    if (i >= this.#text.length) this.#fail("unterminated string");
    this.#pos = i + 1;
    try {
      return JSON.parse(this.#text.slice(start, i + 1));
    } catch {
      this.#fail("bad string escape");
    }
  }

  #array(depth: number): unknown[] {
    this.#pos++;
    const out: unknown[] = [];
    this.#skipSpace();
    if (this.#text[this.#pos] === "]") {
      this.#pos++;
      return out;
    }
    for (;;) {
      out.push(this.#value(depth + 1));
      this.#skipSpace();
      const c = this.#text[this.#pos++];
      if (c === "]") return out;
      if (c !== ",") this.#fail("expected , or ]");
    }
  }

  #key(depth: number): string {
    this.#skipSpace();
    const c = this.#text[this.#pos];
    if (c === '"') return this.#string();
    if (c === "{" || c === "[") return stringifyJava(this.#value(depth + 1));
    BARE_KEY.lastIndex = this.#pos;
    const match = BARE_KEY.exec(this.#text);
    if (match === null) this.#fail("expected a key");
    this.#pos = BARE_KEY.lastIndex;
    return match[0];
  }

  #object(depth: number): Record<string, unknown> {
    this.#pos++;
    const out: Record<string, unknown> = {};
    this.#skipSpace();
    if (this.#text[this.#pos] === "}") {
      this.#pos++;
      return out;
    }
    for (;;) {
      const key = this.#key(depth);
      this.#skipSpace();
      if (this.#text[this.#pos++] !== ":") this.#fail("expected :");
      const value = this.#value(depth + 1);
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.#skipSpace();
      const c = this.#text[this.#pos++];
      if (c === "}") return out;
      if (c !== ",") this.#fail("expected , or }");
    }
  }
}
