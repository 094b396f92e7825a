/**
 * Building blocks for the config schemas: each key is a zod schema that takes
 * the string from the properties file and yields a typed value. A failing key
 * reports, as its issue message, what was expected ("an integer from 0 to
 * 65535"); the loader wraps it into a `ConfigError` naming file, key and value.
 *
 * Runs on: any
 * @module
 */
import { z } from "zod";

/** Largest Java `int`. */
export const JAVA_INT_MAX = 2_147_483_647;

/** A schema turning a properties string into a `T`, failing with an "expected" message. */
export type Field<T> = z.ZodPipe<z.ZodString, z.ZodTransform<T, string>>;
/** A `Field` with a default used when the key is absent. */
export type KeyWithDefault<T> = z.ZodDefault<Field<T>>;

function coerce<T>(expected: string, convert: (text: string) => T | undefined): Field<T> {
  return z.string().transform((raw, ctx): T => {
    const result = convert(raw.trim());
    if (result === undefined) {
      ctx.issues.push({ code: "custom", message: expected, input: raw });
      return z.NEVER;
    }
    return result;
  });
}

/** Parses a decimal integer within `[min, max]`, or `undefined`. */
export function parseIntIn(text: string, min: number, max: number): number | undefined {
  if (!/^[+-]?\d{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** An integer key (Java `int` or `long`) with its default and bounds. */
export function intKey(
  defaultValue: number,
  min = 0,
  max = JAVA_INT_MAX,
): KeyWithDefault<number> {
  return intField(min, max).default(defaultValue);
}

/** An integer key without default (the value is derived after parsing when absent). */
export function intField(min = 0, max = JAVA_INT_MAX): Field<number> {
  return coerce(`an integer from ${min} to ${max}`, (text) => parseIntIn(text, min, max));
}

/** A long key: an integer in the JS safe range, non-negative by default. */
export function longKey(defaultValue: number, min = 0): KeyWithDefault<number> {
  return intKey(defaultValue, min, Number.MAX_SAFE_INTEGER);
}

/** A TCP port key; 0 means "any free port" (used by tests). */
export function portKey(defaultValue: number): KeyWithDefault<number> {
  return intKey(defaultValue, 0, 65535);
}

/**
 * A boolean key. Java's `Boolean.parseBoolean` maps anything but "true" to
 * false; we accept only `true` / `false` (any case) so typos stop start-up.
 */
export function boolKey(defaultValue: boolean): KeyWithDefault<boolean> {
  return coerce("true or false", (text) => {
    const lower = text.toLowerCase();
    return lower === "true" ? true : lower === "false" ? false : undefined;
  }).default(defaultValue);
}

/** A free-form string key (trimmed). */
export function stringKey(defaultValue: string): KeyWithDefault<string> {
  return stringField().default(defaultValue);
}

/** A string key without default (derived after parsing when absent). */
export function stringField(): Field<string> {
  return coerce("a string", (text) => text);
}

/** A string key that Java leaves `null` by default; an empty value also means null. */
export function nullableStringKey(): KeyWithDefault<string | null> {
  return coerce<string | null>("a string", (text) => text === "" ? null : text).default(null);
}

/** A non-empty string key (names such as `brokerClusterName`). */
export function nameKey(defaultValue: string): KeyWithDefault<string> {
  return coerce("a non-empty string", (text) => text === "" ? undefined : text)
    .default(defaultValue);
}

/** An enum key: one of `values`, exactly as spelled. */
export function enumKey<const V extends string>(
  values: readonly V[],
  defaultValue: V,
): KeyWithDefault<V> {
  // zod's generic `Awaited<V>` does not narrow for a type parameter; the value is a V.
  return coerce<V>(
    `one of ${values.join(", ")}`,
    (text) => values.find((value) => value === text),
  ).default(defaultValue as never);
}

/** A key whose string value must pass `check`; the value is kept as the trimmed string. */
export function checkedStringKey(
  expected: string,
  check: (text: string) => boolean,
  defaultValue: string,
): KeyWithDefault<string> {
  return checkedStringField(expected, check).default(defaultValue);
}

/** Like `checkedStringKey` but without default. */
export function checkedStringField(
  expected: string,
  check: (text: string) => boolean,
): Field<string> {
  return coerce(expected, (text) => check(text) ? text : undefined);
}
