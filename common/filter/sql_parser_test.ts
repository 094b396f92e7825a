/**
 * Goal: the parser builds Java's tree shapes (precedence, associativity, the
 * quirk that prefix NOT binds tighter than comparisons) and refuses what
 * Java's factories refuse, naming the position. Method: print the parsed tree
 * fully parenthesized and compare, and check error positions.
 */
import assert from "node:assert/strict";
import { parseSqlExpression } from "./sql_parser.ts";
import { printSqlExpression } from "./sql_printer.ts";
import { FilterError } from "./filter_error.ts";
import { SQL_FILTER_MAX_CHARS, SQL_FILTER_MAX_DEPTH } from "./filter_limits.ts";

function shape(text: string): string {
  return printSqlExpression(parseSqlExpression(text));
}

function refuses(text: string, position: number, pattern: RegExp): void {
  assert.throws(() => parseSqlExpression(text), (error: unknown) => {
    const shown = text.slice(0, 80);
    assert.ok(error instanceof FilterError, `${shown}: ${String(error)}`);
    assert.equal(error.position, position, `${shown}: ${error.message.slice(0, 200)}`);
    assert.match(error.message, pattern);
    assert.match(error.message, /^Invalid filter expression: /);
    return true;
  }, text.slice(0, 80));
}

Deno.test("parseSqlExpression() binds AND tighter than OR and chains them flat", () => {
  assert.equal(shape("a=1 or b=2 and c=3"), "((a = 1) OR ((b = 2) AND (c = 3)))");
  assert.equal(shape("a=1 and b=2 and c=3"), "((a = 1) AND (b = 2) AND (c = 3))");
  assert.equal(shape("(a=1 or b=2) and c=3"), "(((a = 1) OR (b = 2)) AND (c = 3))");
  assert.equal(shape("a=1 and (b=2 and c=3)"), "((a = 1) AND ((b = 2) AND (c = 3)))");
});

Deno.test("parseSqlExpression() binds relational operators tighter than = and <>", () => {
  assert.equal(shape("a > 1 = TRUE"), "((a > 1) = TRUE)");
  assert.equal(shape("a = 1 = TRUE"), "((a = 1) = TRUE)");
  assert.equal(shape("a between 1 and 2 = b"), "((a BETWEEN 1 AND 2) = b)");
  assert.equal(shape("a is null is not null"), "((a IS NULL) IS NOT NULL)");
});

Deno.test("parseSqlExpression() binds prefix NOT tighter than comparisons as Java does", () => {
  assert.equal(shape("NOT a = 'b'"), "(NOT (a) = 'b')");
  assert.equal(shape("not (a = 'b')"), "NOT ((a = 'b'))");
  assert.equal(shape("NOT NOT a"), "NOT (NOT (a))");
  refuses("NOT a > 1", 6, /"NOT \(a\)" cannot be compared with ">"/);
  refuses("NOT a IN ('x')", 6, /IN needs a property/);
});

Deno.test("parseSqlExpression() reads the negated forms of BETWEEN, IN and the string tests", () => {
  assert.equal(shape("a NOT BETWEEN -1 AND 2"), "(a NOT BETWEEN -(1) AND 2)");
  assert.equal(shape("a not in ('x','y''z')"), "(a NOT IN ('x', 'y''z'))");
  assert.equal(shape("a not startswith 'p'"), "(a NOT STARTSWITH 'p')");
  assert.equal(shape("'axb' contains 'x'"), "('axb' CONTAINS 'x')");
  assert.equal(shape("a endswith ''"), "(a ENDSWITH '')");
});

Deno.test("parseSqlExpression() types decimal literals as int or long and floats as double", () => {
  const int = parseSqlExpression("a = 2147483647");
  assert.deepEqual(int.kind === "compare" && int.right, { kind: "int", value: 2147483647 });
  const long = parseSqlExpression("a = 2147483648L");
  assert.deepEqual(long.kind === "compare" && long.right, { kind: "long", value: 2147483648n });
  const double = parseSqlExpression("a > 5.");
  assert.deepEqual(double.kind === "compare" && double.right, { kind: "double", value: 5 });
  assert.equal(shape("a > 3.1E10"), "(a > 31000000000.0)");
  assert.equal(shape("a > 1e21"), "(a > 1e+21)");
});

Deno.test("parseSqlExpression() drops unary plus and parentheses from the tree", () => {
  assert.equal(shape("+a in ('x')"), "(a IN ('x'))");
  assert.equal(shape("((a))"), "a");
  assert.equal(shape("- -5 < a"), "(-(-(5)) < a)");
});

Deno.test("parseSqlExpression() accepts a lone property, TRUE, FALSE and NULL", () => {
  assert.equal(shape("a"), "a");
  assert.equal(shape("TRUE"), "TRUE");
  assert.equal(shape("null"), "NULL");
  assert.equal(shape("a <= now"), "(a <= now)");
});

Deno.test("parseSqlExpression() refuses syntax errors and says what was expected where", () => {
  refuses("", 0, /expected an expression but found end of input/);
  refuses("a and between 2 and 10", 6, /expected an expression but found "between"/);
  refuses("a = 1 b = 2", 6, /expected an operator or the end of the expression but found "b"/);
  refuses("(a = 1", 6, /expected "\)" but found end of input/);
  refuses("a in ()", 6, /expected a string literal but found "\)"/);
  refuses("a in ('x' 'y')", 10, /expected "\)"/);
  refuses("a between 1 or 2", 12, /expected AND but found "or"/);
  refuses("a is 5", 5, /expected NULL or NOT NULL but found "5"/);
  refuses("a is not", 8, /expected NULL but found end of input/);
  refuses("a contains 123", 11, /expected a string literal/);
  refuses("a not x", 2, /expected an operator or the end/);
});

Deno.test("parseSqlExpression() refuses operands Java's factories refuse", () => {
  refuses("a > 'abc'", 2, /"'abc'" cannot be compared with ">"/);
  refuses("a <= TRUE", 2, /"TRUE" cannot be compared/);
  refuses("(a = 1) > 0", 8, /"\(a = 1\)" cannot be compared with ">"/);
  refuses("a = NULL", 2, /NULL cannot be compared with "="/);
  refuses("NULL <> a", 5, /NULL cannot be compared/);
  refuses("TRUE = 1", 5, /"TRUE" cannot be compared with "1"/);
  refuses("'x' in ('x')", 4, /IN needs a property on its left/);
  refuses("a between 'x' and 'y'", 2, /"'x'" cannot be compared with "BETWEEN"/);
});

Deno.test("parseSqlExpression() accepts operand pairs Java's checks let through", () => {
  assert.equal(shape("1 = TRUE"), "(1 = TRUE)");
  assert.equal(shape("TRUE = FALSE"), "(TRUE = FALSE)");
  assert.equal(shape("NULL is null"), "(NULL IS NULL)");
  assert.equal(shape("a = 'x' OR b"), "((a = 'x') OR b)");
  assert.equal(shape("a not between 10 and 0"), "(a NOT BETWEEN 10 AND 0)");
  assert.equal(shape("a between -10 and -20"), "(a BETWEEN -(10) AND -(20))");
});

Deno.test("parseSqlExpression() refuses non-boolean expressions where a boolean is needed", () => {
  refuses("'abc'", 0, /"'abc'" does not give a boolean value/);
  refuses("5", 0, /does not give a boolean value/);
  refuses("-a", 0, /"-\(a\)" does not give a boolean value/);
  refuses("a = 1 and 5", 10, /"5" does not give a boolean value/);
  refuses("NOT 'x'", 4, /does not give a boolean value/);
});

Deno.test("parseSqlExpression() refuses BETWEEN literal bounds that are NULL or reversed", () => {
  refuses(" a between 10 and 0", 3, /low bound "10" is greater than high bound "0"/);
  refuses("a between 1.5 and 1", 2, /greater than/);
  refuses("a between NULL and 1", 2, /BETWEEN bounds cannot be NULL/);
  assert.equal(shape("a between 1 and 1.0"), "(a BETWEEN 1 AND 1.0)");
});

Deno.test("parseSqlExpression() refuses literals outside Java's ranges", () => {
  refuses("a > 100000000000000000000000", 4, /out of the long range/);
  refuses("a > 9223372036854775808", 4, /out of the long range/);
  assert.equal(shape("a > 9223372036854775807"), "(a > 9223372036854775807)");
  refuses("a > 1e400", 4, /too large for a double/);
  refuses("a > 0.0", 4, /smaller than the least positive double/);
  refuses("a > 1e-400", 4, /smaller than the least positive double/);
  refuses(`a > 1${"1".repeat(400)}.5`, 4, /too large for a double/);
});

Deno.test("parseSqlExpression() refuses input longer or deeper than the limits", () => {
  refuses(`a = '${"x".repeat(SQL_FILTER_MAX_CHARS)}'`, SQL_FILTER_MAX_CHARS, /more than the limit/);
  const deep = `${"(".repeat(SQL_FILTER_MAX_DEPTH + 1)}a${")".repeat(SQL_FILTER_MAX_DEPTH + 1)}`;
  refuses(deep, SQL_FILTER_MAX_DEPTH, /nested deeper than 64 levels/);
  refuses(`${"NOT ".repeat(1000)}a`, 4 * SQL_FILTER_MAX_DEPTH, /nested deeper/);
  refuses(`a${" = TRUE".repeat(SQL_FILTER_MAX_DEPTH)}`, 2 + 7 * 63, /nested deeper/);
  assert.equal(
    shape(`${"(".repeat(SQL_FILTER_MAX_DEPTH - 1)}a${")".repeat(SQL_FILTER_MAX_DEPTH - 1)}`),
    "a",
  );
});

Deno.test("parseSqlExpression() accepts a long flat OR chain without deep recursion", () => {
  const terms = Array.from({ length: 5000 }, (_, i) => `a = ${i}`).join(" OR ");
  const node = parseSqlExpression(terms);
  assert.equal(node.kind === "or" ? node.operands.length : 0, 5000);
});
