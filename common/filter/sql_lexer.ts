/**
 * Tokenizer of RocketMQ's SQL92 filter grammar (`SelectorParser.jj`):
 * case-insensitive keywords, ASCII identifiers `[A-Za-z_$][A-Za-z0-9_$]*`,
 * decimal literals (`0` or `[1-9][0-9]*` with an optional `L`), floating
 * literals (`1.`, `.5`, `1.5E3`, `5e10`), single-quoted strings with `''` for a
 * quote, `--` line comments (which need a line end) and block comments.
 * Matching is longest-first, keywords win over identifiers of equal length.
 *
 * Runs on: any
 * @module
 */
import { FilterError } from "./filter_error.ts";

/** Reserved words; `CONTAINS`, `STARTSWITH`, `ENDSWITH` exist since RocketMQ 5.1.4. */
export type SqlKeyword =
  | "NOT"
  | "AND"
  | "OR"
  | "BETWEEN"
  | "IN"
  | "TRUE"
  | "FALSE"
  | "NULL"
  | "IS"
  | "CONTAINS"
  | "STARTSWITH"
  | "ENDSWITH";

/** Operators and punctuation. */
export type SqlPunctuation = "=" | "<>" | ">" | ">=" | "<" | "<=" | "(" | ")" | "," | "+" | "-";

/** One token with its zero-based offset in the expression. */
export type SqlToken =
  | {
    readonly type: "keyword";
    readonly keyword: SqlKeyword;
    readonly text: string;
    readonly position: number;
  }
  | { readonly type: "identifier"; readonly text: string; readonly position: number }
  | { readonly type: "decimal"; readonly text: string; readonly position: number }
  | { readonly type: "float"; readonly text: string; readonly position: number }
  | {
    readonly type: "string";
    readonly value: string;
    readonly text: string;
    readonly position: number;
  }
  | { readonly type: "punctuation"; readonly text: SqlPunctuation; readonly position: number }
  | { readonly type: "end"; readonly text: ""; readonly position: number };

const KEYWORDS: ReadonlySet<string> = new Set<SqlKeyword>([
  "NOT",
  "AND",
  "OR",
  "BETWEEN",
  "IN",
  "TRUE",
  "FALSE",
  "NULL",
  "IS",
  "CONTAINS",
  "STARTSWITH",
  "ENDSWITH",
]);

const WHITESPACE = /[ \t\n\r\f]+/y;
const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const DECIMAL = /0|[1-9][0-9]*[lL]?/y;
const FLOAT =
  /[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+/y;
const TWO_CHAR_PUNCTUATION: ReadonlySet<string> = new Set(["<>", ">=", "<="]);
const ONE_CHAR_PUNCTUATION: ReadonlySet<string> = new Set(["=", ">", "<", "(", ")", ",", "+", "-"]);

function matchAt(pattern: RegExp, text: string, position: number): string | undefined {
  pattern.lastIndex = position;
  return pattern.exec(text)?.[0];
}

/** Skips whitespace and complete comments from `position`; returns the next offset. */
function skipIgnored(text: string, position: number): number {
  let at = position;
  for (;;) {
    const space = matchAt(WHITESPACE, text, at);
    if (space !== undefined) {
      at += space.length;
      continue;
    }
    if (text.startsWith("--", at)) {
      // Java's LINE_COMMENT needs its line end; without one "--" is two minus signs.
      const end = text.slice(at).search(/[\n\r]/);
      if (end < 0) return at;
      at += end + (text.startsWith("\r\n", at + end) ? 2 : 1);
      continue;
    }
    if (text.startsWith("/*", at)) {
      const end = text.indexOf("*/", at + 2);
      if (end < 0) {
        throw new FilterError(syntaxMessage("unterminated comment", at), { position: at });
      }
      at = end + 2;
      continue;
    }
    return at;
  }
}

function syntaxMessage(detail: string, position: number): string {
  return `Invalid filter expression: ${detail} at position ${position}`;
}

/** Reads a quoted string starting at `position` (which holds the opening quote). */
function readString(text: string, position: number): SqlToken {
  let value = "";
  let at = position + 1;
  for (;;) {
    const quote = text.indexOf("'", at);
    if (quote < 0) {
      throw new FilterError(syntaxMessage("unterminated string literal", position), { position });
    }
    value += text.slice(at, quote);
    if (text[quote + 1] === "'") {
      value += "'";
      at = quote + 2;
      continue;
    }
    return { type: "string", value, text: text.slice(position, quote + 1), position };
  }
}

function readNumber(text: string, position: number): SqlToken | undefined {
  const decimal = matchAt(DECIMAL, text, position) ?? "";
  const float = matchAt(FLOAT, text, position) ?? "";
  if (decimal === "" && float === "") return undefined;
  // Longest match wins; on a tie JavaCC prefers the earlier rule, DECIMAL_LITERAL.
  if (float.length > decimal.length) return { type: "float", text: float, position };
  return { type: "decimal", text: decimal, position };
}

function readToken(text: string, position: number): SqlToken {
  const char = text[position] ?? "";
  if (char === "'") return readString(text, position);
  const word = matchAt(IDENTIFIER, text, position);
  if (word !== undefined) {
    const upper = word.toUpperCase();
    if (KEYWORDS.has(upper)) {
      return { type: "keyword", keyword: upper as SqlKeyword, text: word, position };
    }
    return { type: "identifier", text: word, position };
  }
  const number = readNumber(text, position);
  if (number !== undefined) return number;
  const two = text.slice(position, position + 2);
  if (TWO_CHAR_PUNCTUATION.has(two)) {
    return { type: "punctuation", text: two as SqlPunctuation, position };
  }
  if (ONE_CHAR_PUNCTUATION.has(char)) {
    return { type: "punctuation", text: char as SqlPunctuation, position };
  }
  const shown = JSON.stringify(String.fromCodePoint(text.codePointAt(position) ?? 0));
  throw new FilterError(syntaxMessage(`unexpected character ${shown}`, position), { position });
}

/**
 * Splits a filter expression into tokens, ending with one `end` token.
 * Throws `FilterError` on a character no token can start with, an
 * unterminated string or an unterminated block comment.
 *
 * @example
 * ```ts
 * import { tokenizeSql } from "./sql_lexer.ts";
 * tokenizeSql("a >= 5").map((t) => t.type); // ["identifier", "punctuation", "decimal", "end"]
 * ```
 */
export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let at = skipIgnored(text, 0);
  while (at < text.length) {
    const token = readToken(text, at);
    tokens.push(token);
    at = skipIgnored(text, at + token.text.length);
  }
  tokens.push({ type: "end", text: "", position: text.length });
  return tokens;
}
