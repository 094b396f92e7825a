/**
 * ACL and TLS options of every client: with `credentials` each request (and
 * one-way request) carries `AccessKey`, `SecurityToken` and a `Signature`
 * that verifies as Java's `AclClientRPCHook` computes it; with `tls` the
 * client talks TLS to a server whose certificate is signed by the given CA.
 * Method: a fake transport, then a real TLS `RemotingServer` on 127.0.0.1
 * (certificates made with openssl; skipped when openssl is missing).
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { calculateSignature, signatureContent } from "../common/acl/mod.ts";
import { createResponse, RemotingServer, RequestCode, ResponseCode } from "../remoting/mod.ts";
import type { RemotingCommand } from "../remoting/mod.ts";
import { FakeTransport, ok, routeBody } from "./_fake_transport.ts";
import { acquireClientInstance } from "./client_instance.ts";
import { Producer } from "./producer.ts";
import type { WireRequest } from "./transport.ts";

const CREDENTIALS = { accessKey: "rocketmq2", secretKey: "12345678", securityToken: "tok" };

function assertSigned(request: WireRequest): void {
  const fields = request.extFields ?? {};
  assert.equal(fields.AccessKey, "rocketmq2");
  assert.equal(fields.SecurityToken, "tok");
  const expected = calculateSignature(
    signatureContent({ extFields: { ...fields }, body: request.body }),
    "12345678",
  );
  assert.equal(fields.Signature, expected);
}

Deno.test("Producer with credentials signs every request and one-way request", async () => {
  const fake = new FakeTransport((_addr, request) => {
    if (request.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) return ok({}, routeBody("b:1", 2));
    if (request.code === RequestCode.SEND_MESSAGE_V2) {
      return ok({ msgId: "0A00000100002A9F0000000000000000", queueId: "0", queueOffset: "0" });
    }
    return ok();
  });
  const producer = new Producer({
    groupName: "pg",
    namesrvAddr: "ns:9876",
    transportFactory: fake.factory(),
    credentials: CREDENTIALS,
  });
  await producer.start();
  await producer.send({ topic: "T", body: "signed" });
  await producer.sendOneway({ topic: "T", body: "signed one-way" });
  await producer.shutdown();
  const codes = new Set(fake.calls.map((c) => c.request.code));
  assert.ok(
    codes.has(RequestCode.SEND_MESSAGE_V2) && codes.has(RequestCode.GET_ROUTEINFO_BY_TOPIC),
  );
  assert.ok(fake.calls.some((c) => c.oneway));
  for (const call of fake.calls) assertSigned(call.request);
});

Deno.test("Producer rejects empty credentials at start()", async () => {
  const producer = new Producer({
    groupName: "pg",
    namesrvAddr: "ns:9876",
    transportFactory: new FakeTransport(() => ok()).factory(),
    credentials: { accessKey: "", secretKey: "" },
  });
  await assert.rejects(() => producer.start(), TypeError);
});

function openssl(args: string[]): boolean {
  try {
    return new Deno.Command("openssl", { args, stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

const certDir = Deno.makeTempDirSync({ prefix: "client-tls-" });
Deno.writeTextFileSync(
  `${certDir}/leaf.ext`,
  "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
);
const haveCert = openssl(
  `req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=client-test-ca -keyout ${certDir}/ca.key -out ${certDir}/ca.pem`
    .split(" "),
) && openssl(
  `req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout ${certDir}/key.pem -out ${certDir}/leaf.csr`
    .split(" "),
) && openssl(
  `x509 -req -in ${certDir}/leaf.csr -CA ${certDir}/ca.pem -CAkey ${certDir}/ca.key -CAcreateserial -days 2 -extfile ${certDir}/leaf.ext -out ${certDir}/cert.pem`
    .split(" "),
);

Deno.test({
  name: "a client with tls and credentials reaches a TLS server with signed requests" +
    (haveCert ? "" : " (skipped: openssl is missing)"),
  ignore: !haveCert,
  async fn() {
    const seen: RemotingCommand[] = [];
    const server = new RemotingServer({
      hostname: "127.0.0.1",
      port: 0,
      tls: { certFile: `${certDir}/cert.pem`, keyFile: `${certDir}/key.pem` },
      handler: (cmd) => {
        seen.push(cmd);
        return createResponse(cmd, ResponseCode.TOPIC_NOT_EXIST, { remark: "none" });
      },
    });
    await server.start();
    const instance = acquireClientInstance({
      namesrvAddr: `127.0.0.1:${server.port}`,
      instanceName: "tls-test",
      tls: { caCerts: [Deno.readTextFileSync(`${certDir}/ca.pem`)] },
      credentials: CREDENTIALS,
    });
    try {
      assert.equal(await instance.updateTopicRoute("T"), undefined);
      assert.equal(seen.length, 1);
      assertSigned({ code: seen[0]!.code, extFields: seen[0]!.extFields ?? {} });
      assert.equal(seen[0]!.extFields?.topic, "T");
    } finally {
      await instance.release();
      await server.close();
    }
  },
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(certDir, { recursive: true });
});
