/**
 * Compiles a SQL92 filter syntax tree into closures that evaluate it the way
 * Java's expression classes do: three-valued logic (null is unknown), `=`
 * true when both sides are missing, relational operators parsing two string
 * operands as doubles, a string against a number parsed as that number's
 * Java type, and a thrown `EvaluationFailure` where Java throws.
 *
 * Runs on: any
 * @module
 */
import { assert } from "../assert.ts";
import type { SqlComparisonOperator, SqlNode } from "./sql_ast.ts";
import {
  compareJavaDoubles,
  compareJavaValues,
  EvaluationFailure,
  JavaDouble,
  JavaInt,
  JavaLong,
  parseJavaDouble,
} from "./_java_values.ts";
import type { JavaValue } from "./_java_values.ts";

/** How an evaluator reads a message property: its string value, or undefined when absent. */
export type PropertyLookup = (name: string) => string | undefined;
/** A compiled expression yielding a Java value. */
export type ValueEvaluator = (lookup: PropertyLookup) => JavaValue;
/** A compiled boolean expression: true, false, or null for unknown. */
export type BooleanEvaluator = (lookup: PropertyLookup) => boolean | null;

const NOT_CONSTANT = Symbol("not constant");

/** The value of a literal or of a negated literal, folded at compile time. */
function constantOf(node: SqlNode): JavaValue | typeof NOT_CONSTANT {
  switch (node.kind) {
    case "string":
    case "boolean":
      return node.value;
    case "null":
      return null;
    case "int":
      return new JavaInt(node.value);
    case "long":
      return new JavaLong(node.value);
    case "double":
      return new JavaDouble(node.value);
    case "negate": {
      const inner = constantOf(node.operand);
      return inner === NOT_CONSTANT ? NOT_CONSTANT : negate(inner);
    }
    default:
      return NOT_CONSTANT;
  }
}

/** `UnaryExpression.createNegate`: negates numbers, gives null for anything else. */
function negate(value: JavaValue): JavaValue {
  if (value instanceof JavaInt) return new JavaInt(-value.value | 0);
  if (value instanceof JavaLong) return new JavaLong(BigInt.asIntN(64, -value.value));
  if (value instanceof JavaDouble) return new JavaDouble(-value.value);
  return null;
}

function toDouble(text: string): number {
  const value = parseJavaDouble(text);
  if (value === undefined) throw new EvaluationFailure(`Cannot compare "${text}" as a number`);
  return value;
}

/** Java's `=` (`doCreateEqual`): unknown when only the left side is missing. */
function equal(left: JavaValue, right: JavaValue): boolean | null {
  if (left === null || right === null) {
    return left === null ? (right === null ? true : null) : false;
  }
  return compareJavaValues(left, right) === 0;
}

function relational(
  operator: SqlComparisonOperator,
  left: ValueEvaluator,
  right: ValueEvaluator,
): BooleanEvaluator {
  const accept: (order: number) => boolean = operator === ">"
    ? (order) => order > 0
    : operator === ">="
    ? (order) => order >= 0
    : operator === "<"
    ? (order) => order < 0
    : (order) => order <= 0;
  return (lookup) => {
    const lv = left(lookup);
    if (lv === null) return null;
    const rv = right(lookup);
    if (rv === null) return null;
    if (typeof lv === "string" && typeof rv === "string") {
      return accept(compareJavaDoubles(toDouble(lv), toDouble(rv)));
    }
    return accept(compareJavaValues(lv, rv));
  };
}

function comparison(
  operator: SqlComparisonOperator,
  left: SqlNode,
  right: SqlNode,
): BooleanEvaluator {
  const l = compileValue(left);
  const r = compileValue(right);
  if (operator === "=") return (lookup) => equal(l(lookup), r(lookup));
  if (operator === "<>") {
    return (lookup) => {
      const result = equal(l(lookup), r(lookup));
      return result === null ? null : !result;
    };
  }
  return relational(operator, l, r);
}

function logic(kind: "and" | "or", operands: readonly SqlNode[]): BooleanEvaluator {
  const compiled = operands.map(compileBoolean);
  // AND stops at the first false, OR at the first true; otherwise unknown wins over the other.
  const decisive = kind === "or";
  return (lookup) => {
    let unknown = false;
    for (const operand of compiled) {
      const value = operand(lookup);
      if (value === decisive) return decisive;
      if (value === null) unknown = true;
    }
    return unknown ? null : !decisive;
  };
}

function between(node: Extract<SqlNode, { kind: "between" }>): BooleanEvaluator {
  const value = compileValue(node.operand);
  const low = compileValue(node.low);
  const high = compileValue(node.high);
  // Java builds AND(value >= low, value <= high) and OR(value < low, value > high).
  const first = relational(node.negated ? "<" : ">=", value, low);
  const second = relational(node.negated ? ">" : "<=", value, high);
  const decisive = node.negated;
  return (lookup) => {
    const a = first(lookup);
    if (a === decisive) return decisive;
    const b = second(lookup);
    if (b === decisive) return decisive;
    return a === null || b === null ? null : !decisive;
  };
}

function match(node: Extract<SqlNode, { kind: "match" }>): BooleanEvaluator {
  const { pattern, negated } = node;
  // Java answers false for an empty pattern and a non-string value, negated or not.
  if (pattern === "") return () => false;
  const operand = compileValue(node.operand);
  const test = node.operator === "CONTAINS"
    ? (text: string) => text.includes(pattern)
    : node.operator === "STARTSWITH"
    ? (text: string) => text.startsWith(pattern)
    : (text: string) => text.endsWith(pattern);
  return (lookup) => {
    const value = operand(lookup);
    return typeof value === "string" ? test(value) !== negated : false;
  };
}

/** Compiles a node in a value position. */
export function compileValue(node: SqlNode): ValueEvaluator {
  const constant = constantOf(node);
  if (constant !== NOT_CONSTANT) return () => constant;
  if (node.kind === "property") {
    const name = node.name;
    return (lookup) => lookup(name) ?? null;
  }
  if (node.kind === "negate") {
    const operand = compileValue(node.operand);
    return (lookup) => negate(operand(lookup));
  }
  return compileBoolean(node);
}

/** Compiles a node in a boolean position (top level, AND/OR/NOT operands, Java's boolean cast). */
export function compileBoolean(node: SqlNode): BooleanEvaluator {
  switch (node.kind) {
    case "property": {
      // Java's BooleanCast: a missing property is unknown, any string is false.
      const name = node.name;
      return (lookup) => lookup(name) === undefined ? null : false;
    }
    case "boolean": {
      const value = node.value;
      return () => value;
    }
    case "null":
      return () => null;
    case "not": {
      const operand = compileBoolean(node.operand);
      return (lookup) => {
        const value = operand(lookup);
        return value === null ? null : !value;
      };
    }
    case "and":
    case "or":
      return logic(node.kind, node.operands);
    case "compare":
      return comparison(node.operator, node.left, node.right);
    case "isNull": {
      const operand = compileValue(node.operand);
      const negated = node.negated;
      return (lookup) => (operand(lookup) === null) !== negated;
    }
    case "between":
      return between(node);
    case "in": {
      const { negated } = node;
      const name = node.operand.name;
      const values = new Set(node.values);
      return (lookup) => {
        const value = lookup(name);
        return value === undefined ? null : values.has(value) !== negated;
      };
    }
    case "match":
      return match(node);
    default:
      assert(false, `Node "${node.kind}" is not boolean; the parser admits no such tree`);
  }
}
