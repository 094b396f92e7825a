/**
 * The `messageDelayLevel` setting: durations such as `1s 5s 10s 30s 1m ... 2h`,
 * one per delay level (level 1 is the first).
 *
 * Runs on: any
 * @module
 */

/** Most delay levels accepted (Java has no bound; the default has 18). */
const DELAY_LEVELS_MAX = 64;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a `messageDelayLevel` string into milliseconds per level (index 0 is
 * level 1). Returns `undefined` when an item is not `<digits><s|m|h|d>` or the
 * list is empty. As in Java's `ScheduleMessageService.parseDelayLevel`.
 *
 * @example
 * ```ts
 * import { parseMessageDelayLevel } from "./delay_levels.ts";
 * const levels = parseMessageDelayLevel("1s 1m");
 * if (levels?.[1] !== 60_000) throw new Error("unexpected");
 * ```
 */
export function parseMessageDelayLevel(text: string): number[] | undefined {
  const items = text.trim().split(/\s+/).filter((item) => item !== "");
  if (items.length === 0 || items.length > DELAY_LEVELS_MAX) return undefined;
  const result: number[] = [];
  for (const item of items) {
    const match = /^(\d{1,9})([smhd])$/.exec(item);
    const unitMs = match ? UNIT_MS[match[2] ?? ""] : undefined;
    if (!match || unitMs === undefined) return undefined;
    result.push(Number(match[1]) * unitMs);
  }
  return result;
}
