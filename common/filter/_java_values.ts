/**
 * Java runtime values as the filter evaluator sees them (`Boolean`, `String`,
 * `Integer`, `Long`, `Double`, or null) and Java's comparison of two of them
 * (`ComparisonExpression.__compare` with string conversion on), including its
 * conversions `Integer.valueOf`, `Long.valueOf`, `Double.valueOf` and
 * `Boolean.valueOf` of a string.
 *
 * Runs on: any
 * @module
 */

/** A Java `Integer` (32-bit signed). */
export class JavaInt {
  /** Wraps a 32-bit signed integer. */
  constructor(readonly value: number) {}
}

/** A Java `Long` (64-bit signed). */
export class JavaLong {
  /** Wraps a 64-bit signed integer. */
  constructor(readonly value: bigint) {}
}

/** A Java `Double`. */
export class JavaDouble {
  /** Wraps a double. */
  constructor(readonly value: number) {}
}

/** A value during evaluation; null is SQL's unknown (a missing property). */
export type JavaValue = null | boolean | string | JavaInt | JavaLong | JavaDouble;

/**
 * Raised inside evaluation where Java throws (a `NumberFormatException` or a
 * `ClassCastException`); the broker then logs and treats the message as not
 * matching. Never leaves the evaluator.
 */
export class EvaluationFailure extends Error {
  override name = "EvaluationFailure";
}

const INT_PATTERN = /^[+-]?[0-9]+$/;
const DOUBLE_PATTERN =
  /^[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)$/;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Java `Integer.parseInt` (ASCII digits only); undefined where Java throws. */
export function parseJavaInt(text: string): number | undefined {
  if (!INT_PATTERN.test(text)) return undefined;
  const value = Number(text);
  return value >= INT_MIN && value <= INT_MAX ? value : undefined;
}

/** Java `Long.parseLong` (ASCII digits only); undefined where Java throws. */
export function parseJavaLong(text: string): bigint | undefined {
  if (!INT_PATTERN.test(text)) return undefined;
  const value = BigInt(text);
  return value >= LONG_MIN && value <= LONG_MAX ? value : undefined;
}

/** Java `String.trim()`: drops leading and trailing chars up to U+0020. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/**
 * Java `Double.valueOf(String)` for decimal forms, `NaN` and `Infinity`
 * (hexadecimal floats are not supported and give undefined, as a failure).
 */
export function parseJavaDouble(text: string): number | undefined {
  const trimmed = javaTrim(text);
  if (!DOUBLE_PATTERN.test(trimmed)) return undefined;
  const body = trimmed.replace(/[fFdD]$/, "");
  return Number(body.startsWith("+") ? body.slice(1) : body);
}

/** Java `Boolean.valueOf(String)`: true only for `true` in any case. */
export function parseJavaBoolean(text: string): boolean {
  return text.length === 4 && text.toLowerCase() === "true";
}

/** Java `Double.compare`: NaN above everything and equal to itself, -0.0 below 0.0. */
export function compareJavaDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : (aNaN ? 1 : -1);
  if (a === 0) {
    const aNegative = Object.is(a, -0);
    const bNegative = Object.is(b, -0);
    if (aNegative !== bNegative) return aNegative ? -1 : 1;
  }
  return 0;
}

function sign<T extends number | bigint | string>(a: T, b: T): number {
  return a < b ? -1 : (a > b ? 1 : 0);
}

function fail(what: string, text: string): never {
  throw new EvaluationFailure(`Cannot convert "${text}" to ${what}`);
}

function toInt(text: string): number {
  return parseJavaInt(text) ?? fail("an int", text);
}

function toLong(text: string): bigint {
  return parseJavaLong(text) ?? fail("a long", text);
}

function toDouble(text: string): number {
  return parseJavaDouble(text) ?? fail("a double", text);
}

function compareNumberTo(left: JavaInt | JavaLong | JavaDouble, right: JavaValue): number {
  if (typeof right === "boolean") return -1;
  if (left instanceof JavaDouble) {
    if (typeof right === "string") return compareJavaDoubles(left.value, toDouble(right));
    return compareJavaDoubles(left.value, Number(right!.value));
  }
  if (right instanceof JavaDouble) return compareJavaDoubles(Number(left.value), right.value);
  if (left instanceof JavaInt) {
    if (typeof right === "string") return sign(left.value, toInt(right));
    if (right instanceof JavaInt) return sign(left.value, right.value);
    return sign(BigInt(left.value), right!.value);
  }
  if (typeof right === "string") return sign(left.value, toLong(right));
  return sign(left.value, BigInt(right!.value));
}

function compareStringTo(left: string, right: JavaValue): number {
  if (typeof right === "string") return sign(left, right);
  if (typeof right === "boolean") return sign(Number(parseJavaBoolean(left)), Number(right));
  if (right instanceof JavaInt) return sign(toInt(left), right.value);
  if (right instanceof JavaLong) return sign(toLong(left), right.value);
  return compareJavaDoubles(toDouble(left), right!.value);
}

/**
 * Java's `__compare(lv, rv, true)` of two non-null values: the sign of the
 * comparison after converting the right (or left) operand up to the other's
 * type. Incomparable pairs give -1 as in Java. Throws `EvaluationFailure`
 * where Java throws: a string that does not parse as the other side's number
 * type, and `Boolean` against `String` (a `ClassCastException` in Java).
 */
export function compareJavaValues(left: JavaValue, right: JavaValue): number {
  if (left === null || right === null) throw new EvaluationFailure("Cannot compare null");
  if (typeof left === "string") return compareStringTo(left, right);
  if (typeof left === "boolean") {
    if (typeof right === "boolean") return sign(Number(left), Number(right));
    if (typeof right === "string") throw new EvaluationFailure("Cannot cast a boolean to a string");
    return -1;
  }
  return compareNumberTo(left, right);
}
