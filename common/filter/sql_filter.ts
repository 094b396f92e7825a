/**
 * A compiled SQL92 message filter (`expressionType` `SQL92`), as a broker
 * evaluates it against a message's properties with `enablePropertyFilter`.
 * Java's `ExpressionMessageFilter` counts a message as matching only when the
 * expression is true: false, unknown (null) and a failed evaluation (logged
 * by Java) all reject it.
 *
 * Runs on: any
 * @module
 */
import type { SqlNode } from "./sql_ast.ts";
import { parseSqlExpression } from "./sql_parser.ts";
import { compileBoolean } from "./sql_evaluator.ts";
import type { PropertyLookup } from "./sql_evaluator.ts";
import { EvaluationFailure } from "./_java_values.ts";

export type { PropertyLookup } from "./sql_evaluator.ts";

/**
 * The outcome of one evaluation: `"unknown"` is SQL's null (such as a
 * comparison with a missing property), `"error"` where Java throws (such as
 * `a > 5` when `a` is `"x"`, or `a = 5` when `a` is `"5.5"`).
 */
export type SqlFilterResult = "true" | "false" | "unknown" | "error";

/** A compiled SQL92 filter. */
export interface SqlFilter {
  /** The expression text it was compiled from. */
  readonly expression: string;
  /** The syntax tree. */
  readonly ast: SqlNode;
  /** Names of the properties it reads, in order of first use. */
  readonly propertyNames: readonly string[];
  /** Whether a message with these properties matches (only `"true"` matches). */
  evaluate(properties: PropertyLookup): boolean;
  /** The detailed outcome, for diagnostics and tests. */
  evaluateResult(properties: PropertyLookup): SqlFilterResult;
}

function collectPropertyNames(root: SqlNode): string[] {
  const names = new Set<string>();
  const pending: SqlNode[] = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    switch (node.kind) {
      case "property":
        names.add(node.name);
        break;
      case "negate":
      case "not":
      case "isNull":
      case "in":
      case "match":
        pending.push(node.operand);
        break;
      case "and":
      case "or":
        for (let i = node.operands.length - 1; i >= 0; i--) pending.push(node.operands[i]!);
        break;
      case "compare":
        pending.push(node.right, node.left);
        break;
      case "between":
        pending.push(node.high, node.low, node.operand);
        break;
      default:
        break;
    }
  }
  return [...names];
}

/**
 * Compiles a SQL92 filter expression (RocketMQ 5.x grammar, including
 * `CONTAINS`, `STARTSWITH` and `ENDSWITH`). Throws `FilterError` naming the
 * position and what was expected when the expression is invalid.
 *
 * @example
 * ```ts
 * import { compileSqlFilter, propertyLookup } from "./mod.ts";
 * const filter = compileSqlFilter("region = 'eu' AND price BETWEEN 10 AND 20");
 * filter.evaluate(propertyLookup({ region: "eu", price: "15" })); // true
 * filter.evaluate(propertyLookup({ region: "eu" })); // false (price unknown)
 * ```
 */
export function compileSqlFilter(expression: string): SqlFilter {
  const ast = parseSqlExpression(expression);
  const root = compileBoolean(ast);
  const evaluateResult = (properties: PropertyLookup): SqlFilterResult => {
    try {
      const value = root(properties);
      return value === null ? "unknown" : (value ? "true" : "false");
    } catch (error) {
      if (error instanceof EvaluationFailure) return "error";
      throw error;
    }
  };
  return {
    expression,
    ast,
    propertyNames: collectPropertyNames(ast),
    evaluate: (properties) => evaluateResult(properties) === "true",
    evaluateResult,
  };
}

/**
 * A `PropertyLookup` over a `Map` or a plain record; only own keys count, so
 * `constructor` or `__proto__` never resolve to inherited members.
 */
export function propertyLookup(
  properties: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
): PropertyLookup {
  if (properties instanceof Map) return (name) => properties.get(name);
  const record = properties as Readonly<Record<string, string>>;
  return (name) => Object.hasOwn(record, name) ? record[name] : undefined;
}
