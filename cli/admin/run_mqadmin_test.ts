/**
 * Goal: the command line is checked before anything is sent, and `--tls` reaches a TLS name
 * server. Method: run `runMqadmin` in process with captured output; no server except an
 * in-process TLS server standing in for the name server (certificate made with openssl) for the
 * TLS case.
 */
import assert from "node:assert/strict";
import { ADMIN_COMMANDS, runMqadmin } from "./mod.ts";
import { createResponse, makeSelfSignedCertificate, RemotingServer } from "../../remoting/mod.ts";

async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runMqadmin(args, {
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    env: (name) => env[name],
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

Deno.test("runMqadmin() lists every command when no command is given", async () => {
  const r = await run([]);
  assert.equal(r.code, 0);
  for (const c of ADMIN_COMMANDS) assert.match(r.out, new RegExp(`\\b${c.name}\\b`));
  assert.equal(ADMIN_COMMANDS.length, 22);
});

Deno.test("runMqadmin() shows a command's flags for help <command>", async () => {
  const r = await run(["help", "updateTopic"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /-t, --topic <topic> +Topic name \(required\)/);
  assert.match(r.out, /-w, --writeQueueNums/);
  assert.match(r.out, /-n, --namesrvAddr/);
});

Deno.test("runMqadmin() lists the commands on stdout for a bare help, exits 2 for help of nothing known", async () => {
  const bare = await run(["help"]);
  assert.equal(bare.code, 0);
  assert.match(bare.out, /clusterList/);
  const unknown = await run(["help", "nope"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /Unknown command "nope"/);
});

Deno.test("runMqadmin() exits 2 on an unknown command", async () => {
  const r = await run(["noSuchCommand"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /Unknown command "noSuchCommand"/);
});

Deno.test("runMqadmin() exits 2 naming the flag when a required flag is missing", async () => {
  const r = await run(["topicRoute", "-n", "127.0.0.1:9"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /Missing required option: -t, --topic/);
});

Deno.test("runMqadmin() exits 2 on an unknown flag", async () => {
  const r = await run(["topicList", "-n", "127.0.0.1:9", "-z", "1"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /Unknown option '-z'/);
});

Deno.test("runMqadmin() exits 2 when neither -b nor -c is given to updateTopic", async () => {
  const r = await run(["updateTopic", "-n", "127.0.0.1:9", "-t", "T"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /give -b <brokerAddr> or -c <clusterName>/);
});

Deno.test("runMqadmin() exits 2 on a non-numeric queue count", async () => {
  const r = await run([
    "updateTopic",
    "-n",
    "127.0.0.1:9",
    "-t",
    "T",
    "-b",
    "127.0.0.1:9",
    "-r",
    "x",
  ]);
  assert.equal(r.code, 2);
  assert.match(r.err, /Invalid value for --readQueueNums: "x"/);
});

Deno.test("runMqadmin() exits 2 on an illegal topic name before sending", async () => {
  const r = await run(["updateTopic", "-n", "127.0.0.1:9", "-t", "a b", "-b", "127.0.0.1:9"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /Invalid topic name "a b"/);
});

Deno.test("runMqadmin() exits 2 when no name server address is known", async () => {
  const r = await run(["topicList"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /NAMESRV_ADDR/);
});

Deno.test("runMqadmin() exits 1 and names the name server when it refuses connections", async () => {
  const port = 1; // tcpmux: nothing listens there on a test machine, so the connect is refused
  const r = await run(["topicList"], { NAMESRV_ADDR: `127.0.0.1:${port}` });
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`name server 127\\.0\\.0\\.1:${port} is unreachable`));
});

function hasOpenssl(): boolean {
  try {
    return new Deno.Command("openssl", { args: ["version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "runMqadmin() talks TLS to a TLS name server with --tls and --tlsTrustCertPath",
  ignore: !hasOpenssl(),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "mqadmin-tls-" });
    const { cert, key } = makeSelfSignedCertificate();
    await Deno.writeTextFile(`${dir}/cert.pem`, cert);
    await Deno.writeTextFile(`${dir}/key.pem`, key);
    // A TLS name-server stand-in: every request gets SUCCESS with a one-topic list.
    const namesrv = new RemotingServer({
      hostname: "127.0.0.1",
      port: 0,
      tls: { certFile: `${dir}/cert.pem`, keyFile: `${dir}/key.pem` },
      handler: (cmd) =>
        Promise.resolve(createResponse(cmd, 0, {
          body: new TextEncoder().encode('{"topicList":["tls_topic"]}'),
        })),
    });
    await namesrv.start();
    try {
      const addr = `127.0.0.1:${namesrv.port}`;
      const secure = await run(["topicList", "--tls", "--tlsTrustCertPath", `${dir}/cert.pem`], {
        NAMESRV_ADDR: addr,
      });
      assert.equal(secure.code, 0, secure.err);
      assert.match(secure.out, /tls_topic/);
      const viaEnv = await run(["topicList"], {
        NAMESRV_ADDR: addr,
        ROCKETMQ_TLS_ENABLE: "true",
        ROCKETMQ_TLS_TRUST_CERT_PATH: `${dir}/cert.pem`,
      });
      assert.equal(viaEnv.code, 0, viaEnv.err);
      const plain = await run(["topicList", "--timeoutMs", "1000"], { NAMESRV_ADDR: addr });
      assert.equal(plain.code, 1, "plain TCP to a TLS port fails");
      const missing = await run(["topicList", "--tls", "--tlsTrustCertPath", `${dir}/nope.pem`], {
        NAMESRV_ADDR: addr,
      });
      assert.equal(missing.code, 2);
      assert.match(missing.err, /Cannot read --tlsTrustCertPath file/);
    } finally {
      await namesrv.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
