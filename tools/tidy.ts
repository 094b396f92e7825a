/**
 * `deno task tidy`: checks what `deno lint` cannot (style.md sections 1 and 7).
 *
 * - imports follow the architecture table of style.md section 1, and cross
 *   folders only through a `mod.ts` (or the wider `_internal.ts` of style.md
 *   section 2); entry files may import any folder's `mod.ts`; `tests/`,
 *   `tools/` and `bench/` may import anything; nothing imports `tests/`;
 * - no `jsr:` imports, no default exports;
 * - files: over 300 lines warns, over 500 fails; functions: over 70 lines
 *   warns, over 100 fails;
 * - `Deno.listen` / `Deno.connect` (and their Tls forms) only in remoting/,
 *   ha/, http/, tests/; `console.` only in common/log.ts, cli/ and tools/;
 *   `Math.random` only in common/random.ts.
 *
 * Sources are lexed first (comments removed, string contents blanked), so a
 * banned word inside a string or comment does not count.
 *
 * Usage: `deno run --allow-read tools/tidy.ts [root]`; exits 1 on any error.
 *
 * Runs on: main thread
 * @module
 */

/** One problem found by tidy. */
export interface TidyFinding {
  /** Repository-relative path with `/` separators. */
  path: string;
  /** 1-based line. */
  line: number;
  /** What is wrong, one sentence. */
  reason: string;
  /** Errors fail the run; warnings are printed only. */
  level: "error" | "warning";
}

/** Limits of the ratchet (style.md section 2). */
export const TIDY_LIMITS = {
  fileLinesWarn: 300,
  fileLinesMax: 500,
  functionLinesWarn: 70,
  functionLinesMax: 100,
} as const;

/** Top folders of the architecture table and what each may import (besides itself). */
export const IMPORT_TABLE: Readonly<Record<string, readonly string[]>> = {
  common: [],
  remoting: ["common"],
  store: ["common"],
  ha: ["store", "common"],
  namesrv: ["remoting", "common"],
  broker: ["store", "ha", "remoting", "client", "common"],
  client: ["remoting", "common"],
  http: ["broker", "common"],
  cli: ["client", "remoting", "common"],
  tests: [],
};

/** Files that wire a process and may import any folder's `mod.ts`. */
export const ENTRY_FILES: readonly string[] = [
  "broker/main.ts",
  "broker/broker_cli.ts",
  "namesrv/main.ts",
  "cli/main.ts",
  "cli/start.ts",
  "mod.ts",
];

/**
 * Modules that import nothing, which entry files may import directly (not through `mod.ts`) so a
 * process can act before its module graph has loaded (the broker starts its shard workers).
 */
export const LEAF_MODULES: readonly string[] = [
  "common/shard_count.ts",
  "store/shard_worker_pool.ts",
];

/** Folders whose sources may import anything (through any path). */
const FREE_IMPORT_FOLDERS = new Set(["tests", "tools", "bench"]);

/** Directories never walked. */
const SKIP_DIRS = new Set(["data", "dist", "node_modules", ".git", ".deno", "bench/results"]);

interface BanRule {
  pattern: RegExp;
  reason: string;
  allowed: (path: string) => boolean;
}

const under = (path: string, ...folders: string[]) =>
  folders.some((folder) => path.startsWith(`${folder}/`));

const BAN_RULES: readonly BanRule[] = [
  {
    pattern: /\bDeno\s*\.\s*(?:listen|connect)(?:Tls)?\b/g,
    reason: "network API outside remoting/, ha/, http/ and tests/",
    allowed: (path) => under(path, "remoting", "ha", "http", "tests"),
  },
  {
    pattern: /\bconsole\s*\./g,
    reason: "console. outside common/log.ts, cli/ and tools/ (use common/log.ts)",
    allowed: (path) => path === "common/log.ts" || under(path, "cli", "tools"),
  },
  {
    pattern: /\bMath\s*\.\s*random\b/g,
    reason: "Math.random outside common/random.ts (use common/random.ts)",
    allowed: (path) => path === "common/random.ts",
  },
  {
    pattern: /\bexport\s+default\b|\bas\s+default\s*[,}]/g,
    reason: "default export (use named exports)",
    allowed: () => false,
  },
];

/** Result of lexing: `code` has comments blanked; `bare` also blanks string contents. */
export interface LexedSource {
  code: string;
  bare: string;
}

const REGEX_PREFIX =
  /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|case|in|of|void|yield|await|delete|throw|new|else|do))\s*$/;

/**
 * Blanks comments (and, in `bare`, the contents of strings, templates and
 * regular expressions) with spaces, keeping every newline and offset.
 */
export function lexSource(source: string): LexedSource {
  const code = source.split("");
  const bare = source.split("");
  const blank = (from: number, to: number, both: boolean) => {
    for (let i = from; i < to; i += 1) {
      if (source[i] === "\n") continue;
      bare[i] = " ";
      if (both) code[i] = " ";
    }
  };
  const braces: number[] = []; // open-brace depth per enclosing template `${`
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    const next = source[i + 1];
    if (ch === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end === -1 ? source.length : end;
      blank(i, stop, true);
      i = stop;
    } else if (ch === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? source.length : end + 2;
      blank(i, stop, true);
      i = stop;
    } else if (ch === '"' || ch === "'") {
      const stop = skipQuoted(source, i + 1, ch);
      blank(i + 1, stop - 1, false);
      i = stop;
    } else if (ch === "`" || (ch === "}" && braces.at(-1) === 0)) {
      if (ch === "}") braces.pop();
      const stop = skipTemplatePart(source, i + 1);
      const opensExpression = source.startsWith("${", stop - 2);
      blank(i + 1, opensExpression ? stop - 2 : stop - 1, false);
      if (opensExpression) braces.push(0);
      i = stop;
    } else if (ch === "/" && REGEX_PREFIX.test(source.slice(Math.max(0, i - 12), i))) {
      const stop = skipRegex(source, i + 1);
      blank(i + 1, stop - 1, false);
      i = stop;
    } else {
      if (ch === "{" && braces.length > 0) braces[braces.length - 1]! += 1;
      if (ch === "}" && braces.length > 0) braces[braces.length - 1]! -= 1;
      i += 1;
    }
  }
  return { code: code.join(""), bare: bare.join("") };
}

function skipQuoted(source: string, from: number, quote: string): number {
  let i = from;
  while (i < source.length && source[i] !== quote && source[i] !== "\n") {
    i += source[i] === "\\" ? 2 : 1;
  }
  return Math.min(i + 1, source.length);
}

/** Returns the index after the closing backtick or after the `${` that opens an expression. */
function skipTemplatePart(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    if (source[i] === "\\") i += 2;
    else if (source[i] === "`") return i + 1;
    else if (source[i] === "$" && source[i + 1] === "{") return i + 2;
    else i += 1;
  }
  return source.length;
}

function skipRegex(source: string, from: number): number {
  let i = from;
  let inClass = false;
  while (i < source.length && source[i] !== "\n") {
    const ch = source[i];
    if (ch === "\\") i += 1;
    else if (ch === "[") inClass = true;
    else if (ch === "]") inClass = false;
    else if (ch === "/" && !inClass) return i + 1;
    i += 1;
  }
  return i;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text[i] === "\n") line += 1;
  return line;
}

/** The top folder of a repository path, or "" for a root file. */
function topFolder(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

/** Resolves a relative specifier against a repository path; undefined if it leaves the repo. */
export function resolveRelative(fromPath: string, specifier: string): string | undefined {
  const parts = fromPath.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

/**
 * Checks one import arrow. Returns the reason it is forbidden, or undefined
 * when allowed. `fromPath` is repository-relative; bare specifiers (npm
 * aliases such as "zod") are allowed, `jsr:` is not.
 */
export function checkImport(fromPath: string, specifier: string): string | undefined {
  if (specifier.startsWith("jsr:")) return `jsr: import "${specifier}" (jsr.io is unreachable)`;
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const target = resolveRelative(fromPath, specifier);
  if (target === undefined) return `import "${specifier}" leaves the repository`;
  const from = topFolder(fromPath);
  const to = topFolder(target);
  if (from === to) return undefined;
  if (to === "tests") return `import of tests/ ("${specifier}"): nothing imports tests/`;
  if (FREE_IMPORT_FOLDERS.has(from)) return undefined;
  const viaMod = target.endsWith("/mod.ts") || target.endsWith("/_internal.ts");
  if (ENTRY_FILES.includes(fromPath)) {
    return viaMod || to === "" || LEAF_MODULES.includes(target)
      ? undefined
      : `import "${specifier}" must go through ${to}/mod.ts`;
  }
  const allowed = IMPORT_TABLE[from];
  if (allowed === undefined) return undefined;
  if (!allowed.includes(to)) {
    return `${from}/ must not import ${to === "" ? "root files" : `${to}/`} ("${specifier}")`;
  }
  return viaMod ? undefined : `import "${specifier}" must go through ${to}/mod.ts`;
}

const IMPORT_PATTERN =
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

function checkImports(path: string, code: string): TidyFinding[] {
  const findings: TidyFinding[] = [];
  for (const match of code.matchAll(IMPORT_PATTERN)) {
    const specifier = match[1] ?? match[2] ?? "";
    const reason = LEAF_MODULES.includes(path)
      ? `${path} is a leaf module (LEAF_MODULES) and must import nothing ("${specifier}")`
      : checkImport(path, specifier);
    if (reason !== undefined) {
      findings.push({ path, line: lineAt(code, match.index), reason, level: "error" });
    }
  }
  return findings;
}

function checkBans(path: string, bare: string): TidyFinding[] {
  const findings: TidyFinding[] = [];
  for (const rule of BAN_RULES) {
    if (rule.allowed(path)) continue;
    for (const match of bare.matchAll(rule.pattern)) {
      findings.push({ path, line: lineAt(bare, match.index), reason: rule.reason, level: "error" });
    }
  }
  return findings;
}

const CONTROL_WORDS = new Set(["if", "for", "while", "switch", "catch", "with", "return"]);

/** A function body found in the source: its name and the lines of its braces. */
export interface FunctionSpan {
  name: string;
  startLine: number;
  endLine: number;
}

/** Finds function and method bodies (including arrow bodies) in lexed `bare` text. */
export function findFunctions(bare: string): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  const stack: { offset: number; name: string | undefined }[] = [];
  const lineStarts = [0];
  for (let i = 0; i < bare.length; i += 1) if (bare[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  for (let i = 0; i < bare.length; i += 1) {
    if (bare[i] === "{") stack.push({ offset: i, name: functionName(bare, i) });
    if (bare[i] !== "}") continue;
    const open = stack.pop();
    if (open?.name === undefined) continue;
    spans.push({ name: open.name, startLine: lineOf(open.offset), endLine: lineOf(i) });
  }
  return spans;
}

/** The name of the function whose body opens at `brace`, or undefined if it is no function. */
function functionName(bare: string, brace: number): string | undefined {
  const before = bare.slice(Math.max(0, brace - 400), brace);
  if (/=>\s*$/.test(before)) return "arrow function";
  // `) {` or `): ReturnType {` where the type has no braces or parentheses.
  const close = /\)\s*(?::[^{}();]*)?$/.exec(before);
  if (close === null) return undefined;
  let depth = 0;
  for (let i = close.index; i >= 0; i -= 1) {
    if (before[i] === ")") depth += 1;
    if (before[i] === "(") depth -= 1;
    if (depth !== 0) continue;
    const word = /([\w$#]+)\s*(?:<[^()]*>)?\s*$/.exec(before.slice(0, i))?.[1];
    if (word === undefined || CONTROL_WORDS.has(word)) return undefined;
    return word === "function" ? "function" : word;
  }
  return undefined;
}

function checkLengths(path: string, source: string, bare: string): TidyFinding[] {
  const findings: TidyFinding[] = [];
  const lines = source.endsWith("\n") ? source.split("\n").length - 1 : source.split("\n").length;
  if (lines > TIDY_LIMITS.fileLinesMax) {
    const reason = `file has ${lines} lines (max ${TIDY_LIMITS.fileLinesMax})`;
    findings.push({ path, line: 1, reason, level: "error" });
  } else if (lines > TIDY_LIMITS.fileLinesWarn) {
    const reason = `file has ${lines} lines (aim for ${TIDY_LIMITS.fileLinesWarn})`;
    findings.push({ path, line: 1, reason, level: "warning" });
  }
  for (const span of findFunctions(bare)) {
    const count = span.endLine - span.startLine + 1;
    if (count <= TIDY_LIMITS.functionLinesWarn) continue;
    const error = count > TIDY_LIMITS.functionLinesMax;
    const limit = error
      ? `max ${TIDY_LIMITS.functionLinesMax}`
      : `aim for ${TIDY_LIMITS.functionLinesWarn}`;
    const reason = `${span.name} has ${count} lines (${limit})`;
    findings.push({ path, line: span.startLine, reason, level: error ? "error" : "warning" });
  }
  return findings;
}

/** Checks one source file; `path` is repository-relative with `/` separators. */
export function checkSource(path: string, source: string): TidyFinding[] {
  const { code, bare } = lexSource(source);
  return [
    ...checkImports(path, code),
    ...checkBans(path, bare),
    ...checkLengths(path, source, bare),
  ].sort((a, b) => a.line - b.line);
}

/** Lists the repository's `.ts` files (relative paths, sorted), skipping generated folders. */
export function listSourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (relative: string, depth: number) => {
    if (depth > 32) return; // bound the walk; real trees are a few levels deep
    for (const entry of Deno.readDirSync(relative === "" ? root : `${root}/${relative}`)) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory && !SKIP_DIRS.has(path) && !SKIP_DIRS.has(entry.name)) {
        walk(path, depth + 1);
      } else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
    }
  };
  walk("", 0);
  return files.sort();
}

/** Checks every source file under `root`. */
export function tidyTree(root: string): TidyFinding[] {
  return listSourceFiles(root).flatMap((path) =>
    checkSource(path, Deno.readTextFileSync(`${root}/${path}`))
  );
}

/** Formats a finding as `path:line: reason` (warnings say so). */
export function formatFinding(finding: TidyFinding): string {
  const prefix = finding.level === "warning" ? "warning: " : "";
  return `${finding.path}:${finding.line}: ${prefix}${finding.reason}`;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const findings = tidyTree(root);
  // deno-lint-ignore no-console
  for (const finding of findings) console.log(formatFinding(finding));
  const errors = findings.filter((finding) => finding.level === "error").length;
  // deno-lint-ignore no-console
  console.log(`tidy: ${errors} errors, ${findings.length - errors} warnings`);
  if (errors > 0) Deno.exit(1);
}
