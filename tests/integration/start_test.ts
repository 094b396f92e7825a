/**
 * Goal: the `deno task start` process serves the admin API, OpenAPI, metrics and dashboard on
 * 127.0.0.1 by default, takes them off with `--http-port -1`, and follows a config file's
 * `httpPort`. Method: run `cli/start.ts` as a child on free ports with a temporary store, read
 * the printed dashboard address, fetch each path, stop with SIGTERM (exit 0).
 */
import assert from "node:assert/strict";
import { freePort, startProcess } from "../harness.ts";

const READY = /Ready: use namesrvAddr=127\.0\.0\.1:(\d+)/;

Deno.test("start serves the HTTP API and dashboard on 127.0.0.1, or not at all with -1", async () => {
  const store = await Deno.makeTempDir({ prefix: "rocketmq-deno-start-" });
  try {
    await servesAndStops(store);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

async function servesAndStops(store: string): Promise<void> {
  const httpPort = freePort();
  const proc = await startProcess({
    entry: "cli/start.ts",
    args: [
      "--namesrv-port",
      "0",
      "--broker-port",
      "0",
      "--store",
      `${store}/a`,
      "--http-port",
      `${httpPort}`,
    ],
    readyPattern: READY,
  });
  try {
    assert.match(proc.stdoutText(), new RegExp(`Dashboard on http://127\\.0\\.0\\.1:${httpPort}/`));
    const base = `http://127.0.0.1:${httpPort}`;
    const cluster = await (await fetch(`${base}/api/cluster`)).json();
    assert.equal(cluster.brokers[0].brokerName, "broker-a");
    assert.equal((await (await fetch(`${base}/openapi.json`)).json()).openapi, "3.1.0");
    assert.match(await (await fetch(`${base}/metrics`)).text(), /rocketmq_broker_tps\{/);
    assert.match(await (await fetch(`${base}/dashboard/`)).text(), /id="topics-table"/);
  } finally {
    assert.equal((await proc.stop()).code, 0);
  }
  const off = await startProcess({
    entry: "cli/start.ts",
    args: [
      "--namesrv-port",
      "0",
      "--broker-port",
      "0",
      "--store",
      `${store}/b`,
      "--http-port",
      "-1",
    ],
    readyPattern: READY,
  });
  try {
    assert.doesNotMatch(off.stdoutText(), /Dashboard on/);
  } finally {
    assert.equal((await off.stop()).code, 0);
  }
}

Deno.test("start -c takes httpPort and httpBindAddress from the broker config file", async () => {
  const httpPort = freePort();
  const proc = await startProcess({
    entry: "cli/start.ts",
    args: ["--namesrv-port", "0", "--broker-port", "0"],
    properties: {
      brokerName: "broker-c",
      storePathRootDir: "${tempDir}/store",
      httpPort: String(httpPort),
      httpBindAddress: "127.0.0.1",
    },
    readyPattern: READY,
  });
  try {
    const brokers = await (await fetch(`http://127.0.0.1:${httpPort}/api/brokers`)).json();
    assert.equal(brokers[0].brokerName, "broker-c");
  } finally {
    assert.equal((await proc.stop()).code, 0);
  }
});

Deno.test("mqbroker serves the admin HTTP API when httpPort is set, bound to 127.0.0.1", async () => {
  const httpPort = freePort();
  const proc = await startProcess({
    entry: "broker/main.ts",
    properties: {
      brokerName: "broker-h",
      listenPort: "0",
      storePathRootDir: "${tempDir}/store",
      httpPort: String(httpPort),
    },
    readyPattern: /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/,
  });
  try {
    const brokers = await (await fetch(`http://127.0.0.1:${httpPort}/api/brokers`)).json();
    assert.equal(brokers[0].brokerName, "broker-h");
    const bad = await fetch(`http://127.0.0.1:${httpPort}/api/topics/a%20b`, { method: "PUT" });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).issues[0].field, "topic");
  } finally {
    assert.equal((await proc.stop()).code, 0);
  }
});
