/**
 * Goal: hostile input only ever yields `FilterError`, compiled filters never
 * throw while evaluating, and the printer is the parser's inverse. Method:
 * seeded fast-check runs (replay with `SEED=<n>`) over random text, random
 * token soup, and random well-formed syntax trees.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { propertySeed } from "../_test_util.ts";
import { compileSqlFilter } from "./sql_filter.ts";
import { FilterError } from "./filter_error.ts";
import { parseSqlExpression } from "./sql_parser.ts";
import { printSqlExpression } from "./sql_printer.ts";
import type { SqlNode } from "./sql_ast.ts";

const RESULTS = new Set(["true", "false", "unknown", "error"]);
const VOCABULARY = [
  "a",
  "b",
  "x1",
  "NOT",
  "not",
  "AND",
  "OR",
  "BETWEEN",
  "IN",
  "IS",
  "NULL",
  "TRUE",
  "FALSE",
  "CONTAINS",
  "STARTSWITH",
  "ENDSWITH",
  "=",
  "<>",
  ">",
  ">=",
  "<",
  "<=",
  "(",
  ")",
  ",",
  "+",
  "-",
  "'x'",
  "''",
  "'a''b'",
  "0",
  "5",
  "5L",
  "2147483648",
  "1.5",
  ".5",
  "1e3",
  "0.0",
  "1e999",
  "99999999999999999999",
  "--c\n",
  "/* c */",
  "'",
  "/*",
  "!",
  ".",
  "\u00a0",
];
const PROPERTY_VALUES = [
  "",
  "0",
  "5",
  "-5",
  "1.5",
  "x",
  "true",
  "TRUE",
  "1e3",
  "NaN",
  "9223372036854775808",
];

/** Compiles `text` and evaluates it over a few property sets; only FilterError may escape. */
function compileAndRun(text: string, values: readonly string[]): void {
  let filter;
  try {
    filter = compileSqlFilter(text);
  } catch (error) {
    if (error instanceof FilterError) return;
    throw error;
  }
  for (const value of values) {
    const result = filter.evaluateResult((name) => (name.length % 2 === 0 ? undefined : value));
    assert.ok(RESULTS.has(result));
    assert.equal(filter.evaluateResult(() => value), filter.evaluateResult(() => value));
  }
}

Deno.test("compileSqlFilter() throws only FilterError when the text is random", () => {
  const seed = propertySeed("sql random text");
  fc.assert(
    fc.property(
      fc.string({ unit: "binary", maxLength: 80 }),
      (text) => compileAndRun(text, PROPERTY_VALUES),
    ),
    { seed, numRuns: 2000 },
  );
});

Deno.test("compileSqlFilter() throws only FilterError when the text is random tokens", () => {
  const seed = propertySeed("sql token soup");
  const soup = fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 24 }).map((parts) =>
    parts.join(" ")
  );
  fc.assert(
    fc.property(soup, fc.subarray(PROPERTY_VALUES), (text, values) => compileAndRun(text, values)),
    { seed, numRuns: 3000 },
  );
});

const KEYWORDS = new Set(VOCABULARY.slice(3, 16).map((word) => word.toUpperCase()));
const name = fc.stringMatching(/^[a-zA-Z_$][a-zA-Z0-9_$]{0,5}$/).filter((text) =>
  !KEYWORDS.has(text.toUpperCase())
);
const property = name.map((text): SqlNode => ({ kind: "property", name: text }));
const literal: fc.Arbitrary<SqlNode> = fc.oneof(
  fc.string({ maxLength: 6 }).map((value): SqlNode => ({ kind: "string", value })),
  fc.integer({ min: 0, max: 2147483647 }).map((value): SqlNode => ({ kind: "int", value })),
  fc.bigInt({ min: 2n ** 31n, max: 2n ** 63n - 1n }).map((value): SqlNode => ({
    kind: "long",
    value,
  })),
  fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true })
    .map((value): SqlNode => ({ kind: "double", value })),
  fc.boolean().map((value): SqlNode => ({ kind: "boolean", value })),
  fc.constant<SqlNode>({ kind: "null" }),
);

const trees = fc.letrec<{ value: SqlNode; test: SqlNode }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    property,
    literal,
    tie("value").map((operand): SqlNode => ({ kind: "negate", operand })),
    tie("test"),
  ),
  test: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    property,
    fc.record({
      kind: fc.constant("compare" as const),
      operator: fc.constantFrom(
        "=" as const,
        "<>" as const,
        ">" as const,
        ">=" as const,
        "<" as const,
        "<=" as const,
      ),
      left: tie("value"),
      right: tie("value"),
    }),
    fc.record({
      kind: fc.constant("isNull" as const),
      operand: tie("value"),
      negated: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant("between" as const),
      operand: tie("value"),
      low: tie("value"),
      high: tie("value"),
      negated: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant("in" as const),
      operand: name.map((text) => ({ kind: "property" as const, name: text })),
      values: fc.array(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 4 }),
      negated: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant("match" as const),
      operator: fc.constantFrom("CONTAINS" as const, "STARTSWITH" as const, "ENDSWITH" as const),
      operand: tie("value"),
      pattern: fc.string({ maxLength: 4 }),
      negated: fc.boolean(),
    }),
    tie("test").map((operand): SqlNode => ({ kind: "not", operand })),
    fc.record({
      kind: fc.constantFrom("and" as const, "or" as const),
      operands: fc.array(tie("test"), { minLength: 2, maxLength: 4 }),
    }),
  ),
})).test as fc.Arbitrary<SqlNode>;

/** A copy with ordinary prototypes (fast-check records have none), for deep equality. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
}

/** Trees that pass Java's parse-time checks; the rest are dropped by the generator. */
const validTrees = trees.filter((tree) => {
  try {
    parseSqlExpression(printSqlExpression(tree));
    return true;
  } catch (error) {
    if (error instanceof FilterError) return false;
    throw error;
  }
});

Deno.test("printSqlExpression() output parses back to the same tree when the tree is well formed", () => {
  const seed = propertySeed("sql print round trip");
  fc.assert(
    fc.property(validTrees, (tree) => {
      const text = printSqlExpression(tree);
      const reparsed = parseSqlExpression(text);
      assert.deepEqual(plain(reparsed), plain(tree));
      assert.equal(printSqlExpression(reparsed), text);
      compileAndRun(text, PROPERTY_VALUES);
    }),
    { seed, numRuns: 1000 },
  );
});
