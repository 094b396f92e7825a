/**
 * The JSON form of a remoting command header (remoting-protocol.md section 2).
 * Decoding is lenient the way Java's fastjson is: `extFields` values that are
 * numbers or booleans become strings, any language name is kept, missing
 * `remark` / `extFields` / `flag` / `language` / `version` are allowed and
 * unknown keys are ignored. Encoding writes compact JSON with Java's key
 * order, so headers captured from Java re-encode byte for byte.
 *
 * Runs on: any
 * @module
 */
import { DecodeError } from "../common/mod.ts";
import type { RemotingCommand } from "./remoting_command.ts";

/** The header fields of a command (everything but the body and serialize type). */
export type CommandHeader = Omit<RemotingCommand, "serializeType" | "body">;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Encodes the header of `cmd` as compact JSON text in Java's key order. */
export function encodeJsonHeaderText(cmd: CommandHeader): string {
  let text = `{"code":${cmd.code | 0}`;
  if (cmd.extFields !== undefined) {
    text += `,"extFields":{`;
    let first = true;
    for (const key in cmd.extFields) {
      const value = cmd.extFields[key];
      if (value === undefined || value === null) continue;
      text += `${first ? "" : ","}${JSON.stringify(key)}:${JSON.stringify(String(value))}`;
      first = false;
    }
    text += "}";
  }
  text += `,"flag":${cmd.flag | 0},"language":${JSON.stringify(cmd.language)}`;
  text += `,"opaque":${cmd.opaque | 0}`;
  if (cmd.remark !== undefined) text += `,"remark":${JSON.stringify(cmd.remark)}`;
  text += `,"serializeTypeCurrentRPC":"JSON","version":${cmd.version | 0}}`;
  return text;
}

/** Encodes the header of `cmd` as compact UTF-8 JSON bytes in Java's key order. */
export function encodeJsonHeader(cmd: CommandHeader): Uint8Array {
  return textEncoder.encode(encodeJsonHeaderText(cmd));
}

/** Decodes a JSON header from UTF-8 bytes; throws `DecodeError` on bad JSON or wrong types. */
export function decodeJsonHeader(bytes: Uint8Array): CommandHeader {
  return decodeJsonHeaderText(textDecoder.decode(bytes));
}

/** Decodes a JSON header from text; throws `DecodeError` on bad JSON or wrong types. */
export function decodeJsonHeaderText(text: string): CommandHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DecodeError("Cannot decode JSON header: invalid JSON", { cause: error });
  }
  if (!isPlainObject(parsed)) {
    throw new DecodeError("Cannot decode JSON header: not a JSON object");
  }
  const header: CommandHeader = {
    code: intField(parsed, "code", undefined),
    language: languageField(parsed),
    version: intField(parsed, "version", 0),
    opaque: intField(parsed, "opaque", undefined),
    flag: intField(parsed, "flag", 0),
  };
  const remark = parsed["remark"];
  if (typeof remark === "string") header.remark = remark;
  else if (remark !== undefined && remark !== null) {
    throw new DecodeError(`Cannot decode JSON header: "remark" is not a string`);
  }
  const ext = parsed["extFields"];
  if (ext !== undefined && ext !== null) {
    header.extFields = extFieldsOf(ext, text);
  }
  return header;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function intField(obj: Record<string, unknown>, key: string, fallback: number | undefined): number {
  const value = obj[key];
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new DecodeError(`Cannot decode JSON header: "${key}" is missing`);
  }
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new DecodeError(`Cannot decode JSON header: "${key}" is not an integer`);
  }
  if (value < -0x80000000 || value > 0x7fffffff) {
    throw new DecodeError(`Cannot decode JSON header: "${key}" is out of int range: ${value}`);
  }
  return value;
}

function languageField(obj: Record<string, unknown>): string {
  const value = obj["language"];
  if (value === undefined || value === null) return "JAVA";
  if (typeof value !== "string") {
    throw new DecodeError(`Cannot decode JSON header: "language" is not a string`);
  }
  return value;
}

function extFieldsOf(ext: unknown, text: string): Record<string, string> {
  if (!isPlainObject(ext)) {
    throw new DecodeError(`Cannot decode JSON header: "extFields" is not an object`);
  }
  let needsSource = false;
  for (const key in ext) {
    const value = ext[key];
    if (typeof value === "number" && (!Number.isSafeInteger(value) || Object.is(value, -0))) {
      needsSource = true;
    }
  }
  // Large or fractional numbers lose digits in a JS number: take their source text instead.
  const source = needsSource ? extFieldsWithNumberText(text) : ext;
  const out: Record<string, string> = {};
  for (const key in source) {
    const value = source[key];
    if (value === null || value === undefined) continue;
    if (typeof value === "string") setField(out, key, value);
    else if (typeof value === "number" || typeof value === "boolean") {
      setField(out, key, String(value));
    } else {
      throw new DecodeError(`Cannot decode JSON header: extFields "${key}" is not a scalar`);
    }
  }
  return out;
}

/** Sets `out[key]`, also for the key `__proto__` (which plain assignment would not store). */
export function setField(out: Record<string, string>, key: string, value: string): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[key] = value;
  }
}

type SourceReviver = (key: string, value: unknown, context: { source?: string }) => unknown;

function extFieldsWithNumberText(text: string): Record<string, unknown> {
  const reviver: SourceReviver = (_key, value, context) =>
    typeof value === "number" && context.source !== undefined ? context.source : value;
  const parsed = JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
  const ext = isPlainObject(parsed) ? parsed["extFields"] : undefined;
  return isPlainObject(ext) ? ext : {};
}
