/**
 * Goal: Java's string-to-number conversions and `__compare` rules are
 * reproduced. Method: table checks of the rules read from
 * `ComparisonExpression.java`, `Integer.parseInt`, `Long.parseLong` and
 * `Double.valueOf`.
 */
import assert from "node:assert/strict";
import {
  compareJavaDoubles,
  compareJavaValues,
  EvaluationFailure,
  JavaDouble,
  JavaInt,
  JavaLong,
  javaTrim,
  parseJavaBoolean,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from "./_java_values.ts";

Deno.test("parseJavaInt() accepts a signed decimal int and refuses the rest", () => {
  assert.equal(parseJavaInt("+42"), 42);
  assert.equal(parseJavaInt("-2147483648"), -2147483648);
  assert.equal(parseJavaInt("0007"), 7);
  for (const text of ["2147483648", "1.0", " 1", "", "+", "1e3", "0x10"]) {
    assert.equal(parseJavaInt(text), undefined, text);
  }
});

Deno.test("parseJavaLong() covers the 64-bit range exactly", () => {
  assert.equal(parseJavaLong("9223372036854775807"), 9223372036854775807n);
  assert.equal(parseJavaLong("-9223372036854775808"), -9223372036854775808n);
  assert.equal(parseJavaLong("9223372036854775808"), undefined);
  assert.equal(parseJavaLong("1.5"), undefined);
});

Deno.test("parseJavaDouble() follows Double.valueOf for decimal forms", () => {
  assert.equal(parseJavaDouble(" 3.5 "), 3.5);
  assert.equal(parseJavaDouble("1."), 1);
  assert.equal(parseJavaDouble(".5e1"), 5);
  assert.equal(parseJavaDouble("2f"), 2);
  assert.equal(parseJavaDouble("-Infinity"), -Infinity);
  assert.ok(Number.isNaN(parseJavaDouble("NaN")));
  for (const text of ["", ".", "abc", "1e", "1,5", "Infinityd", "0x1p3"]) {
    assert.equal(parseJavaDouble(text), undefined, text);
  }
});

Deno.test("parseJavaBoolean() and javaTrim() match Boolean.valueOf and String.trim", () => {
  assert.equal(parseJavaBoolean("TrUe"), true);
  assert.equal(parseJavaBoolean("yes"), false);
  assert.equal(javaTrim("\u0001 a b\t\u0000"), "a b");
  assert.equal(javaTrim("\u00a0a"), "\u00a0a");
});

Deno.test("compareJavaDoubles() orders -0.0 below 0.0 and NaN above all", () => {
  assert.equal(compareJavaDoubles(-0, 0), -1);
  assert.equal(compareJavaDoubles(0, -0), 1);
  assert.equal(compareJavaDoubles(NaN, Infinity), 1);
  assert.equal(compareJavaDoubles(NaN, NaN), 0);
  assert.equal(compareJavaDoubles(1, 2), -1);
});

Deno.test("compareJavaValues() widens int to long and both to double", () => {
  assert.equal(compareJavaValues(new JavaInt(5), new JavaLong(5n)), 0);
  assert.equal(compareJavaValues(new JavaLong(3000000000n), new JavaInt(5)), 1);
  assert.equal(compareJavaValues(new JavaInt(5), new JavaDouble(5.5)), -1);
  assert.equal(compareJavaValues(new JavaDouble(5), new JavaLong(5n)), 0);
});

Deno.test("compareJavaValues() parses a string as the other side's number type", () => {
  assert.equal(compareJavaValues("10", new JavaInt(9)), 1);
  assert.equal(compareJavaValues(new JavaDouble(1.5), "1.50"), 0);
  assert.equal(compareJavaValues("9223372036854775807", new JavaLong(1n)), 1);
  assert.throws(() => compareJavaValues("5.5", new JavaInt(5)), EvaluationFailure);
  assert.throws(() => compareJavaValues(new JavaInt(5), "3000000000"), EvaluationFailure);
  assert.throws(() => compareJavaValues("x", new JavaDouble(1)), EvaluationFailure);
});

Deno.test("compareJavaValues() treats booleans as Java does", () => {
  assert.equal(compareJavaValues("TRUE", true), 0);
  assert.equal(compareJavaValues("yes", true), -1);
  assert.equal(compareJavaValues(false, true), -1);
  assert.equal(compareJavaValues(true, new JavaInt(1)), -1);
  assert.equal(compareJavaValues(new JavaInt(1), true), -1);
  // Java casts the Boolean to String here and fails with ClassCastException.
  assert.throws(() => compareJavaValues(true, "true"), EvaluationFailure);
});

Deno.test("compareJavaValues() compares strings by UTF-16 code units", () => {
  assert.equal(compareJavaValues("a", "b"), -1);
  assert.equal(compareJavaValues("\uffff", "\u{1f600}"), 1);
  assert.equal(compareJavaValues("ab", "ab"), 0);
});
