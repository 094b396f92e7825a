/**
 * Goal: mqadmin signs its requests with `--accessKey/--secretKey`; an ACL broker serves it
 * then and refuses it unsigned or with a wrong secret. Method: `runMqadmin` in process against
 * an in-process name server and a broker with `aclEnable` (temporary `plain_acl.yml`).
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { startBroker } from "../../broker/mod.ts";
import { startNameServer } from "../../namesrv/mod.ts";
import { runMqadmin } from "../../cli/admin/mod.ts";

Deno.test("runMqadmin() with --accessKey/--secretKey is served by an ACL broker, unsigned is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rmq-mqadmin-acl-" });
  const aclFile = `${dir}/plain_acl.yml`;
  await Deno.writeTextFile(
    aclFile,
    'accounts:\n  - accessKey: rocketmq2\n    secretKey: "12345678"\n    admin: true\n',
  );
  const namesrv = await startNameServer({
    overrides: { listenPort: "0", bindAddress: "127.0.0.1", kvConfigPath: `${dir}/kv.json` },
  });
  const broker = await startBroker({
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerName: "broker-acl",
      namesrvAddr: `127.0.0.1:${namesrv.port}`,
      aclEnable: true,
      plainAclFile: aclFile,
    },
    tempStore: true,
  });
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runMqadmin(args, {
      io: { out: (t) => out.push(t), err: (t) => err.push(t) },
      env: () => undefined,
    });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const base = ["-n", `127.0.0.1:${namesrv.port}`, "-b", broker.address];
  try {
    const refused = await run(["updateTopic", ...base, "-t", "AclTopic"]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /No accessKey is configured|NO_PERMISSION|16/);
    const keys = ["--accessKey", "rocketmq2", "--secretKey", "12345678"];
    const created = await run(["updateTopic", ...base, "-t", "AclTopic", ...keys]);
    assert.equal(created.code, 0, created.err);
    const stats = await run(["brokerStatus", ...base, ...keys]);
    assert.equal(stats.code, 0, stats.err);
    const wrong = await run([
      "brokerStatus",
      ...base,
      "--accessKey",
      "rocketmq2",
      "--secretKey",
      "bad",
    ]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /Check signature failed/);
  } finally {
    await broker.close();
    await namesrv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
