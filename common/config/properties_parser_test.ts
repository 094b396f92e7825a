/**
 * Tests of the Java properties parser: each case feeds a small text and checks
 * the entries (key, value, line) or the error, following `Properties.load`.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { parsePropertiesText } from "./properties_parser.ts";

const pairs = (text: string) => parsePropertiesText(text).map((e) => [e.key, e.value]);

Deno.test("parsePropertiesText() reads every separator form RocketMQ files use", () => {
  const text = "a=1\nb = 2\nc:3\nd 4\n  e\t=\t5\nf\n";
  assert.deepEqual(pairs(text), [["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"], ["e", "5"], [
    "f",
    "",
  ]]);
});

Deno.test("parsePropertiesText() skips comments and blank lines and keeps line numbers", () => {
  const entries = parsePropertiesText("# comment\n! other\n\n   \nlistenPort=10911\r\nx=y");
  assert.deepEqual(entries, [
    { key: "listenPort", value: "10911", line: 5 },
    { key: "x", value: "y", line: 6 },
  ]);
});

Deno.test("parsePropertiesText() joins continuation lines and strips their indent", () => {
  const entries = parsePropertiesText("levels=1s 5s \\\n    10s\\\n  30s\nnext=1\n");
  assert.deepEqual(entries, [
    { key: "levels", value: "1s 5s 10s30s", line: 1 },
    { key: "next", value: "1", line: 4 },
  ]);
});

Deno.test("parsePropertiesText() keeps an even run of backslashes as an escaped backslash", () => {
  assert.deepEqual(pairs("path=C:\\\\dir\\\\\nnext=1"), [["path", "C:\\dir\\"], ["next", "1"]]);
});

Deno.test("parsePropertiesText() resolves escapes in keys and values", () => {
  assert.deepEqual(pairs("my\\ key\\=x=a\\tb\\nc\\\\d\\u00e9\\q"), [[
    "my key=x",
    "a\tb\nc\\dé" + "q",
  ]]);
});

Deno.test("parsePropertiesText() lets a later key win", () => {
  const entries = parsePropertiesText("a=1\nb=2\na=3\n");
  assert.deepEqual(entries, [{ key: "b", value: "2", line: 2 }, { key: "a", value: "3", line: 3 }]);
});

Deno.test("parsePropertiesText() keeps trailing whitespace of a value as Java does", () => {
  assert.deepEqual(pairs("a=x  \n"), [["a", "x  "]]);
});

Deno.test("parsePropertiesText() does not continue a comment line ending in a backslash", () => {
  assert.deepEqual(pairs("# note \\\na=1\n"), [["a", "1"]]);
});

Deno.test("parsePropertiesText() throws ConfigError naming file and line on a bad \\u escape", () => {
  assert.throws(
    () => parsePropertiesText("a=1\nb=\\u12x4\n", "broker.properties"),
    (error: unknown) =>
      error instanceof ConfigError && error.message.includes('"broker.properties" line 2') &&
      error.message.includes("\\u12x4"),
  );
});

Deno.test("parsePropertiesText() throws ConfigError on an empty key", () => {
  assert.throws(
    () => parsePropertiesText("\n=value\n", "namesrv.properties"),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message === 'Cannot parse "namesrv.properties" line 2: empty key',
  );
});

Deno.test("parsePropertiesText() returns nothing for empty text", () => {
  assert.deepEqual(parsePropertiesText(""), []);
});
