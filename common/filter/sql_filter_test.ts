/**
 * Goal: evaluation gives Java's answers, including its three-valued logic and
 * the cases where Java throws (which the broker treats as no match). Method:
 * compile expressions modelled on RocketMQ's own filter test semantics and
 * check `evaluateResult` against the outcome Java's expression classes give.
 */
import assert from "node:assert/strict";
import { compileSqlFilter, propertyLookup } from "./sql_filter.ts";
import type { SqlFilterResult } from "./sql_filter.ts";

type Case = readonly [Record<string, string>, SqlFilterResult];

function check(expression: string, cases: readonly Case[]): void {
  const filter = compileSqlFilter(expression);
  for (const [properties, expected] of cases) {
    const lookup = propertyLookup(properties);
    const label = `${expression} with ${JSON.stringify(properties)}`;
    assert.equal(filter.evaluateResult(lookup), expected, label);
    assert.equal(filter.evaluate(lookup), expected === "true", label);
  }
}

Deno.test("compileSqlFilter() evaluates AND and OR chains of comparisons", () => {
  const and = "a=3 and b<>4 And c>5 AND d<=4";
  check(and, [
    [{ a: "3", b: "5", c: "6", d: "4" }, "true"],
    [{ a: "3", b: "4", c: "6", d: "4" }, "false"],
    [{ a: "3", b: "5", c: "6" }, "unknown"],
    [{ a: "2", c: "x" }, "false"],
  ]);
  check("a=3 or b<>4 Or c>5 OR d<=4", [
    [{ a: "1", b: "4", c: "5", d: "5" }, "false"],
    [{ d: "3" }, "true"],
    [{ a: "1" }, "unknown"],
  ]);
});

Deno.test("compileSqlFilter() treats a missing property as unknown in comparisons", () => {
  for (
    const expression of [
      "a = 'x'",
      "a <> 'x'",
      "a > 1",
      "a between 1 and 2",
      "a not between 1 and 2",
    ]
  ) {
    check(expression, [[{}, "unknown"]]);
  }
  check("a in ('x')", [[{}, "unknown"]]);
  check("a not in ('x')", [[{}, "unknown"], [{ a: "y" }, "true"], [{ a: "x" }, "false"]]);
});

Deno.test("compileSqlFilter() makes = true when both sides are missing, as Java does", () => {
  check("a = b", [[{}, "true"], [{ a: "1" }, "false"], [{ b: "1" }, "unknown"]]);
  check("a <> b", [[{}, "false"], [{ a: "3.14", b: "3.14" }, "false"], [
    { a: "3.14", b: "3.141" },
    "true",
  ]]);
});

Deno.test("compileSqlFilter() evaluates IS NULL and IS NOT NULL without unknowns", () => {
  check("a is null", [[{}, "true"], [{ a: "" }, "false"]]);
  check("a is not null", [[{}, "false"], [{ a: "x" }, "true"]]);
  check("a is null OR a='hello'", [[{}, "true"], [{ a: "hello" }, "true"], [
    { a: "abc" },
    "false",
  ]]);
  check("a is not null and a='hello'", [[{ a: "hello" }, "true"], [{}, "false"]]);
  check("(a = 1) is null", [[{}, "true"], [{ a: "1" }, "false"]]);
});

Deno.test("compileSqlFilter() applies three-valued logic to AND, OR and NOT", () => {
  check("a = 1 AND b = 1", [[{ b: "2" }, "false"], [{ b: "1" }, "unknown"]]);
  check("a = 1 OR b = 1", [[{ b: "1" }, "true"], [{ b: "2" }, "unknown"]]);
  check("NOT (a = 1)", [[{}, "unknown"], [{ a: "1" }, "false"], [{ a: "2" }, "true"]]);
  check("NOT a", [[{}, "unknown"], [{ a: "true" }, "true"]]);
  check("TRUE", [[{}, "true"]]);
  check("NULL", [[{}, "unknown"]]);
  check("NOT NULL", [[{}, "unknown"]]);
});

Deno.test("compileSqlFilter() casts a lone property to false, never true", () => {
  check("a", [[{}, "unknown"], [{ a: "true" }, "false"]]);
  check("a OR b = 'x'", [[{ a: "true", b: "x" }, "true"], [{ a: "true" }, "unknown"]]);
});

Deno.test("compileSqlFilter() never matches prefix NOT before a comparison", () => {
  // Java parses NOT a = 'b' as (NOT a) = 'b': Boolean against String fails.
  check("NOT a = 'b'", [[{ a: "b" }, "error"], [{ a: "c" }, "error"], [{}, "unknown"]]);
});

Deno.test("compileSqlFilter() compares a string with a number as that number's Java type", () => {
  check("a > 5", [[{ a: "6" }, "true"], [{ a: "5" }, "false"], [{ a: "5.5" }, "error"], [
    { a: "x" },
    "error",
  ]]);
  check("a > 5.0", [[{ a: "5.5" }, "true"], [{ a: " 6 " }, "true"], [{ a: "1e1" }, "true"]]);
  check("a = 10", [[{ a: "10" }, "true"], [{ a: "+10" }, "true"], [{ a: "010" }, "true"], [{
    a: "10.0",
  }, "error"]]);
  check("a = 10000000000", [[{ a: "10000000000" }, "true"], [{ a: "1" }, "false"]]);
  check("a > 3.1E10", [[{ a: "3.1415E10" }, "true"]]);
  check("a > 3.14", [[{ a: "3.1415" }, "true"]]);
  check("a < -5", [[{ a: "-6" }, "true"], [{ a: "-4" }, "false"]]);
});

Deno.test("compileSqlFilter() compares two string properties as doubles with > and as strings with =", () => {
  check("a > b", [[{ a: "10", b: "20" }, "false"], [{ a: "20", b: "10" }, "true"], [{
    a: "x",
    b: "1",
  }, "error"]]);
  check("a >= b", [[{ a: "-0.0", b: "0" }, "false"], [{ a: "NaN", b: "Infinity" }, "true"]]);
  check("a = b", [[{ a: "1.0", b: "1" }, "false"], [{ a: "x", b: "x" }, "true"]]);
  check("a = '1'", [[{ a: "01" }, "false"], [{ a: "1" }, "true"]]);
});

Deno.test("compileSqlFilter() fails evaluation where Java throws, even if OR could be true", () => {
  check("a = 5 OR TRUE", [[{ a: "x" }, "error"], [{}, "true"]]);
  check("TRUE OR a = 5", [[{ a: "x" }, "true"]]);
  check("a between up and low", [[{ a: "3.14" }, "unknown"], [
    { a: "3.14", up: "up", low: "low" },
    "error",
  ]]);
  check("a between 0 and 100", [[{ a: "abc" }, "error"], [{ a: "50" }, "true"], [
    { a: "100" },
    "true",
  ]]);
});

Deno.test("compileSqlFilter() compares booleans as Java does", () => {
  check("a=TRUE OR b=FALSE", [[{ a: "true", b: "false" }, "true"], [
    { a: "false", b: "true" },
    "false",
  ]]);
  check("a = TRUE", [[{ a: "TRUE" }, "true"], [{ a: "yes" }, "false"]]);
  check("(a = 1) = TRUE", [[{ a: "1" }, "true"], [{ a: "2" }, "false"], [{}, "unknown"]]);
  check("1 = TRUE", [[{}, "false"]]);
  check("TRUE = a", [[{ a: "true" }, "error"], [{}, "false"]]);
});

Deno.test("compileSqlFilter() evaluates BETWEEN and NOT BETWEEN as AND and OR of comparisons", () => {
  check("a between 2 and 10", [
    [{ a: "2" }, "true"],
    [{ a: "10" }, "true"],
    [{ a: "11" }, "false"],
    [{ a: "1" }, "false"],
  ]);
  check("a not between 2 and 10", [[{ a: "1" }, "true"], [{ a: "5" }, "false"], [
    { a: "11" },
    "true",
  ]]);
  check("a between b and 10", [[{ a: "1", b: "2" }, "false"], [{ a: "1" }, "unknown"], [
    { a: "11" },
    "false",
  ]]);
  check("a not between b and 10", [[{ a: "11" }, "true"], [{ a: "5" }, "unknown"]]);
  check("a between -(5) and -1", [[{ a: "-3" }, "true"]]);
});

Deno.test("compileSqlFilter() matches IN lists exactly and without conversion", () => {
  check("a in ('3', '4', '5')", [[{ a: "3" }, "true"], [{ a: "03" }, "false"], [
    { a: "6" },
    "false",
  ]]);
  check("a not in ('4', '4', '5')", [[{ a: "3" }, "true"], [{ a: "4" }, "false"]]);
  const many = Array.from({ length: 200 }, (_, i) => `'v${i}'`).join(",");
  check(`a in (${many})`, [[{ a: "v199" }, "true"], [{ a: "v200" }, "false"]]);
});

Deno.test("compileSqlFilter() evaluates CONTAINS, STARTSWITH and ENDSWITH as RocketMQ 5.x does", () => {
  check("value contains 'x' AND value startswith 'ax' AND value endswith 'xb'", [[
    { value: "axb" },
    "true",
  ]]);
  check("value not contains 'x'", [[{ value: "axb" }, "false"], [{ value: "abc" }, "true"], [
    {},
    "false",
  ]]);
  check("value contains ''", [[{ value: "axb" }, "false"]]);
  check("value not endswith ''", [[{ value: "axb" }, "false"]]);
  check("value startswith 'x'", [[{}, "false"]]);
  check("' ' contains ' '", [[{}, "true"]]);
  check("'axb' not startswith 'u'", [[{}, "true"]]);
  check("'s' contains '\\'", [[{}, "false"]]);
  check("(a = 1) contains 'x'", [[{ a: "1" }, "false"]]);
});

Deno.test("compileSqlFilter() decodes doubled quotes inside string literals", () => {
  check("TAGS is not null and TAGS='''''tag'''''", [[{ TAGS: "''tag''" }, "true"], [
    { TAGS: "tag" },
    "false",
  ]]);
});

Deno.test("compileSqlFilter() gives null for negated non-numbers", () => {
  check("-a = 1", [[{ a: "-1" }, "unknown"]]);
  check("-a is null", [[{ a: "1" }, "true"]]);
  check("-'x' is null", [[{}, "true"]]);
});

Deno.test("compileSqlFilter() lists the properties it reads and keeps its text", () => {
  const filter = compileSqlFilter("b = 1 and (a between c and 5 or b in ('x')) and d contains 'q'");
  assert.deepEqual(filter.propertyNames, ["b", "a", "c", "d"]);
  assert.equal(filter.expression, "b = 1 and (a between c and 5 or b in ('x')) and d contains 'q'");
  assert.equal(filter.ast.kind, "and");
});

Deno.test("propertyLookup() reads own keys of records and maps only", () => {
  const filter = compileSqlFilter("constructor is null AND toString is null AND a = 'x'");
  assert.equal(filter.evaluate(propertyLookup({ a: "x" })), true);
  assert.equal(filter.evaluate(propertyLookup(new Map([["a", "x"]]))), true);
  assert.equal(filter.evaluate(propertyLookup(new Map([["a", "x"], ["constructor", "1"]]))), false);
});
