/**
 * Unit tests of decodeRegisterBrokerBody: Java's JSON body, the bare wrapper
 * of brokers older than V3_0_11, the 5.x compressed form, and DecodeError for
 * malformed input (checked on random bytes with a printed seed).
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { DecodeError, SeededRandom, testSeed } from "../common/mod.ts";
import { decodeRegisterBrokerBody } from "./register_broker_body.ts";

const encoder = new TextEncoder();
const JAVA_BODY = '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":' +
  '{"counter":3,"timestamp":1795591218016},"topicConfigTable":{"TBW102":{"order":false,' +
  '"perm":7,"readQueueNums":8,"topicFilterType":"SINGLE_TAG","topicName":"TBW102",' +
  '"topicSysFlag":0,"writeQueueNums":8}}}}';

Deno.test("decodeRegisterBrokerBody() reads a Java 4.9.4 RegisterBrokerBody", () => {
  const body = decodeRegisterBrokerBody(encoder.encode(JAVA_BODY), {
    compressed: false,
    version: 401,
  });
  assert.deepEqual(body.filterServerList, []);
  assert.deepEqual(body.topicConfigWrapper?.dataVersion, { counter: 3, timestamp: 1795591218016 });
  assert.deepEqual(body.topicConfigWrapper?.topicConfigTable.get("TBW102"), {
    topicName: "TBW102",
    readQueueNums: 8,
    writeQueueNums: 8,
    perm: 7,
    topicSysFlag: 0,
  });
});

Deno.test("decodeRegisterBrokerBody() reads a bare wrapper from brokers before V3_0_11", () => {
  const wrapper = '{"dataVersion":{"counter":1,"timestamp":5},"topicConfigTable":' +
    '{"T":{"perm":6,"readQueueNums":2,"topicName":"T","writeQueueNums":2}}}';
  const body = decodeRegisterBrokerBody(encoder.encode(wrapper), {
    compressed: false,
    version: 30,
  });
  assert.equal(body.topicConfigWrapper?.topicConfigTable.get("T")?.readQueueNums, 2);
});

Deno.test("decodeRegisterBrokerBody() returns no topics for an empty body", () => {
  assert.deepEqual(decodeRegisterBrokerBody(undefined, { compressed: false, version: 401 }), {
    filterServerList: [],
  });
});

function part(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setInt32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

Deno.test("decodeRegisterBrokerBody() reads the 5.x compressed form", () => {
  const count = new Uint8Array(4);
  new DataView(count.buffer).setInt32(0, 2);
  const plain = new Uint8Array([
    ...part('{"counter":7,"stateVersion":2,"timestamp":9}'),
    ...count,
    ...part("TopicA 4 4 6 SINGLE_TAG"),
    ...part('TopicB 8 2 7 SINGLE_TAG {"+message.type":"NORMAL"}'),
    ...part('["10.0.0.1:1"]'),
  ]);
  const body = decodeRegisterBrokerBody(new Uint8Array(deflateSync(plain)), {
    compressed: true,
    version: 479,
  });
  assert.deepEqual(body.topicConfigWrapper?.dataVersion, {
    counter: 7,
    timestamp: 9,
    stateVersion: 2,
  });
  assert.deepEqual([...(body.topicConfigWrapper?.topicConfigTable.keys() ?? [])], [
    "TopicA",
    "TopicB",
  ]);
  assert.equal(body.topicConfigWrapper?.topicConfigTable.get("TopicB")?.writeQueueNums, 2);
  assert.deepEqual(body.filterServerList, ["10.0.0.1:1"]);
});

Deno.test("decodeRegisterBrokerBody() throws DecodeError on wrong types", () => {
  const bad = '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"perm":"rw"}}}}';
  assert.throws(
    () => decodeRegisterBrokerBody(encoder.encode(bad), { compressed: false, version: 401 }),
    DecodeError,
  );
  assert.throws(
    () =>
      decodeRegisterBrokerBody(encoder.encode('{"filterServerList":[1]}'), {
        compressed: false,
        version: 401,
      }),
    DecodeError,
  );
});

Deno.test("decodeRegisterBrokerBody() throws only DecodeError on random bytes", () => {
  const seed = testSeed();
  const random = new SeededRandom(seed);
  for (let i = 0; i < 500; i++) {
    const bytes = Uint8Array.from({ length: random.nextInt(64) + 1 }, () => random.nextInt(256));
    for (const compressed of [false, true]) {
      try {
        decodeRegisterBrokerBody(bytes, { compressed, version: 401 });
      } catch (error) {
        assert.ok(error instanceof DecodeError, `seed ${seed} case ${i}: ${error}`);
      }
    }
  }
});
