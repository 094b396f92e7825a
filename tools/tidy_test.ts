/**
 * Tests of tools/tidy.ts: each case feeds a small source to the pure checks
 * and asserts the findings, so every rule is shown both failing and passing.
 */
import assert from "node:assert/strict";
import {
  checkImport,
  checkSource,
  findFunctions,
  formatFinding,
  lexSource,
  resolveRelative,
  type TidyFinding,
  tidyTree,
} from "./tidy.ts";

const errors = (path: string, source: string) =>
  checkSource(path, source).filter((f) => f.level === "error").map((f) => `${f.line}: ${f.reason}`);

Deno.test("checkImport() allows arrows of the architecture table through mod.ts", () => {
  assert.equal(checkImport("remoting/frame.ts", "../common/mod.ts"), undefined);
  assert.equal(checkImport("broker/x.ts", "../store/mod.ts"), undefined);
  assert.equal(checkImport("http/app.ts", "../broker/mod.ts"), undefined);
  assert.equal(checkImport("store/a.ts", "./b.ts"), undefined);
  assert.equal(checkImport("common/config/a.ts", "../errors.ts"), undefined);
  assert.equal(checkImport("namesrv/a.ts", "../common/config/mod.ts"), undefined);
  assert.equal(checkImport("broker/a.ts", "../ha/_internal.ts"), undefined);
  assert.equal(checkImport("store/a.ts", "zod"), undefined);
});

Deno.test("checkImport() rejects arrows the table forbids", () => {
  assert.equal(
    checkImport("store/a.ts", "../remoting/mod.ts"),
    'store/ must not import remoting/ ("../remoting/mod.ts")',
  );
  assert.equal(
    checkImport("common/a.ts", "../remoting/mod.ts"),
    'common/ must not import remoting/ ("../remoting/mod.ts")',
  );
  assert.match(
    checkImport("namesrv/a.ts", "../broker/mod.ts") ?? "",
    /namesrv\/ must not import broker\//,
  );
  assert.match(checkImport("http/a.ts", "../store/mod.ts") ?? "", /must not import store\//);
  assert.match(checkImport("cli/a.ts", "../broker/mod.ts") ?? "", /must not import broker\//);
  assert.match(checkImport("broker/a.ts", "../tests/harness.ts") ?? "", /nothing imports tests\//);
  assert.match(checkImport("remoting/a.ts", "../mod.ts") ?? "", /must not import root files/);
});

Deno.test("checkImport() requires mod.ts for cross-folder imports", () => {
  assert.equal(
    checkImport("remoting/a.ts", "../common/errors.ts"),
    'import "../common/errors.ts" must go through common/mod.ts',
  );
});

Deno.test("checkImport() lets entry files import any folder's mod.ts only", () => {
  assert.equal(checkImport("namesrv/main.ts", "../http/mod.ts"), undefined);
  assert.equal(checkImport("cli/start.ts", "../broker/mod.ts"), undefined);
  assert.equal(checkImport("mod.ts", "./client/mod.ts"), undefined);
  assert.match(
    checkImport("mod.ts", "./client/producer.ts") ?? "",
    /must go through client\/mod\.ts/,
  );
});

Deno.test("checkImport() lets tests import anything but rejects jsr: everywhere", () => {
  assert.equal(checkImport("tests/integration/a_test.ts", "../../store/commit_log.ts"), undefined);
  assert.match(checkImport("tests/a.ts", "jsr:@std/assert") ?? "", /jsr: import/);
});

Deno.test("resolveRelative() resolves dot segments and refuses to leave the repo", () => {
  assert.equal(resolveRelative("a/b/c.ts", "../d/./e.ts"), "a/d/e.ts");
  assert.equal(resolveRelative("a.ts", "../x.ts"), undefined);
});

Deno.test("checkSource() reports import, export-from, side-effect and dynamic imports", () => {
  const source = [
    'import { x } from "../broker/mod.ts";',
    'import type { Y } from "../common/log.ts";',
    'export { z } from "../namesrv/mod.ts";',
    'import "../http/mod.ts";',
    'const m = await import("../cli/mod.ts");',
  ].join("\n");
  assert.deepEqual(errors("store/a.ts", source), [
    '1: store/ must not import broker/ ("../broker/mod.ts")',
    '2: import "../common/log.ts" must go through common/mod.ts',
    '3: store/ must not import namesrv/ ("../namesrv/mod.ts")',
    '4: store/ must not import http/ ("../http/mod.ts")',
    '5: store/ must not import cli/ ("../cli/mod.ts")',
  ]);
});

Deno.test("checkSource() bans network APIs outside the transport folders", () => {
  const source =
    "const l = Deno.listen({ port: 0 });\nconst c = await Deno.connectTls({ port: 1 });\n";
  assert.equal(errors("store/a.ts", source).length, 2);
  assert.deepEqual(errors("remoting/server.ts", source), []);
  assert.deepEqual(errors("tests/a_test.ts", source), []);
});

Deno.test("checkSource() bans console and Math.random outside their owners", () => {
  const source = 'console.log("hi");\nconst r = Math.random();\n';
  assert.deepEqual(errors("broker/a.ts", source), [
    "1: console. outside common/log.ts, cli/ and tools/ (use common/log.ts)",
    "2: Math.random outside common/random.ts (use common/random.ts)",
  ]);
  assert.equal(errors("cli/print.ts", source).length, 1);
  assert.equal(errors("common/random.ts", source).length, 1);
  assert.equal(errors("common/log.ts", 'console.error("x");').length, 0);
});

Deno.test("checkSource() ignores banned words inside strings, templates and comments", () => {
  const source = [
    "// console.log in a comment",
    "/* Math.random() */",
    'const a = "console.log(1)";',
    "const b = `Deno.listen ${1 + 1} export default`;",
    "const c = /console\\.log/;",
  ].join("\n");
  assert.deepEqual(errors("broker/a.ts", source), []);
});

Deno.test("checkSource() still sees code inside template expressions", () => {
  assert.equal(errors("broker/a.ts", "const s = `a ${console.log(`b ${1}`)} c`;").length, 1);
});

Deno.test("checkSource() rejects default exports", () => {
  assert.equal(errors("common/a.ts", "export default function f() {}\n").length, 1);
  assert.equal(errors("common/a.ts", "const f = 1;\nexport { f as default };\n").length, 1);
  assert.equal(errors("common/a.ts", "export { f as g };\n").length, 0);
});

Deno.test("checkSource() warns past 300 lines and fails past 500 lines", () => {
  const lines = (n: number) => "const x = 1;\n".repeat(n);
  const level = (n: number) => checkSource("store/a.ts", lines(n)).map((f) => f.level);
  assert.deepEqual(level(300), []);
  assert.deepEqual(level(301), ["warning"]);
  assert.deepEqual(level(501), ["error"]);
});

Deno.test("checkSource() warns past 70 function lines and fails past 100", () => {
  const fn = (n: number) => `export function big(): void {\n${"  step();\n".repeat(n - 2)}}\n`;
  const found = (n: number): TidyFinding[] => checkSource("store/a.ts", fn(n));
  assert.deepEqual(found(70), []);
  assert.deepEqual(found(71).map((f) => [f.level, f.reason]), [[
    "warning",
    "big has 71 lines (aim for 70)",
  ]]);
  assert.deepEqual(found(101).map((f) => [f.level, f.reason]), [[
    "error",
    "big has 101 lines (max 100)",
  ]]);
});

Deno.test("findFunctions() finds functions, methods and arrows but not control blocks", () => {
  const source = [
    "function a(x: number): string {",
    "  if (x) {",
    "    return `${x}`;",
    "  }",
    "  return '}';",
    "}",
    "class K {",
    "  #m(): void {",
    "    for (const y of []) {}",
    "  }",
    "}",
    "const f = (v: number) => {",
    "  return { v };",
    "};",
  ].join("\n");
  const { bare } = lexSource(source);
  assert.deepEqual(findFunctions(bare), [
    { name: "a", startLine: 1, endLine: 6 },
    { name: "#m", startLine: 8, endLine: 10 },
    { name: "arrow function", startLine: 12, endLine: 14 },
  ]);
});

Deno.test("lexSource() keeps offsets and newlines while blanking strings and comments", () => {
  const source = 'a = "x\\"y"; // c\nb = 1;';
  const { code, bare } = lexSource(source);
  assert.equal(code.length, source.length);
  assert.equal(code, 'a = "x\\"y";     \nb = 1;');
  assert.equal(bare, 'a = "    ";     \nb = 1;');
});

Deno.test("formatFinding() prints path:line: reason", () => {
  assert.equal(
    formatFinding({ path: "a.ts", line: 3, reason: "bad", level: "error" }),
    "a.ts:3: bad",
  );
  assert.equal(
    formatFinding({ path: "a.ts", line: 1, reason: "long", level: "warning" }),
    "a.ts:1: warning: long",
  );
});

Deno.test("tidyTree() walks .ts files and skips data/ and node_modules", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/store`);
    await Deno.mkdir(`${root}/data/x`, { recursive: true });
    await Deno.mkdir(`${root}/node_modules`);
    await Deno.writeTextFile(`${root}/store/a.ts`, 'import "../broker/mod.ts";\n');
    await Deno.writeTextFile(`${root}/store/notes.md`, "console.log(1)\n");
    await Deno.writeTextFile(`${root}/data/x/b.ts`, "console.log(1);\n");
    await Deno.writeTextFile(`${root}/node_modules/c.ts`, "console.log(1);\n");
    const found = tidyTree(root).map(formatFinding);
    assert.deepEqual(found, ['store/a.ts:1: store/ must not import broker/ ("../broker/mod.ts")']);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("checkImport() lets entry files import leaf modules, and leaf modules import nothing", () => {
  assert.equal(checkImport("broker/main.ts", "../store/shard_worker_pool.ts"), undefined);
  assert.match(checkImport("broker/x.ts", "../store/shard_worker_pool.ts") ?? "", /mod\.ts/);
  const findings = checkSource("store/shard_worker_pool.ts", 'import { x } from "./y.ts";\n');
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.reason, /leaf module/);
});
