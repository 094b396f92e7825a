/**
 * Goal: with `logFile` configured, the events an operator needs land in a size-rotated file,
 * from the main thread and from shard workers: start, registration, recovery, retention,
 * slave connect and disconnect, errors with their context, stop. Method: `_logging_child.ts`
 * runs a name server, a master and a slave in a child process with a 1 KiB log file; the
 * test reads every rotated file and looks for one line per event.
 */
import assert from "node:assert/strict";

/** Every log file's text, oldest first; checks rotation happened and bounded each file. */
function readLogs(folder: string): string {
  const files = [...Deno.readDirSync(folder)].map((e) => e.name).sort().reverse();
  assert.ok(files.includes("rocketmq.log") && files.includes("rocketmq.log.1"), `${files}`);
  let text = "";
  for (const name of files) {
    const path = `${folder}/${name}`;
    assert.ok(Deno.statSync(path).size <= 3072, `${name} was not rotated in time`);
    text += Deno.readTextFileSync(path);
  }
  return text;
}

Deno.test("logFile: structured events go to a rotating file, not stderr", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rocketmq-deno-logging-" });
  try {
    const child = new URL("./_logging_child.ts", import.meta.url).pathname;
    const env = Deno.env.toObject();
    for (const key of Object.keys(env)) if (key.startsWith("LOG_")) delete env[key];
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", child, dir],
      stdout: "piped",
      stderr: "piped",
      env,
      clearEnv: true,
      signal: AbortSignal.timeout(120_000),
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const text = readLogs(`${dir}/logs`);
    const events: [string, RegExp][] = [
      ["name server start", /INFO {2}\[namesrv\] Name server started address=127\.0\.0\.1:\d+/],
      ["broker start", /INFO {2}\[broker\] Broker started brokerName=broker-log brokerId=0/],
      ["registration", /INFO {2}\[broker\] Registered with name server namesrv=127\.0\.0\.1:\d+/],
      ["recovery (worker)", /INFO {2}\[store\] Shard opened shard=0 recovery=fresh/],
      ["clean restart", /INFO {2}\[store\] Shard opened shard=0 recovery=clean/],
      ["slave connect", /INFO {2}\[ha\] Slave connected slave=127\.0\.0\.1:\d+/],
      ["retention (worker)", /INFO {2}\[store\] Deleted expired commit-log segments shard=0/],
      ["slave disconnect", /WARN {2}\[ha\] Slave disconnected slave=127\.0\.0\.1:\d+/],
      [
        "error with context",
        /WARN {2}\[broker\] Request failed code=11 peer=127\.0\.0\.1:\d+ error=/,
      ],
      ["broker stop", /INFO {2}\[broker\] Broker shut down brokerName=broker-log/],
      ["name server stop", /INFO {2}\[namesrv\] Name server stopped/],
    ];
    const missing = events.filter(([, re]) => !re.test(text)).map(([name]) => name);
    assert.deepEqual(missing, [], text);
    assert.doesNotMatch(stderr, /Broker started|Shard opened/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
