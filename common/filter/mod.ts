/**
 * Public surface of `common/filter/`: message filters of RocketMQ
 * subscriptions. Tag expressions (`TagA || TagB`, `*`) with Java's hash
 * codes, and SQL92 property filters (RocketMQ's `org.apache.rocketmq.filter`
 * grammar, 5.x flavour with `CONTAINS`/`STARTSWITH`/`ENDSWITH`): a parser with
 * Java's parse-time checks, a printer, and an evaluator with Java's
 * three-valued semantics. Pure code, no I/O.
 *
 * @example
 * ```ts
 * import { compileSqlFilter, parseTagExpression, propertyLookup, tagMatches } from "./mod.ts";
 * compileSqlFilter("a > 5").evaluate(propertyLookup({ a: "7" })); // true
 * tagMatches(parseTagExpression("TagA || TagB"), "TagB"); // true
 * ```
 *
 * Runs on: any
 * @module
 */
export { FilterError } from "./filter_error.ts";
export type { FilterErrorOptions } from "./filter_error.ts";
export { SQL_FILTER_MAX_CHARS, SQL_FILTER_MAX_DEPTH } from "./filter_limits.ts";
export { compileSqlFilter, propertyLookup } from "./sql_filter.ts";
export type { PropertyLookup, SqlFilter, SqlFilterResult } from "./sql_filter.ts";
export { parseSqlExpression } from "./sql_parser.ts";
export { printSqlExpression, quoteSqlString } from "./sql_printer.ts";
export { tokenizeSql } from "./sql_lexer.ts";
export type { SqlKeyword, SqlPunctuation, SqlToken } from "./sql_lexer.ts";
export { isBooleanSqlNode, isConstantSqlNode } from "./sql_ast.ts";
export type {
  SqlBetweenNode,
  SqlBooleanNode,
  SqlComparisonNode,
  SqlComparisonOperator,
  SqlDoubleNode,
  SqlInNode,
  SqlIntNode,
  SqlIsNullNode,
  SqlLogicNode,
  SqlLongNode,
  SqlMatchNode,
  SqlMatchOperator,
  SqlNegateNode,
  SqlNode,
  SqlNotNode,
  SqlNullNode,
  SqlPropertyNode,
  SqlStringNode,
} from "./sql_ast.ts";
export {
  isTagExpressionType,
  parseTagExpression,
  SUB_ALL,
  tagCodeMatches,
  tagMatches,
} from "./tag_expression.ts";
export type { ExpressionType, TagExpression } from "./tag_expression.ts";
