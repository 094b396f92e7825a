/**
 * Plain-text tables in the style of Java's mqadmin: a header row whose names start with `#`,
 * columns left-aligned and separated by two spaces, no borders.
 *
 * Runs on: any
 * @module
 */

/** Formats `rows` under `headers` (each header gets a `#` prefix); ends without a newline. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  const cells = [
    headers.map((h) => `#${h}`),
    ...rows.map((row) => headers.map((_, i) => String(row[i] ?? ""))),
  ];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells
    .map((row) => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
    .map((row) => row.join("  ").trimEnd())
    .join("\n");
}

/** `key: value` lines with the keys padded to one width (brokerStatus, message views). */
export function formatKeyValues(entries: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  : ${String(v)}`).join("\n");
}

/** A time in ms as Java's mqadmin prints it (`yyyy-MM-dd HH:mm:ss,SSS`, UTC here). */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "-";
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "").replace(".", ",");
}
