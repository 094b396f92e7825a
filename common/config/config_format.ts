/**
 * Prints a configuration as `key=value` lines sorted by key, as
 * `mqnamesrv -p` / `mqbroker -p` print the effective settings. Values are
 * escaped so the output reads back through `parsePropertiesText` unchanged;
 * a null value prints as an empty value (Java prints "null").
 *
 * Runs on: any
 * @module
 */

/** A flat configuration object (`BrokerConfig`, `NamesrvConfig`). */
export type FlatConfig = { [key: string]: string | number | boolean | null | undefined };

/**
 * Formats `config` as properties text: one `key=value` line per key, sorted by
 * key, each ending with a newline. Undefined values are skipped.
 *
 * @example
 * ```ts
 * import { formatConfig } from "./config_format.ts";
 * const text = formatConfig({ listenPort: 9876, bindAddress: "0.0.0.0" });
 * if (text !== "bindAddress=0.0.0.0\nlistenPort=9876\n") throw new Error("unexpected");
 * ```
 */
export function formatConfig(config: object): string {
  const flat = config as FlatConfig;
  const keys = Object.keys(flat).filter((key) => flat[key] !== undefined).sort();
  return keys.map((key) => `${escapeText(key, true)}=${formatValue(flat[key])}\n`).join("");
}

function formatValue(value: FlatConfig[string]): string {
  if (value === null || value === undefined) return "";
  return escapeText(String(value), false);
}

/** Escapes as `Properties.store` does: backslash, control characters, separators in keys. */
function escapeText(text: string, isKey: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] ?? "";
    const code = ch.charCodeAt(0);
    if (ch === "\\") out += "\\\\";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else if ((isKey || i === 0) && ch === " ") out += "\\ ";
    else if ((ch === "=" || ch === ":" || ch === "#" || ch === "!") && (isKey || i === 0)) {
      out += `\\${ch}`;
    } else out += ch;
  }
  return out;
}
