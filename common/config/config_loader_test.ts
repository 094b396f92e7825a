/**
 * Tests of the config loader: fixed machine facts and environment make the
 * derived defaults deterministic; each case loads small properties text and
 * checks values, warnings or the exact error message.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { loadBrokerConfig, loadNamesrvConfig } from "./config_loader.ts";
import type { MachineInfo } from "./machine_info.ts";

const machine: MachineInfo = {
  hostname: "mq-host",
  ipv4: "10.1.2.3",
  cores: 2,
  homeDir: "/home/mq",
};

function broker(
  text: string,
  extra: { overrides?: Record<string, string>; env?: Record<string, string> } = {},
) {
  return loadBrokerConfig({
    text,
    file: "broker.properties",
    machine,
    env: extra.env ?? {},
    ...(extra.overrides ? { overrides: extra.overrides } : {}),
  });
}

function rejects(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("loadBrokerConfig() applies RocketMQ defaults when the file is empty", () => {
  const { config, warnings } = broker("");
  assert.deepEqual(warnings, []);
  assert.equal(config.brokerClusterName, "DefaultCluster");
  assert.equal(config.brokerName, "mq-host");
  assert.equal(config.brokerId, 0);
  assert.equal(config.listenPort, 10911);
  assert.equal(config.haListenPort, 10912);
  assert.equal(config.brokerIP1, "10.1.2.3");
  assert.equal(config.brokerIP2, "10.1.2.3");
  assert.equal(config.brokerRole, "ASYNC_MASTER");
  assert.equal(config.flushDiskType, "ASYNC_FLUSH");
  assert.equal(config.deleteWhen, "04");
  assert.equal(config.fileReservedTime, 72);
  assert.equal(config.mappedFileSizeCommitLog, 1024 * 1024 * 1024);
  assert.equal(config.maxMessageSize, 4 * 1024 * 1024);
  assert.equal(config.storePathRootDir, "/home/mq/store");
  assert.equal(config.storePathCommitLog, "/home/mq/store/commitlog");
  assert.equal(config.namesrvAddr, null);
  assert.equal(config.haMasterAddress, null);
  assert.equal(config.slaveReadEnable, false);
  assert.equal(config.haTransferBatchSize, 32_768);
  assert.equal(config.shardCount, 1); // 2 cores: one left to the main thread
  assert.equal(config.httpPort, -1);
  assert.equal(config.httpBindAddress, "127.0.0.1");
  assert.equal(config.messageDelayLevel.split(" ").length, 18);
});

Deno.test("loadBrokerConfig() coerces values and derives dependent defaults", () => {
  const { config } = broker(
    "listenPort = 10921\nstorePathRootDir=/data/s\nbrokerRole=SLAVE\nbrokerId=2\n" +
      "slaveReadEnable=TRUE\nflushDiskType:SYNC_FLUSH\nbrokerIP1=192.168.0.9\n",
  );
  assert.equal(config.listenPort, 10921);
  assert.equal(config.haListenPort, 10922);
  assert.equal(config.storePathCommitLog, "/data/s/commitlog");
  assert.equal(config.brokerRole, "SLAVE");
  assert.equal(config.brokerId, 2);
  assert.equal(config.slaveReadEnable, true);
  assert.equal(config.flushDiskType, "SYNC_FLUSH");
  assert.equal(config.brokerIP2, "192.168.0.9");
});

Deno.test("loadBrokerConfig() keeps an explicit haListenPort and storePathCommitLog", () => {
  const { config } = broker("haListenPort=20000\nstorePathCommitLog=/fast/cl\nlistenPort=0\n");
  assert.equal(config.haListenPort, 20000);
  assert.equal(config.storePathCommitLog, "/fast/cl");
  assert.equal(broker("listenPort=0").config.haListenPort, 0);
});

Deno.test("loadBrokerConfig() warns about unknown keys naming file, line and key", () => {
  const { warnings } = broker("brokerName=a\nnoSuchKey=1\n", { overrides: { bogus: "x" } });
  assert.deepEqual(warnings, [
    'Unknown key in "broker.properties" line 2: "noSuchKey" is ignored',
    'Unknown key in command line: "bogus" is ignored',
  ]);
});

Deno.test("loadBrokerConfig() rejects a bad value naming file, key, value and expectation", () => {
  rejects(
    () => broker("listenPort=abc"),
    'Invalid value in "broker.properties": key "listenPort" has value "abc", expected an integer from 0 to 65535',
  );
  rejects(
    () => broker("brokerRole=MASTER"),
    'Invalid value in "broker.properties": key "brokerRole" has value "MASTER", expected one of ASYNC_MASTER, SYNC_MASTER, SLAVE',
  );
  rejects(
    () => broker("slaveReadEnable=yes"),
    'Invalid value in "broker.properties": key "slaveReadEnable" has value "yes", expected true or false',
  );
  rejects(
    () => broker("deleteWhen=25"),
    'Invalid value in "broker.properties": key "deleteWhen" has value "25", expected hours from 00 to 23 separated by ";"',
  );
  rejects(
    () => broker("messageDelayLevel=1s 5x"),
    'Invalid value in "broker.properties": key "messageDelayLevel" has value "1s 5x", expected durations like 1s 5m 2h separated by spaces',
  );
});

Deno.test("loadBrokerConfig() accepts an hour list in deleteWhen", () => {
  assert.equal(broker("deleteWhen=04;16").config.deleteWhen, "04;16");
});

Deno.test("loadBrokerConfig() lets the -n override win over the file and the environment", () => {
  const env = { NAMESRV_ADDR: "10.0.0.9:9876" };
  assert.equal(broker("", { env }).config.namesrvAddr, "10.0.0.9:9876");
  assert.equal(broker("namesrvAddr=a:1;b:2", { env }).config.namesrvAddr, "a:1;b:2");
  const cli = broker("namesrvAddr=a:1", { env, overrides: { namesrvAddr: "127.0.0.1:9876" } });
  assert.equal(cli.config.namesrvAddr, "127.0.0.1:9876");
});

Deno.test("loadBrokerConfig() validates namesrvAddr entries wherever they come from", () => {
  rejects(
    () => broker("", { overrides: { namesrvAddr: "localhost" } }),
    'Invalid value in command line: key "namesrvAddr" has value "localhost", expected a list of host:port separated by ";"',
  );
  rejects(
    () => broker("", { env: { NAMESRV_ADDR: "h:99999" } }),
    'Invalid value in environment variable NAMESRV_ADDR: key "namesrvAddr" has value "h:99999", expected a list of host:port separated by ";"',
  );
});

Deno.test("loadBrokerConfig() forces brokerId 0 on a master with a warning", () => {
  const { config, warnings } = broker("brokerId=3");
  assert.equal(config.brokerId, 0);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? "", /brokerId 3 ignored/);
});

Deno.test("loadBrokerConfig() rejects a slave with brokerId 0", () => {
  rejects(
    () => broker("brokerRole=SLAVE"),
    'Invalid value: key "brokerId" has value "0", expected an integer above 0 when brokerRole is SLAVE',
  );
});

Deno.test("loadBrokerConfig() derives shardCount from cores (one left to the main thread), capped at 8", () => {
  const shards = (cores: number) =>
    loadBrokerConfig({ env: {}, machine: { ...machine, cores } }).config.shardCount;
  assert.equal(shards(32), 8);
  assert.equal(shards(1), 1);
  assert.equal(shards(2), 1);
  assert.equal(shards(4), 3);
  assert.equal(broker("shardCount=3").config.shardCount, 3);
});

Deno.test("loadBrokerConfig() reads a file and names it in errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/broker.properties`;
    await Deno.writeTextFile(path, "brokerName=broker-a\nlistenPort=-5\n");
    rejects(
      () => loadBrokerConfig({ file: path, env: {}, machine }),
      `Invalid value in "${path}": key "listenPort" has value "-5", expected an integer from 0 to 65535`,
    );
    await Deno.writeTextFile(path, "brokerName=broker-a\n");
    assert.equal(loadBrokerConfig({ file: path, env: {}, machine }).config.brokerName, "broker-a");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadBrokerConfig() throws ConfigError when the file is missing", () => {
  assert.throws(
    () => loadBrokerConfig({ file: "/nonexistent/broker.properties", env: {}, machine }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.startsWith('Cannot read configuration file "/nonexistent/broker.properties"'),
  );
});

Deno.test("loadNamesrvConfig() applies NamesrvConfig and NettyServerConfig defaults", () => {
  const { config, warnings } = loadNamesrvConfig({ env: {}, machine });
  assert.deepEqual(warnings, []);
  assert.equal(config.listenPort, 9876);
  assert.equal(config.bindAddress, "0.0.0.0");
  assert.equal(config.orderMessageEnable, false);
  assert.equal(config.scanNotActiveBrokerInterval, 5000);
  assert.equal(config.serverChannelMaxIdleTimeSeconds, 120);
  assert.equal(config.brokerChannelExpiredTime, 120_000);
  assert.equal(config.kvConfigPath, "/home/mq/namesrv/kvConfig.json");
  assert.equal(config.rocketmqHome, null);
});

Deno.test("loadNamesrvConfig() reads overrides, ROCKETMQ_HOME and our expiry key", () => {
  const { config } = loadNamesrvConfig({
    text: "brokerChannelExpiredTime=3000\norderMessageEnable=true\n",
    overrides: { listenPort: "0" },
    env: { ROCKETMQ_HOME: "/opt/rocketmq" },
    machine,
  });
  assert.equal(config.brokerChannelExpiredTime, 3000);
  assert.equal(config.orderMessageEnable, true);
  assert.equal(config.listenPort, 0);
  assert.equal(config.rocketmqHome, "/opt/rocketmq");
});

Deno.test("loadNamesrvConfig() rejects a zero expiry", () => {
  rejects(
    () => loadNamesrvConfig({ text: "brokerChannelExpiredTime=0", env: {}, machine }),
    'Invalid value in "configuration text": key "brokerChannelExpiredTime" has value "0", expected an integer from 1 to 9007199254740991',
  );
});
