/**
 * Prints a SQL92 filter syntax tree back as text that parses to the same
 * tree: every compound node in parentheses, strings quoted with `''`, doubles
 * always with a point or an exponent so they stay doubles.
 *
 * Runs on: any
 * @module
 */
import type { SqlNode } from "./sql_ast.ts";

/** Quotes `value` as a SQL string literal, doubling single quotes. */
export function quoteSqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function formatDouble(value: number): string {
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

/**
 * Prints `node` as a fully parenthesized expression.
 *
 * @example
 * ```ts
 * import { parseSqlExpression } from "./sql_parser.ts";
 * import { printSqlExpression } from "./sql_printer.ts";
 * printSqlExpression(parseSqlExpression("a = 1 and b is not null"));
 * // "((a = 1) AND (b IS NOT NULL))"
 * ```
 */
export function printSqlExpression(node: SqlNode): string {
  switch (node.kind) {
    case "property":
      return node.name;
    case "string":
      return quoteSqlString(node.value);
    case "int":
    case "long":
      return String(node.value);
    case "double":
      return formatDouble(node.value);
    case "boolean":
      return node.value ? "TRUE" : "FALSE";
    case "null":
      return "NULL";
    case "negate":
      return `-(${printSqlExpression(node.operand)})`;
    case "not":
      return `NOT (${printSqlExpression(node.operand)})`;
    case "and":
    case "or": {
      const joiner = node.kind === "and" ? " AND " : " OR ";
      return `(${node.operands.map(printSqlExpression).join(joiner)})`;
    }
    case "compare":
      return `(${printSqlExpression(node.left)} ${node.operator} ${
        printSqlExpression(node.right)
      })`;
    case "isNull":
      return `(${printSqlExpression(node.operand)} IS ${node.negated ? "NOT " : ""}NULL)`;
    case "between": {
      const not = node.negated ? "NOT " : "";
      const range = `${printSqlExpression(node.low)} AND ${printSqlExpression(node.high)}`;
      return `(${printSqlExpression(node.operand)} ${not}BETWEEN ${range})`;
    }
    case "in": {
      const values = node.values.map(quoteSqlString).join(", ");
      return `(${node.operand.name} ${node.negated ? "NOT " : ""}IN (${values}))`;
    }
    case "match": {
      const not = node.negated ? "NOT " : "";
      return `(${printSqlExpression(node.operand)} ${not}${node.operator} ${
        quoteSqlString(node.pattern)
      })`;
    }
  }
}
