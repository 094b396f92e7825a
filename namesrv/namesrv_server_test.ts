/**
 * In-process tests of NamesrvServer / startNameServer over loopback with
 * remoting's RemotingClient: a broker's connection close drops it, the
 * housekeeping scan closes an expired broker's connection, and close() stops
 * everything it opened (checked by the resource sanitizer).
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { loadNamesrvConfig } from "../common/config/mod.ts";
import { bodyCrc, ManualClock } from "../common/mod.ts";
import { createRequest, RemotingClient } from "../remoting/mod.ts";
import { startNameServer } from "./start_name_server.ts";

const encoder = new TextEncoder();

function registration() {
  const body = encoder.encode(
    '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":1,' +
      '"timestamp":2},"topicConfigTable":{"A":{"perm":6,"readQueueNums":1,"topicName":"A",' +
      '"writeQueueNums":1},"B":{"perm":6,"readQueueNums":1,"topicName":"B","writeQueueNums":1}}}}',
  );
  return createRequest(103, {
    body,
    version: 401,
    extFields: {
      brokerId: "0",
      bodyCrc32: String(bodyCrc(body)),
      clusterName: "c1",
      brokerAddr: "127.0.0.1:10911",
      haServerAddr: "127.0.0.1:10912",
      brokerName: "broker-a",
    },
  });
}

function config(text = "") {
  return loadNamesrvConfig({
    text: `bindAddress=127.0.0.1\nlistenPort=0\nkvConfigPath=\n${text}`,
    env: {},
  }).config;
}

Deno.test("startNameServer() listens on a free port and drops a broker whose connection closes", async () => {
  const namesrv = await startNameServer({ config: { ...config(), kvConfigPath: "" } });
  const client = new RemotingClient();
  try {
    assert.ok(namesrv.port > 0);
    assert.equal(namesrv.address, `127.0.0.1:${namesrv.port}`);
    const addr = `127.0.0.1:${namesrv.port}`;
    assert.equal((await client.invoke(addr, registration(), 3000)).code, 0);
    assert.equal(namesrv.server.state.routes.liveBrokers().length, 1);
    client.closeConnection(addr);
    for (let i = 0; i < 100 && namesrv.server.state.routes.liveBrokers().length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(namesrv.server.state.routes.liveBrokers().length, 0);
  } finally {
    await client.close();
    await namesrv.close();
  }
});

Deno.test("NamesrvServer.scan() drops an expired broker and closes its connection", async () => {
  const clock = new ManualClock();
  const namesrv = await startNameServer({
    config: {
      ...config("brokerChannelExpiredTime=1000\nscanNotActiveBrokerInterval=600000\n"),
      kvConfigPath: "",
    },
    clock,
  });
  const client = new RemotingClient();
  try {
    const addr = `127.0.0.1:${namesrv.port}`;
    await client.invoke(addr, registration(), 3000);
    const conn = await client.connection(addr);
    clock.advance(500);
    namesrv.server.scan();
    assert.equal(namesrv.server.state.routes.liveBrokers().length, 1);
    clock.advance(600);
    namesrv.server.scan();
    assert.equal(namesrv.server.state.routes.liveBrokers().length, 0);
    await conn.closed;
  } finally {
    await client.close();
    await namesrv.close();
  }
});
