/**
 * `LanguageCode`: the sender's language, a name in JSON headers and one byte
 * in binary ROCKETMQ headers (JAVA=0 ... NODE_JS=13).
 *
 * Runs on: any
 * @module
 */

/** Known language names and their binary header byte. */
export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  RUST: 12,
  NODE_JS: 13,
} as const;

/** A known language name. */
export type LanguageName = keyof typeof LanguageCode;

const NAMES: readonly string[] = Object.keys(LanguageCode);
const BYTES = new Map<string, number>(Object.entries(LanguageCode));

/** The binary byte of a language name; unknown names map to `OTHER` (7). */
export function languageByte(name: string): number {
  return BYTES.get(name) ?? LanguageCode.OTHER;
}

/** The language name of a binary byte; unknown bytes map to `"OTHER"`. */
export function languageName(byte: number): string {
  return NAMES[byte] ?? "OTHER";
}
