/**
 * Integration: the `mqnamesrv` command line. Goal: `-p` prints the effective
 * configuration and exits 0, a bad value exits 1 with the ConfigError message
 * and no stack, `-n` is accepted, and SIGTERM ends a running server with 0.
 * Method: run `namesrv/main.ts` as a child process with bounded waits.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { REPO_ROOT, startNameServer } from "../harness.ts";

async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${REPO_ROOT}namesrv/main.ts`, ...args],
    cwd: REPO_ROOT,
    env: { LOG_LEVEL: "warn", NO_COLOR: "1" },
    stdin: "null",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

async function withPropertiesFile<T>(text: string, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "rmq-cli-" });
  try {
    const file = `${dir}/namesrv.properties`;
    await Deno.writeTextFile(file, text);
    return await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("mqnamesrv -p prints the effective configuration sorted by key and exits 0", async () => {
  await withPropertiesFile("listenPort=9999\norderMessageEnable=true\n", async (file) => {
    const result = await runMain(["-c", file, "-p", "-n", "127.0.0.1:9876"]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split("\n");
    assert.ok(lines.includes("listenPort=9999"));
    assert.ok(lines.includes("orderMessageEnable=true"));
    assert.ok(lines.includes("brokerChannelExpiredTime=120000"));
    assert.deepEqual([...lines].sort(), lines);
  });
});

Deno.test("mqnamesrv exits 1 with the ConfigError message on a bad value", async () => {
  await withPropertiesFile("listenPort=abc\n", async (file) => {
    const result = await runMain(["-c", file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /key "listenPort" has value "abc"/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    assert.equal(result.stdout, "");
  });
});

Deno.test("mqnamesrv exits 1 on an unknown flag and on a missing config file", async () => {
  assert.equal((await runMain(["--bogus"])).code, 1);
  const missing = await runMain(["-c", "/nonexistent/namesrv.properties"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nonexistent/);
});

Deno.test("mqnamesrv prints one ready line and exits 0 on SIGTERM", async () => {
  const ns = await startNameServer();
  const status = await ns.stop();
  assert.equal(status.code, 0);
  const lines = ns.stdoutText().trimEnd().split("\n");
  assert.deepEqual(lines, [
    `The Name Server boot success. serializeType=JSON, listening on 127.0.0.1:${ns.port}`,
  ]);
});
