/**
 * ACL and TLS of the broker process: with `aclEnable` a correctly signed request is served;
 * a wrong signature, an unknown key, a denied topic and an unsigned request get NO_PERMISSION
 * (16) with a remark; a globally whitelisted IP passes unsigned; edits of `plain_acl.yml` take
 * effect without a restart. With `tlsEnable` the name server and broker serve TLS clients (the
 * broker registers over TLS), and a plain client gets no answer. Method: real `namesrv/main.ts`
 * and `broker/main.ts` child processes on 127.0.0.1; certificates made with openssl.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { signRequest } from "../../common/acl/mod.ts";
import {
  createRequest,
  RemotingClient,
  type RemotingCommand,
  RequestCode,
  ResponseCode,
} from "../../remoting/mod.ts";
import { startNameServer, waitFor, WireClient } from "../harness.ts";
import {
  hasOpenssl,
  makeCertificate,
  pullRequest,
  sendV2,
  startBrokerProcess,
} from "../hostile/_broker.ts";

const ACL = (whitelist: string, topicB: string) =>
  `globalWhiteRemoteAddresses:
  - 10.10.103.*${whitelist}
accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - topicA=PUB|SUB
      - topicB=${topicB}
  - accessKey: rocketmq2
    secretKey: "87654321"
    admin: true
`;
const USER = { accessKey: "RocketMQ", secretKey: "12345678" };
const ADMIN = { accessKey: "rocketmq2", secretKey: "87654321" };

function expectDenied(answer: RemotingCommand, remark: RegExp): void {
  assert.equal(answer.code, ResponseCode.NO_PERMISSION, answer.remark ?? "");
  assert.match(answer.remark ?? "", remark);
}

Deno.test("broker with aclEnable serves signed requests, refuses others and reloads its file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rmq-acl-" });
  const aclFile = `${dir}/plain_acl.yml`;
  await Deno.writeTextFile(aclFile, ACL("", "SUB"));
  const broker = await startBrokerProcess({ aclEnable: "true", plainAclFile: aclFile });
  const client = await WireClient.connect(broker.port);
  try {
    const created = await client.request(signRequest(
      createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
        extFields: {
          topic: "topicA",
          defaultTopic: "TBW102",
          readQueueNums: "4",
          writeQueueNums: "4",
          perm: "6",
          topicFilterType: "SINGLE_TAG",
          topicSysFlag: "0",
          order: "false",
        },
      }),
      ADMIN,
    ));
    assert.equal(created.code, ResponseCode.SUCCESS, created.remark);
    const ok = await client.request(signRequest(sendV2("topicA", "signed"), USER));
    assert.equal(ok.code, ResponseCode.SUCCESS, ok.remark);
    const pulled = await client.request(signRequest(pullRequest("topicA", { group: "g1" }), USER));
    assert.equal(pulled.code, ResponseCode.SUCCESS, pulled.remark);

    const forged = signRequest(sendV2("topicA", "x"), USER);
    forged.extFields = { ...forged.extFields, Signature: "AAAA" };
    expectDenied(await client.request(forged), /Check signature failed for accessKey=RocketMQ/);
    expectDenied(
      await client.request(signRequest(sendV2("topicA", "x"), { ...USER, accessKey: "nobody" })),
      /No acl config for nobody/,
    );
    expectDenied(
      await client.request(signRequest(sendV2("topicZ", "x"), USER)),
      /No permission for topicZ/,
    );
    expectDenied(
      await client.request(signRequest(sendV2("topicB", "x"), USER)),
      /No permission for topicB/,
    );
    expectDenied(await client.request(sendV2("topicA", "unsigned")), /No accessKey/);
    expectDenied(
      await client.request(signRequest(
        createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
          extFields: {
            topic: "evil",
            defaultTopic: "TBW102",
            readQueueNums: "1",
            writeQueueNums: "1",
            perm: "6",
          },
        }),
        USER,
      )),
      /Need admin permission/,
    );

    await Deno.writeTextFile(aclFile, ACL("\n  - 127.0.0.1", "PUB"));
    await waitFor(async () => {
      const answer = await client.request(sendV2("topicB", "whitelisted"));
      return answer.code === ResponseCode.SUCCESS;
    }, { timeoutMs: 10_000, intervalMs: 200, message: "acl reload" });
    const stderr = broker.stderrText();
    assert.match(stderr, /Request refused by ACL/);
    assert.match(stderr, /RocketMQ/);
  } finally {
    await client.close();
    const status = await broker.stop();
    await Deno.remove(dir, { recursive: true });
    assert.equal(status.code, 0);
  }
});

Deno.test({
  name: "broker and name server with tlsEnable serve TLS clients and not plain ones",
  ignore: !hasOpenssl(),
  fn: async () => {
    const cert = await makeCertificate();
    assert.ok(cert !== undefined, "openssl could not make a certificate");
    const tls = {
      tlsEnable: "true",
      "tls.server.certPath": cert.certFile,
      "tls.server.keyPath": cert.keyFile,
      "tls.client.trustCertPath": cert.caFile,
    };
    const namesrv = await startNameServer(tls);
    const broker = await startBrokerProcess({ ...tls, namesrvAddr: `127.0.0.1:${namesrv.port}` });
    const client = new RemotingClient({ tls: { caCerts: [cert.caPem] } });
    try {
      const addr = `127.0.0.1:${broker.port}`;
      const sent = await client.invoke(addr, sendV2("tls_topic", "over tls"), 5000);
      assert.equal(sent.code, ResponseCode.SUCCESS, sent.remark);
      const pulled = await client.invoke(addr, pullRequest("tls_topic"), 5000);
      assert.equal(pulled.code, ResponseCode.SUCCESS, pulled.remark);
      const route = await client.invoke(
        `127.0.0.1:${namesrv.port}`,
        createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: "tls_topic" } }),
        5000,
      );
      assert.equal(route.code, ResponseCode.SUCCESS, route.remark);

      const plain = await WireClient.connect(broker.port);
      try {
        await plain.send(sendV2("tls_topic", "plain"));
        await waitFor(() => plain.isClosed, { timeoutMs: 5000, message: "plain client closed" });
        assert.equal(plain.received.length, 0);
      } finally {
        await plain.close();
      }
    } finally {
      await client.close();
      await broker.stop();
      await namesrv.stop();
      await Deno.remove(cert.dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "name server and broker with tlsEnable and tlsTestModeEnable but no certificate files serve TLS with a self-signed certificate",
  ignore: !hasOpenssl(),
  fn: async () => {
    const namesrv = await startNameServer({ tlsEnable: "true", tlsTestModeEnable: "true" });
    const broker = await startBrokerProcess({ tlsEnable: "true", tlsTestModeEnable: "true" });
    try {
      for (const server of [namesrv, broker]) {
        const probe = await new Deno.Command("openssl", {
          args: ["s_client", "-connect", `127.0.0.1:${server.port}`, "-servername", "localhost"],
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
        const text = new TextDecoder().decode(probe.stdout);
        assert.match(text, /-----BEGIN CERTIFICATE-----/);
        assert.match(text, /subject=\s*CN\s*=\s*localhost/);
        assert.match(text, /issuer=\s*CN\s*=\s*localhost/, "self-signed: issuer is the subject");
        assert.match(server.stderrText(), /tlsTestModeEnable: serving TLS with a generated/);
      }
      const plain = await WireClient.connect(broker.port);
      try {
        await plain.send(sendV2("tls_topic", "plain"));
        await waitFor(() => plain.isClosed, { timeoutMs: 5000, message: "plain client closed" });
        assert.equal(plain.received.length, 0);
      } finally {
        await plain.close();
      }
    } finally {
      await broker.stop();
      await namesrv.stop();
    }
  },
});
