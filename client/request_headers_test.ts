/**
 * Header builders against the captured Java 4.9.4 frames: for every request of
 * the codes the client sends, rebuild the header from typed values taken from
 * the frame and compare keys, key order and values with the wire.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import {
  pullMessageHeader,
  pullSysFlag,
  queryConsumerOffsetHeader,
  sendMessageHeaderV1,
  sendMessageHeaderV2,
  toExtFields,
  unregisterClientHeader,
  updateConsumerOffsetHeader,
} from "./request_headers.ts";

const FIXTURES = new URL("../../shared/fixtures/java-4.9.4/", import.meta.url);
const SKIP_NOTE = existsSync(FIXTURES)
  ? ""
  : " (skipped: ../shared/fixtures/java-4.9.4 is missing)";
const missing = !existsSync(FIXTURES);

interface Frame {
  code: number;
  from: string;
  serializeType: string;
  isResponse: boolean;
  extFields?: Record<string, string>;
}

function javaRequests(code: number): Frame[] {
  const result: Frame[] = [];
  for (const file of ["03-java-producer-consumer", "06-delay-batch", "07-send-message-v1"]) {
    const text = Deno.readTextFileSync(new URL(`${file}.jsonl`, FIXTURES));
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      const frame = JSON.parse(line) as Frame;
      if (frame.isResponse || frame.code !== code || !frame.from.startsWith("java-")) continue;
      result.push(frame);
    }
  }
  assert.ok(result.length > 0, `no frames with code ${code}`);
  return result;
}

function assertSameHeader(got: Record<string, string>, wire: Record<string, string>): void {
  assert.deepEqual(Object.keys(got), Object.keys(wire));
  assert.deepEqual(got, wire);
}

Deno.test({
  name: "sendMessageHeaderV2() matches every Java SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE header" +
    SKIP_NOTE,
  ignore: missing,
  fn() {
    for (const frame of [...javaRequests(310), ...javaRequests(320)]) {
      const w = frame.extFields!;
      const got = sendMessageHeaderV2({
        producerGroup: w.a!,
        topic: w.b!,
        defaultTopic: w.c!,
        defaultTopicQueueNums: Number(w.d),
        queueId: Number(w.e),
        sysFlag: Number(w.f),
        bornTimestamp: Number(w.g),
        flag: Number(w.h),
        properties: w.i!,
        reconsumeTimes: Number(w.j),
        unitMode: w.k === "true",
        batch: w.m === "true",
      });
      assertSameHeader(got, w);
    }
  },
});

Deno.test({
  name: "sendMessageHeaderV1() matches the Java SEND_MESSAGE header with long names" + SKIP_NOTE,
  ignore: missing,
  fn() {
    for (const frame of javaRequests(10)) {
      const w = frame.extFields!;
      const got = sendMessageHeaderV1({
        producerGroup: w.producerGroup!,
        topic: w.topic!,
        defaultTopic: w.defaultTopic!,
        defaultTopicQueueNums: Number(w.defaultTopicQueueNums),
        queueId: Number(w.queueId),
        sysFlag: Number(w.sysFlag),
        bornTimestamp: Number(w.bornTimestamp),
        flag: Number(w.flag),
        properties: w.properties!,
        reconsumeTimes: Number(w.reconsumeTimes),
        unitMode: w.unitMode === "true",
        batch: w.batch === "true",
      });
      assert.deepEqual(got, w);
    }
  },
});

Deno.test({
  name: "pullMessageHeader() matches every Java push-consumer PULL_MESSAGE header" + SKIP_NOTE,
  ignore: missing,
  fn() {
    for (const frame of javaRequests(11)) {
      const w = frame.extFields!;
      const sysFlag = Number(w.sysFlag);
      assert.equal(
        pullSysFlag({ commitOffset: (sysFlag & 1) !== 0, suspend: (sysFlag & 2) !== 0 }),
        sysFlag,
      );
      const got = pullMessageHeader({
        consumerGroup: w.consumerGroup!,
        topic: w.topic!,
        queueId: Number(w.queueId),
        queueOffset: Number(w.queueOffset),
        maxMsgNums: Number(w.maxMsgNums),
        sysFlag,
        commitOffset: Number(w.commitOffset),
        suspendTimeoutMillis: Number(w.suspendTimeoutMillis),
        subVersion: Number(w.subVersion),
        expressionType: w.expressionType!,
      });
      if (frame.serializeType === "JSON") assertSameHeader(got, w);
      else assert.deepEqual(got, w);
    }
  },
});

Deno.test({
  name: "offset and unregister header builders match the Java frames" + SKIP_NOTE,
  ignore: missing,
  fn() {
    for (const frame of javaRequests(14)) {
      const w = frame.extFields!;
      const got = queryConsumerOffsetHeader(w.consumerGroup!, {
        topic: w.topic!,
        queueId: Number(w.queueId),
      });
      assert.deepEqual(got, w);
    }
    for (const frame of javaRequests(15)) {
      const w = frame.extFields!;
      const got = updateConsumerOffsetHeader(w.consumerGroup!, {
        topic: w.topic!,
        queueId: Number(w.queueId),
        commitOffset: Number(w.commitOffset),
      });
      assertSameHeader(got, w);
    }
    for (const frame of javaRequests(35)) {
      const w = frame.extFields!;
      const group = w.producerGroup === undefined
        ? { consumerGroup: w.consumerGroup! }
        : { producerGroup: w.producerGroup };
      assertSameHeader(unregisterClientHeader(w.clientID!, group), w);
    }
  },
});

Deno.test("toExtFields() stringifies numbers and booleans and drops undefined", () => {
  assert.deepEqual(toExtFields({ a: 1, b: true, c: undefined, d: "x" }), {
    a: "1",
    b: "true",
    d: "x",
  });
});
