/**
 * The checks Java's expression factories make while parsing
 * (`SelectorParser.asBooleanExpression`, `ComparisonExpression.checkEqualOperand`,
 * `checkLessThanOperand`, `createBetween`, `createInFilter`) and the literal
 * conversions of `ConstantExpression`; each failure is a `FilterError`.
 *
 * Runs on: any
 * @module
 */
import { FilterError } from "./filter_error.ts";
import { isBooleanSqlNode, isConstantSqlNode } from "./sql_ast.ts";
import type { SqlNode } from "./sql_ast.ts";
import { printSqlExpression } from "./sql_printer.ts";
import {
  compareJavaValues,
  EvaluationFailure,
  JavaDouble,
  JavaInt,
  JavaLong,
} from "./_java_values.ts";
import type { JavaValue } from "./_java_values.ts";

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MAX = 2n ** 63n - 1n;
const SHOWN_MAX_CHARS = 40;

/** A `FilterError` with the usual prefix and position suffix. */
export function filterError(detail: string, position: number): FilterError {
  return new FilterError(`Invalid filter expression: ${detail} at position ${position}`, {
    position,
  });
}

/** A short quoted rendering of a node for messages. */
export function showNode(node: SqlNode): string {
  const text = printSqlExpression(node);
  return JSON.stringify(
    text.length > SHOWN_MAX_CHARS ? `${text.slice(0, SHOWN_MAX_CHARS)}...` : text,
  );
}

/** `ConstantExpression.createFromDecimal`: `Integer` when it fits, else `Long`, else an error. */
export function decimalLiteral(text: string, position: number): SqlNode {
  const digits = text.replace(/[lL]$/, "");
  const value = BigInt(digits);
  if (value > LONG_MAX) throw filterError(`number ${digits} is out of the long range`, position);
  if (value >= INT_MIN && value <= INT_MAX) return { kind: "int", value: Number(value) };
  return { kind: "long", value };
}

/** `ConstantExpression.createFloat`: finite and at least `Double.MIN_VALUE` (so not 0). */
export function floatLiteral(text: string, position: number): SqlNode {
  const value = Number(text);
  if (value > Number.MAX_VALUE) {
    throw filterError(`number ${text} is too large for a double`, position);
  }
  if (value < Number.MIN_VALUE) {
    throw filterError(`number ${text} is smaller than the least positive double`, position);
  }
  return { kind: "double", value };
}

/** Java `asBooleanExpression`: tests, TRUE/FALSE/NULL, or a property (cast to boolean). */
export function requireBoolean(node: SqlNode, position: number): void {
  if (isBooleanSqlNode(node) || node.kind === "property") return;
  throw filterError(`expression ${showNode(node)} does not give a boolean value`, position);
}

/** `checkEqualOperand` on both sides and `checkEqualOperandCompatability`. */
export function checkEqualOperands(left: SqlNode, right: SqlNode, position: number): void {
  for (const side of [left, right]) {
    if (side.kind === "null") throw filterError(`NULL cannot be compared with "="`, position);
  }
  if (isConstantSqlNode(left) && isConstantSqlNode(right) && left.kind === "boolean") {
    if (right.kind !== "boolean") {
      throw filterError(`${showNode(left)} cannot be compared with ${showNode(right)}`, position);
    }
  }
}

/** `checkLessThanOperand`: no string, boolean or NULL literal and no boolean expression. */
export function checkRelationalOperand(node: SqlNode, operator: string, position: number): void {
  const isNumber = node.kind === "int" || node.kind === "long" || node.kind === "double";
  if (isNumber || !(isConstantSqlNode(node) || isBooleanSqlNode(node))) return;
  throw filterError(`${showNode(node)} cannot be compared with "${operator}"`, position);
}

function constantValue(node: SqlNode): JavaValue {
  switch (node.kind) {
    case "string":
    case "boolean":
      return node.value;
    case "int":
      return new JavaInt(node.value);
    case "long":
      return new JavaLong(node.value);
    case "double":
      return new JavaDouble(node.value);
    default:
      return null;
  }
}

/** `createBetween`'s check of two literal bounds: not NULL, and low not above high. */
export function checkBetweenBounds(low: SqlNode, high: SqlNode, position: number): void {
  if (!isConstantSqlNode(low) || !isConstantSqlNode(high)) return;
  const lowValue = constantValue(low);
  const highValue = constantValue(high);
  if (lowValue === null || highValue === null) {
    throw filterError("BETWEEN bounds cannot be NULL", position);
  }
  let order: number;
  try {
    order = compareJavaValues(highValue, lowValue);
  } catch (error) {
    if (!(error instanceof EvaluationFailure)) throw error;
    throw filterError(
      `BETWEEN bounds ${showNode(low)} and ${showNode(high)} cannot be compared`,
      position,
    );
  }
  if (order < 0) {
    throw filterError(
      `BETWEEN low bound ${showNode(low)} is greater than high bound ${showNode(high)}`,
      position,
    );
  }
}
