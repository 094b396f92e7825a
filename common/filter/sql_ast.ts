/**
 * The syntax tree of a SQL92 filter expression, shaped after the Java
 * expression classes of `org.apache.rocketmq.filter.expression`. Parentheses
 * and unary `+` leave no node, as in Java; `AND`/`OR` chains written at one
 * level are one node with several operands (same result and evaluation order
 * as Java's left-nested binary nodes).
 *
 * Runs on: any
 * @module
 */

/** Relational and equality operators (`<>` is Java's `NOT (a = b)`). */
export type SqlComparisonOperator = "=" | "<>" | ">" | ">=" | "<" | "<=";

/** The string tests added in RocketMQ 5.1.4. */
export type SqlMatchOperator = "CONTAINS" | "STARTSWITH" | "ENDSWITH";

/** A message property named by an identifier; its value is a string or missing. */
export interface SqlPropertyNode {
  readonly kind: "property";
  readonly name: string;
}

/** A string literal (`'it''s'` gives `it's`). */
export interface SqlStringNode {
  readonly kind: "string";
  readonly value: string;
}

/** A decimal literal in Java `int` range (Java `Integer`). */
export interface SqlIntNode {
  readonly kind: "int";
  readonly value: number;
}

/** A decimal literal outside `int` range but within `long` (Java `Long`). */
export interface SqlLongNode {
  readonly kind: "long";
  readonly value: bigint;
}

/** A floating-point literal (Java `Double`). */
export interface SqlDoubleNode {
  readonly kind: "double";
  readonly value: number;
}

/** `TRUE` or `FALSE`. */
export interface SqlBooleanNode {
  readonly kind: "boolean";
  readonly value: boolean;
}

/** The `NULL` literal. */
export interface SqlNullNode {
  readonly kind: "null";
}

/** Unary minus; yields null for anything but a number. */
export interface SqlNegateNode {
  readonly kind: "negate";
  readonly operand: SqlNode;
}

/** Prefix `NOT` (binds tighter than comparisons, as in Java). */
export interface SqlNotNode {
  readonly kind: "not";
  readonly operand: SqlNode;
}

/** `AND` / `OR` over two or more operands, evaluated left to right. */
export interface SqlLogicNode {
  readonly kind: "and" | "or";
  readonly operands: readonly SqlNode[];
}

/** `left op right`. */
export interface SqlComparisonNode {
  readonly kind: "compare";
  readonly operator: SqlComparisonOperator;
  readonly left: SqlNode;
  readonly right: SqlNode;
}

/** `operand IS NULL` or `operand IS NOT NULL`. */
export interface SqlIsNullNode {
  readonly kind: "isNull";
  readonly operand: SqlNode;
  readonly negated: boolean;
}

/** `operand [NOT] BETWEEN low AND high`. */
export interface SqlBetweenNode {
  readonly kind: "between";
  readonly operand: SqlNode;
  readonly low: SqlNode;
  readonly high: SqlNode;
  readonly negated: boolean;
}

/** `property [NOT] IN ('a', 'b')`. */
export interface SqlInNode {
  readonly kind: "in";
  readonly operand: SqlPropertyNode;
  readonly values: readonly string[];
  readonly negated: boolean;
}

/** `operand [NOT] CONTAINS|STARTSWITH|ENDSWITH 'text'`. */
export interface SqlMatchNode {
  readonly kind: "match";
  readonly operator: SqlMatchOperator;
  readonly operand: SqlNode;
  readonly pattern: string;
  readonly negated: boolean;
}

/** Any node of a SQL92 filter syntax tree. */
export type SqlNode =
  | SqlPropertyNode
  | SqlStringNode
  | SqlIntNode
  | SqlLongNode
  | SqlDoubleNode
  | SqlBooleanNode
  | SqlNullNode
  | SqlNegateNode
  | SqlNotNode
  | SqlLogicNode
  | SqlComparisonNode
  | SqlIsNullNode
  | SqlBetweenNode
  | SqlInNode
  | SqlMatchNode;

/** Node kinds Java types as `BooleanExpression` (allowed under AND/OR/NOT and at the top). */
const BOOLEAN_KINDS: ReadonlySet<SqlNode["kind"]> = new Set<SqlNode["kind"]>([
  "boolean",
  "null",
  "not",
  "and",
  "or",
  "compare",
  "isNull",
  "between",
  "in",
  "match",
]);

/** Whether Java types `node` as a `BooleanExpression` (TRUE, FALSE, NULL and every test). */
export function isBooleanSqlNode(node: SqlNode): boolean {
  return BOOLEAN_KINDS.has(node.kind);
}

/** Whether `node` is a Java `ConstantExpression` (a literal; `-1` is not one). */
export function isConstantSqlNode(node: SqlNode): boolean {
  switch (node.kind) {
    case "string":
    case "int":
    case "long":
    case "double":
    case "boolean":
    case "null":
      return true;
    default:
      return false;
  }
}
