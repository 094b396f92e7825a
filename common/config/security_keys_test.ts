/**
 * Tests of the ACL, TLS, limit and previously missing keys of the broker and
 * name-server schemas: defaults, parsing and the `plainAclFile` resolution.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { loadBrokerConfig, loadNamesrvConfig } from "./config_loader.ts";
import type { MachineInfo } from "./machine_info.ts";

const machine: MachineInfo = { hostname: "h", ipv4: "10.0.0.1", cores: 2, homeDir: "/home/mq" };

function broker(text: string, env: Record<string, string> = {}) {
  return loadBrokerConfig({ text, file: "broker.properties", machine, env });
}

Deno.test("loadBrokerConfig() gives Java's TLS and ACL defaults when the keys are absent", () => {
  const { config, warnings } = broker("");
  assert.deepEqual(warnings, []);
  assert.equal(config.aclEnable, false);
  assert.equal(config.plainAclFile, "conf/plain_acl.yml");
  assert.equal(config.tlsEnable, false);
  assert.equal(config.tlsTestModeEnable, true);
  assert.equal(config["tls.server.certPath"], undefined);
  assert.equal(config["com.rocketmq.remoting.frameMaxLength"], 16 * 1024 * 1024);
  assert.equal(config.serverMaxConnections, 10_000);
  assert.equal(config.serverMaxInFlight, 1024);
  assert.equal(config.serverMaxWriteBacklogBytes, 64 * 1024 * 1024);
  assert.equal(config.flushDelayOffsetInterval, 10_000);
  assert.equal(config.timerMaxDelaySec, 259_200);
  assert.equal(config.timerPrecisionMs, 50);
  assert.equal(config.rebalanceLockMaxLiveTime, 60_000);
});

Deno.test("loadBrokerConfig() resolves plainAclFile under rocketmqHome when relative", () => {
  assert.equal(broker("rocketmqHome=/opt/mq/\n").config.plainAclFile, "/opt/mq/conf/plain_acl.yml");
  assert.equal(
    broker("plainAclFile=acl/a.yml\n", { ROCKETMQ_HOME: "/opt/mq" }).config.plainAclFile,
    "/opt/mq/acl/a.yml",
  );
  assert.equal(
    broker("rocketmqHome=/x\nplainAclFile=/etc/a.yml\n").config.plainAclFile,
    "/etc/a.yml",
  );
});

Deno.test("loadBrokerConfig() reads the dotted tls.* keys and the limit keys", () => {
  const { config, warnings } = broker(
    [
      "tlsEnable=true",
      "tls.server.certPath=/c.pem",
      "tls.server.keyPath=/k.pem",
      "tls.client.trustCertPath=/ca.pem",
      "serverMaxConnections=50",
      "serverMaxInFlight=4",
      "serverMaxWriteBacklogBytes=1048576",
      "com.rocketmq.remoting.frameMaxLength=2097152",
      "timerPrecisionMs=100",
      "rebalanceLockMaxLiveTime=5000",
      "accessKey=rocketmq2",
      "secretKey=12345678",
      "httpAuthToken=t0k",
      "httpBasicAuth=admin:pw",
    ].join("\n"),
  );
  assert.deepEqual(warnings, []);
  assert.equal(config.tlsEnable, true);
  assert.equal(config["tls.server.certPath"], "/c.pem");
  assert.equal(config["tls.client.trustCertPath"], "/ca.pem");
  assert.equal(config.serverMaxConnections, 50);
  assert.equal(config.serverMaxInFlight, 4);
  assert.equal(config.serverMaxWriteBacklogBytes, 1_048_576);
  assert.equal(config["com.rocketmq.remoting.frameMaxLength"], 2_097_152);
  assert.equal(config.timerPrecisionMs, 100);
  assert.equal(config.rebalanceLockMaxLiveTime, 5000);
  assert.equal(config.accessKey, "rocketmq2");
  assert.equal(config.httpAuthToken, "t0k");
  assert.equal(config.httpBasicAuth, "admin:pw");
});

Deno.test("loadBrokerConfig() throws ConfigError on a bad limit or basic-auth value", () => {
  assert.throws(() => broker("serverMaxInFlight=0\n"), ConfigError);
  assert.throws(() => broker("httpBasicAuth=nocolon\n"), ConfigError);
});

Deno.test("loadNamesrvConfig() reads TLS and limit keys", () => {
  const { config, warnings } = loadNamesrvConfig({
    text: "tlsEnable=true\ntls.server.certPath=/c\ntls.server.keyPath=/k\nserverMaxConnections=7\n",
    file: "namesrv.properties",
    machine,
    env: {},
  });
  assert.deepEqual(warnings, []);
  assert.equal(config.tlsEnable, true);
  assert.equal(config["tls.server.keyPath"], "/k");
  assert.equal(config.serverMaxConnections, 7);
  assert.equal(config.serverMaxInFlight, 1024);
});

Deno.test("loadBrokerConfig() reads the flow-control keys with Java's defaults and rejects zero", () => {
  const defaults = broker("").config;
  assert.equal(defaults.waitTimeMillsInSendQueue, 200);
  assert.equal(defaults.osPageCacheBusyTimeOutMills, 1000);
  assert.equal(defaults.brokerFastFailureEnable, true);
  assert.equal(defaults.sendThreadPoolQueueCapacity, 10_000);
  assert.equal(defaults.sendMessageMaxInFlight, 1024);
  assert.equal(defaults.maxSuspendedPulls, 100_000);
  const set = broker(
    "waitTimeMillsInSendQueue=50\nosPageCacheBusyTimeOutMills=300\nbrokerFastFailureEnable=false\n" +
      "sendThreadPoolQueueCapacity=8\nsendMessageMaxInFlight=2\nmaxSuspendedPulls=16\n",
  ).config;
  assert.deepEqual(
    [
      set.waitTimeMillsInSendQueue,
      set.osPageCacheBusyTimeOutMills,
      set.brokerFastFailureEnable,
      set.sendThreadPoolQueueCapacity,
      set.sendMessageMaxInFlight,
      set.maxSuspendedPulls,
    ],
    [50, 300, false, 8, 2, 16],
  );
  assert.throws(() => broker("maxSuspendedPulls=0\n"), ConfigError);
  assert.throws(() => broker("waitTimeMillsInSendQueue=0\n"), ConfigError);
});
