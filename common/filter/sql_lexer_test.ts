/**
 * Goal: the tokenizer follows `SelectorParser.jj`'s token rules. Method: feed
 * small inputs that sit on each rule's edge and compare the token list.
 */
import assert from "node:assert/strict";
import { tokenizeSql } from "./sql_lexer.ts";
import { FilterError } from "./filter_error.ts";

function shapes(text: string): string[] {
  return tokenizeSql(text).map((t) => `${t.type}:${t.text}`);
}

Deno.test("tokenizeSql() reads keywords in any case and identifiers with _ and $", () => {
  assert.deepEqual(shapes("aNd Or nOt _x $y a1 notx"), [
    "keyword:aNd",
    "keyword:Or",
    "keyword:nOt",
    "identifier:_x",
    "identifier:$y",
    "identifier:a1",
    "identifier:notx",
    "end:",
  ]);
  const keyword = tokenizeSql("startsWith")[0];
  assert.equal(keyword?.type === "keyword" ? keyword.keyword : "", "STARTSWITH");
});

Deno.test("tokenizeSql() splits numbers by the longest match like JavaCC", () => {
  assert.deepEqual(shapes("5L 12l 0L 007 5. .5 5e3 1.5E-3 5e"), [
    "decimal:5L",
    "decimal:12l",
    "decimal:0",
    "identifier:L",
    "decimal:0",
    "decimal:0",
    "decimal:7",
    "float:5.",
    "float:.5",
    "float:5e3",
    "float:1.5E-3",
    "decimal:5",
    "identifier:e",
    "end:",
  ]);
});

Deno.test("tokenizeSql() decodes '' inside strings and keeps newlines", () => {
  const [token] = tokenizeSql("'it''s\na'");
  assert.equal(token?.type, "string");
  assert.equal(token?.type === "string" ? token.value : "", "it's\na");
  const [empty] = tokenizeSql("''");
  assert.equal(empty?.type === "string" ? empty.value : "x", "");
});

Deno.test("tokenizeSql() reads two-character operators before one-character ones", () => {
  assert.deepEqual(shapes("<>>=<=<>=(),+-"), [
    "punctuation:<>",
    "punctuation:>=",
    "punctuation:<=",
    "punctuation:<>",
    "punctuation:=",
    "punctuation:(",
    "punctuation:)",
    "punctuation:,",
    "punctuation:+",
    "punctuation:-",
    "end:",
  ]);
});

Deno.test("tokenizeSql() skips comments and needs a line end after --", () => {
  assert.deepEqual(shapes("a -- note\n/* block ** */ b"), ["identifier:a", "identifier:b", "end:"]);
  assert.deepEqual(shapes("a --5"), [
    "identifier:a",
    "punctuation:-",
    "punctuation:-",
    "decimal:5",
    "end:",
  ]);
  assert.deepEqual(shapes("a --x\r\nb"), ["identifier:a", "identifier:b", "end:"]);
});

Deno.test("tokenizeSql() records positions and ends with an end token", () => {
  const tokens = tokenizeSql("  ab  = 'x'");
  assert.deepEqual(tokens.map((t) => t.position), [2, 6, 8, 11]);
});

Deno.test("tokenizeSql() throws FilterError with the position when a character is unknown", () => {
  for (
    const [text, position] of [["a != 1", 2], ["a.b", 1], ['a = "x"', 4], ["a\u00a0", 1]] as const
  ) {
    assert.throws(() => tokenizeSql(text), (error: unknown) => {
      assert.ok(error instanceof FilterError);
      assert.equal(error.position, position);
      assert.equal(error.code, "FILTER_ERROR");
      return true;
    });
  }
});

Deno.test("tokenizeSql() throws FilterError when a string or comment is not closed", () => {
  assert.throws(() => tokenizeSql("a = 'x"), /unterminated string literal at position 4/);
  assert.throws(() => tokenizeSql("a = 'x''"), /unterminated string literal/);
  assert.throws(() => tokenizeSql("a /*/ b"), /unterminated comment at position 2/);
});
