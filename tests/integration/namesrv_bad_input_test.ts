/**
 * Integration: bad input never crashes the name server. Goal: each malformed
 * frame or field gets an error response or a closed connection, while other
 * connections keep working and the process exits cleanly afterwards. Method:
 * one name-server process; a healthy client registered first; then one fresh
 * connection per bad input (garbage, oversize length, header length past the
 * frame, invalid JSON header, wrong field types, bad bodies), each followed by
 * a route query on the healthy connection.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { javaRequest, registerBrokerRequest, startNameServer, WireClient } from "../harness.ts";
import { SeededRandom, testSeed } from "../../common/mod.ts";

const encoder = new TextEncoder();

/** A frame with a JSON header text and an optional body, lengths as given. */
function frame(header: string, body = new Uint8Array(), lengthDelta = 0): Uint8Array {
  const headerBytes = encoder.encode(header);
  const out = new Uint8Array(8 + headerBytes.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 4 + headerBytes.length + body.length + lengthDelta);
  view.setUint32(4, headerBytes.length);
  out.set(headerBytes, 8);
  out.set(body, 8 + headerBytes.length);
  return out;
}

interface Harness {
  healthy: WireClient;
  stillServing(): Promise<void>;
  expectClosed(bytes: Uint8Array): Promise<void>;
}

/** A name server with one registered broker on a healthy connection. */
async function withHealthyClient(fn: (h: Harness) => Promise<void>): Promise<void> {
  const ns = await startNameServer();
  const healthy = await WireClient.connect(ns.port);
  const stillServing = async () => {
    const response = await healthy.request(javaRequest(105, { topic: "TopicTest" }));
    assert.equal(response.code, 0, "the healthy connection still gets routes");
  };
  const expectClosed = async (bytes: Uint8Array) => {
    const bad = await WireClient.connect(ns.port);
    try {
      await bad.sendRaw(bytes);
      assert.ok(await bad.waitClosed(3000), "the offending connection is closed");
    } finally {
      await bad.close();
    }
    await stillServing();
  };
  try {
    assert.equal((await healthy.request(registerBrokerRequest())).code, 0);
    await fn({ healthy, stillServing, expectClosed });
    await stillServing();
  } finally {
    await healthy.close();
    const status = await ns.stop();
    assert.equal(status.code, 0, `clean exit; stderr:\n${ns.stderrText()}`);
  }
}

Deno.test("mqnamesrv closes a connection that sends malformed frames and keeps serving others", async (t) => {
  await withHealthyClient(async ({ expectClosed }) => {
    await t.step("random garbage bytes", async () => {
      const seed = testSeed();
      const random = new SeededRandom(seed);
      const garbage = Uint8Array.from({ length: 256 }, () => random.nextInt(256));
      garbage[0] = 0x7f; // a huge length prefix, so the garbage cannot be a valid short frame
      await expectClosed(garbage).catch((error) => {
        throw new Error(`garbage seed ${seed}: ${error}`, { cause: error });
      });
    });
    await t.step("a length past the 16 MiB limit", async () => {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setUint32(0, 16 * 1024 * 1024 + 1);
      await expectClosed(bytes);
    });
    await t.step("a header length past the frame", async () => {
      const bytes = new Uint8Array(12);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, 8);
      view.setUint32(4, 100);
      await expectClosed(bytes);
    });
    await t.step("an invalid JSON header", async () => {
      await expectClosed(frame('{"code":105,"extFields":{"topic":'));
    });
    await t.step("a header with wrong JSON types", async () => {
      await expectClosed(frame('{"code":"x","extFields":[1,2],"flag":0,"opaque":1,"version":401}'));
    });
  });
});

Deno.test("mqnamesrv answers malformed fields and bodies with SYSTEM_ERROR and a clear remark", async (t) => {
  await withHealthyClient(async ({ healthy, stillServing }) => {
    await t.step("a non-integer brokerId gets SYSTEM_ERROR with a clear remark", async () => {
      const request = registerBrokerRequest();
      request.extFields = { ...request.extFields, brokerId: "abc" };
      const response = await healthy.request(request);
      assert.equal(response.code, 1);
      assert.match(response.remark ?? "", /brokerId.*"abc".*integer/);
      await stillServing();
    });
    await t.step("a missing required field gets SYSTEM_ERROR naming it", async () => {
      const response = await healthy.request(javaRequest(104, { brokerName: "broker-a" }));
      assert.equal(response.code, 1);
      assert.match(response.remark ?? "", /brokerAddr/);
      const noTopic = await healthy.request(javaRequest(105, {}));
      assert.equal(noTopic.code, 1);
      assert.match(noTopic.remark ?? "", /topic/);
    });
    await t.step("a register body that is not JSON gets SYSTEM_ERROR", async () => {
      const request = registerBrokerRequest({ brokerName: "broker-x", brokerAddr: "127.0.0.1:1" });
      request.body = encoder.encode("{not json");
      request.extFields = { ...request.extFields, bodyCrc32: "0" };
      const response = await healthy.request(request);
      assert.equal(response.code, 1);
      assert.match(response.remark ?? "", /not valid JSON/);
    });
    await t.step("a register body with wrong types gets SYSTEM_ERROR", async () => {
      const request = registerBrokerRequest({ brokerName: "broker-x", brokerAddr: "127.0.0.1:1" });
      request.body = encoder.encode(
        '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"perm":"rw"}}}}',
      );
      request.extFields = { ...request.extFields, bodyCrc32: "0" };
      const response = await healthy.request(request);
      assert.equal(response.code, 1);
      assert.match(response.remark ?? "", /perm/);
    });
    await t.step("a body CRC mismatch gets SYSTEM_ERROR crc32 not match", async () => {
      const request = registerBrokerRequest({ brokerName: "broker-x", brokerAddr: "127.0.0.1:1" });
      request.extFields = { ...request.extFields, bodyCrc32: "12345" };
      const response = await healthy.request(request);
      assert.equal(response.code, 1);
      assert.equal(response.remark, "crc32 not match");
    });
    await t.step("a compressed flag on a plain body gets SYSTEM_ERROR", async () => {
      const request = registerBrokerRequest({ brokerName: "broker-x", brokerAddr: "127.0.0.1:1" });
      request.extFields = { ...request.extFields, compressed: "true" };
      const response = await healthy.request(request);
      assert.equal(response.code, 1);
      const route = await healthy.request(javaRequest(105, { topic: "TopicTest" }));
      assert.doesNotMatch(new TextDecoder().decode(route.body), /broker-x/);
    });
  });
});
