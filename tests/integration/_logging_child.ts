/**
 * Child process of `logging_test.ts`: with logging sent to a small rotating file, runs a name
 * server, a master and a slave through start, registration, a failing request, slave
 * connect, retention, slave disconnect, stop and a clean restart (recovery), then exits 0.
 * Argument: a scratch folder; logs go to `<dir>/logs/rocketmq.log`.
 *
 * Runs on: main thread
 * @module
 */
import { startBroker } from "../../broker/mod.ts";
import type { ReplicatedStore } from "../../broker/ha_wiring.ts";
import { Producer } from "../../client/mod.ts";
import { startNameServer } from "../../namesrv/mod.ts";
import { createRequest, RemotingClient, RequestCode } from "../../remoting/mod.ts";

const dir = Deno.args[0]!;
const logKeys = {
  logFile: `${dir}/logs/rocketmq.log`,
  logFileMaxBytes: "1024",
  logFileCount: "100",
};

function properties(path: string, entries: Record<string, string>): string {
  Deno.writeTextFileSync(path, Object.entries(entries).map(([k, v]) => `${k}=${v}`).join("\n"));
  return path;
}

async function until(what: string, fn: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (fn()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

const namesrv = await startNameServer({
  overrides: { listenPort: "0", bindAddress: "127.0.0.1", ...logKeys },
});
const namesrvAddr = `127.0.0.1:${namesrv.port}`;
const common = {
  brokerName: "broker-log",
  bindAddress: "127.0.0.1",
  brokerIP1: "127.0.0.1",
  brokerIP2: "127.0.0.1",
  listenPort: "0",
  haListenPort: "0",
  namesrvAddr,
  shardCount: "1",
  mappedFileSizeCommitLog: "65536",
  fileReservedTime: "0",
  maxMessageSize: "4096",
  haSendHeartbeatInterval: "200",
  ...logKeys,
};
const masterFile = properties(`${dir}/master.properties`, {
  ...common,
  storePathRootDir: `${dir}/master`,
});
let master = await startBroker({ file: masterFile });
const slave = await startBroker({
  file: properties(`${dir}/slave.properties`, {
    ...common,
    brokerId: "1",
    brokerRole: "SLAVE",
    storePathRootDir: `${dir}/slave`,
    haMasterAddress: `127.0.0.1:${master.settings.haListenPort}`,
  }),
});
const store = master.controller.store as ReplicatedStore;
await until("slave connected", () => (store.ha?.slaveCount ?? 0) === 1);
const client = new RemotingClient();
await client.invoke(master.address, createRequest(RequestCode.PULL_MESSAGE, { extFields: {} }));
await client.close();
const producer = new Producer({ namesrvAddr, groupName: "LogP", instanceName: "logging" });
await producer.start();
for (let i = 0; i < 80; i++) {
  await producer.send({ topic: "LogTopic", body: "y".repeat(1024) });
}
await producer.shutdown();
await store.adapter.messageStore.runRetention({ force: true });
await slave.close();
await until("slave gone", () => (store.ha?.slaveCount ?? 1) === 0);
await master.close();
master = await startBroker({ file: masterFile });
await master.close();
await namesrv.close();
