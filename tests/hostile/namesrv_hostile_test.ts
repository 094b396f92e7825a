/**
 * Hostile clients against a real name-server process over 127.0.0.1: each
 * attack must end with the server answering or disconnecting, a fresh client
 * still served, memory bounded (VmRSS / VmHWM from /proc), and the KV file
 * where it belongs. Method: one process, attacks as sequential steps, the
 * memory high-water mark logged at the end.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { getLogger } from "../../common/mod.ts";
import { encodeCommand, RequestCode, ResponseCode } from "../../remoting/mod.ts";
import { javaRequest, startNameServer, WireClient } from "../harness.ts";
import {
  answerOrClose,
  assertServes,
  closesAfter,
  declaredLength,
  memoryKiB,
  rawJsonFrame,
  slowloris,
  withConnections,
} from "./_attacks.ts";
import type { AttackTarget } from "./_attacks.ts";

const log = getLogger("hostile");

Deno.test("name server survives hostile clients and keeps serving others", async (t) => {
  const namesrv = await startNameServer();
  const target: AttackTarget = {
    port: namesrv.port,
    pid: namesrv.child.pid,
    probe: () => javaRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: "TBW102" }),
  };
  const before = memoryKiB(target.pid);
  let floodRss = 0;
  try {
    await t.step("slowloris: a byte every 100 ms", () => slowloris(target));

    await t.step("half-open: 50 connections with half a frame", async () => {
      const half = encodeCommand(target.probe()).subarray(0, 10);
      await withConnections(target, 50, half, () => assertServes(target));
    });

    await t.step("flood: 500 connections at once", async () => {
      await withConnections(target, 500, undefined, async (opened) => {
        assert.equal(opened, 500);
        await assertServes(target);
        floodRss = memoryKiB(target.pid).rss;
      });
      await assertServes(target);
    });

    await t.step("huge declared length is refused with a close", async () => {
      assert.ok(await closesAfter(target, declaredLength(0x7fffffff)));
      assert.ok(await closesAfter(target, declaredLength(0xffffffff)));
      assert.ok(await closesAfter(target, declaredLength(3)));
      await assertServes(target);
    });

    await t.step("a frame that never completes does not block others", async () => {
      const start = declaredLength(1024 * 1024, new Uint8Array(1000));
      await withConnections(target, 20, start, () => assertServes(target));
    });

    await t.step("header fields of the wrong type: answered or closed", async () => {
      const headers = [
        '{"code":"abc","flag":0,"language":"JAVA","opaque":1,"version":401}',
        '{"code":105,"flag":0,"language":"JAVA","opaque":2,"version":401,"extFields":{"topic":{"a":1}}}',
        '{"code":105,"flag":"x","language":7,"opaque":-3,"version":1e99,"extFields":[]}',
        '{"code":103,"flag":0,"language":"JAVA","opaque":4,"version":401,"extFields":{"brokerId":"abc"}}',
        "[1,2,3]",
        "{",
      ];
      for (const header of headers) {
        const outcome = await answerOrClose(target, rawJsonFrame(header));
        assert.notEqual(outcome, "silent", header);
      }
      await assertServes(target);
    });

    await t.step("path characters and negative numbers in fields are answered", async () => {
      const client = await WireClient.connect(target.port);
      try {
        for (const topic of ["../../etc/passwd", "..\\..\\x", "a/../../b", "%00"]) {
          const answer = await client.request(
            javaRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }),
          );
          assert.equal(answer.code, ResponseCode.TOPIC_NOT_EXIST);
        }
        const put = await client.request(javaRequest(RequestCode.PUT_KV_CONFIG, {
          namespace: "../../../tmp",
          key: "../evil",
          value: "-1",
        }));
        assert.equal(put.code, ResponseCode.SUCCESS);
        const unregister = await client.request(javaRequest(RequestCode.UNREGISTER_BROKER, {
          brokerName: "../b",
          brokerAddr: "127.0.0.1:-1",
          clusterName: "..",
          brokerId: "-9223372036854775808",
        }));
        assert.ok(unregister.code >= 0);
      } finally {
        await client.close();
      }
      const files: string[] = [];
      for await (const entry of Deno.readDir(namesrv.tempDir)) files.push(entry.name);
      assert.ok(files.every((name) => !name.includes("evil")), `unexpected files: ${files}`);
      await assertServes(target);
    });
  } finally {
    const after = memoryKiB(target.pid);
    log.info("Name server memory under attack", {
      rssBeforeKiB: before.rss,
      rssUnderFloodKiB: floodRss,
      rssAfterKiB: after.rss,
      highWaterKiB: after.hwm,
    });
    const status = await namesrv.stop();
    assert.ok(after.hwm === 0 || after.hwm < 512 * 1024, `high-water ${after.hwm} KiB`);
    assert.ok(status.signal === "SIGTERM" || status.code === 0 || status.code === 143);
  }
});
