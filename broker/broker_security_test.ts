/**
 * Unit tests of the broker's safety wiring: listener options from settings, the ACL hook's
 * answers (NO_PERMISSION with remark, none for one-way), credentials and signing.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { ConfigError } from "../common/mod.ts";
import { signRequest } from "../common/acl/mod.ts";
import { createRequest, RequestCode, ResponseCode } from "../remoting/mod.ts";
import { defaultBrokerSettings } from "./broker_settings.ts";
import {
  BrokerAcl,
  brokerCredentials,
  listenerOptions,
  signIfConfigured,
} from "./broker_security.ts";

const YML = "accounts:\n  - accessKey: ak\n    secretKey: sk\n    defaultTopicPerm: PUB\n";

Deno.test("listenerOptions() maps limit keys and needs certificate files with tlsEnable outside test mode", () => {
  const settings = {
    ...defaultBrokerSettings(),
    serverMaxInFlight: 3,
    serverChannelMaxIdleTimeSeconds: 2,
  };
  const options = listenerOptions(settings);
  assert.equal(options.maxInFlight, 3);
  assert.equal(options.idleTimeoutMs, 2000);
  assert.equal(options.maxConnections, 10_000);
  assert.equal(options.tls, undefined);
  assert.throws(
    () => listenerOptions({ ...settings, tlsEnable: true, tlsTestModeEnable: false }),
    ConfigError,
  );
  const tls = listenerOptions({
    ...settings,
    tlsEnable: true,
    "tls.server.certPath": "/c.pem",
    "tls.server.keyPath": "/k.pem",
  }).tls;
  assert.deepEqual(tls, { certFile: "/c.pem", keyFile: "/k.pem" });
});

Deno.test("BrokerAcl.check() answers NO_PERMISSION with a remark and nothing for one-way", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/plain_acl.yml`;
  await Deno.writeTextFile(file, YML);
  const acl = new BrokerAcl({ ...defaultBrokerSettings(), aclEnable: true, plainAclFile: file });
  try {
    const send = createRequest(RequestCode.SEND_MESSAGE_V2, { extFields: { a: "pg", b: "T" } });
    assert.equal(
      acl.check(signRequest(send, { accessKey: "ak", secretKey: "sk" }), "1.2.3.4:5"),
      undefined,
    );
    const denied = acl.check(send, "1.2.3.4:5");
    assert.equal(denied?.code, ResponseCode.NO_PERMISSION);
    assert.equal(denied?.remark, "No accessKey is configured");
    const oneway = createRequest(RequestCode.SEND_MESSAGE_V2, {
      extFields: { b: "T" },
      oneway: true,
    });
    assert.equal(acl.check(oneway, "[::1]:5"), null);
    assert.equal(acl.denied, 2);
  } finally {
    acl.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("BrokerAcl() passes everything when aclEnable is false and refuses a missing file", () => {
  const off = new BrokerAcl(defaultBrokerSettings());
  assert.equal(off.check(createRequest(RequestCode.SEND_MESSAGE, {}), "1.1.1.1:1"), undefined);
  off.close();
  assert.throws(
    () =>
      new BrokerAcl({
        ...defaultBrokerSettings(),
        aclEnable: true,
        plainAclFile: "/nonexistent/a.yml",
      }),
    ConfigError,
  );
});

Deno.test("signIfConfigured() signs only when the broker has both keys", () => {
  const cmd = createRequest(RequestCode.REGISTER_BROKER, { extFields: { brokerName: "b" } });
  assert.equal(signIfConfigured(cmd, brokerCredentials(defaultBrokerSettings())), cmd);
  const credentials = brokerCredentials({
    ...defaultBrokerSettings(),
    accessKey: "ak",
    secretKey: "sk",
  });
  const signed = signIfConfigured(cmd, credentials);
  assert.equal(signed.extFields?.["AccessKey"], "ak");
  assert.ok((signed.extFields?.["Signature"] ?? "").length > 0);
});
