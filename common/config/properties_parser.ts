/**
 * Parser for Java `.properties` text as `java.util.Properties.load` reads it,
 * which is how RocketMQ reads `broker.properties` and `namesrv.properties`.
 *
 * Supported: `#` and `!` comment lines, blank lines, leading whitespace,
 * `key=value`, `key = value`, `key:value`, `key value`, line continuation with
 * an odd number of trailing backslashes, escapes `\t \n \r \f \\ \uXXXX` (any
 * other escaped character stands for itself, as in Java). A later occurrence
 * of a key replaces the earlier one. Unlike Java, an empty key and a malformed
 * `\u` escape are errors naming the file and line.
 *
 * Runs on: any
 * @module
 */
import { ConfigError } from "../errors.ts";

/** One `key=value` pair of a properties file. */
export interface PropertiesEntry {
  /** The key with escapes resolved. */
  key: string;
  /** The value with escapes resolved; trailing whitespace is kept, as Java does. */
  value: string;
  /** 1-based line number where the logical line starts. */
  line: number;
}

/** Longest properties text accepted (a config file is a few KiB). */
const PROPERTIES_TEXT_MAX_CHARS = 4 * 1024 * 1024;

const WHITESPACE = new Set([" ", "\t", "\f"]);

interface LogicalLine {
  text: string;
  line: number;
}

/**
 * Parses Java properties text into entries in file order.
 *
 * A key that occurs twice keeps only its later entry (at the later position).
 * Throws `ConfigError` naming `fileName` and the line on a malformed escape or
 * an empty key.
 *
 * @example
 * ```ts
 * import { parsePropertiesText } from "./properties_parser.ts";
 * const entries = parsePropertiesText("# comment\nlistenPort = 10911\n");
 * if (entries[0]?.value !== "10911") throw new Error("unexpected");
 * ```
 */
export function parsePropertiesText(
  text: string,
  fileName = "properties text",
): PropertiesEntry[] {
  if (text.length > PROPERTIES_TEXT_MAX_CHARS) {
    throw new ConfigError(
      `Cannot parse "${fileName}": longer than ${PROPERTIES_TEXT_MAX_CHARS} characters`,
    );
  }
  const byKey = new Map<string, PropertiesEntry>();
  for (const logical of logicalLines(text)) {
    const entry = parseLogicalLine(logical, fileName);
    byKey.delete(entry.key);
    byKey.set(entry.key, entry);
  }
  return [...byKey.values()];
}

/** Splits text into logical lines: comments and blanks dropped, continuations joined. */
function logicalLines(text: string): LogicalLine[] {
  const physical = text.split(/\r\n|\r|\n/);
  const result: LogicalLine[] = [];
  let index = 0;
  while (index < physical.length) {
    const startLine = index + 1;
    let current = stripLeading(physical[index] ?? "");
    index += 1;
    if (current === "" || current.startsWith("#") || current.startsWith("!")) continue;
    while (endsWithContinuation(current) && index < physical.length) {
      current = current.slice(0, -1) + stripLeading(physical[index] ?? "");
      index += 1;
    }
    if (endsWithContinuation(current)) current = current.slice(0, -1);
    result.push({ text: current, line: startLine });
  }
  return result;
}

function stripLeading(line: string): string {
  let start = 0;
  while (start < line.length && WHITESPACE.has(line[start] ?? "")) start += 1;
  return line.slice(start);
}

/** True when the line ends with an odd number of backslashes. */
function endsWithContinuation(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === "\\"; i -= 1) count += 1;
  return count % 2 === 1;
}

function parseLogicalLine(logical: LogicalLine, fileName: string): PropertiesEntry {
  const { text } = logical;
  let keyEnd = 0;
  while (keyEnd < text.length) {
    const ch = text[keyEnd] ?? "";
    if (ch === "\\") {
      keyEnd += 2;
      continue;
    }
    if (ch === "=" || ch === ":" || WHITESPACE.has(ch)) break;
    keyEnd += 1;
  }
  keyEnd = Math.min(keyEnd, text.length);
  let valueStart = keyEnd;
  while (valueStart < text.length && WHITESPACE.has(text[valueStart] ?? "")) valueStart += 1;
  if (text[valueStart] === "=" || text[valueStart] === ":") valueStart += 1;
  while (valueStart < text.length && WHITESPACE.has(text[valueStart] ?? "")) valueStart += 1;
  const key = unescape(text.slice(0, keyEnd), fileName, logical.line);
  if (key === "") {
    throw new ConfigError(`Cannot parse "${fileName}" line ${logical.line}: empty key`);
  }
  const value = unescape(text.slice(valueStart), fileName, logical.line);
  return { key, value, line: logical.line };
}

const SIMPLE_ESCAPES: Record<string, string> = { t: "\t", n: "\n", r: "\r", f: "\f" };

function unescape(raw: string, fileName: string, line: number): string {
  if (!raw.includes("\\")) return raw;
  let out = "";
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i] ?? "";
    if (ch !== "\\") {
      out += ch;
      i += 1;
      continue;
    }
    const next = raw[i + 1] ?? "";
    if (next === "u") {
      const hex = raw.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new ConfigError(
          `Cannot parse "${fileName}" line ${line}: malformed \\uXXXX escape "\\u${hex}"`,
        );
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 6;
      continue;
    }
    out += SIMPLE_ESCAPES[next] ?? next;
    i += 2;
  }
  return out;
}
