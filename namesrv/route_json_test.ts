/**
 * Unit tests of the route JSON writers against byte layouts Java's fastjson
 * produces (fixture README quirks 22, 23, 27): standard vs bare integer keys,
 * sorted broker ids, both sys-flag spellings, non-ASCII escaping, optional
 * fields omitted.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import type { TopicRouteData } from "./route_data.ts";
import {
  encodeClusterInfo,
  encodeDataVersion,
  encodeKvTable,
  encodeTopicList,
  topicRouteDataJson,
} from "./route_json.ts";

const decoder = new TextDecoder();

function route(): TopicRouteData {
  return {
    queueDatas: [{
      brokerName: "b",
      readQueueNums: 4,
      writeQueueNums: 4,
      perm: 6,
      topicSysFlag: 0,
    }],
    brokerDatas: [{
      cluster: "c",
      brokerName: "b",
      brokerAddrs: new Map([[1, "h:2"], [0, "h:1"]]),
    }],
    filterServerTable: new Map(),
  };
}

Deno.test("topicRouteDataJson() writes quoted sorted ids in standard form and bare ids otherwise", () => {
  assert.equal(
    topicRouteDataJson(route(), { standardJson: true, topicSynFlag: false }),
    '{"brokerDatas":[{"brokerAddrs":{"0":"h:1","1":"h:2"},"brokerName":"b","cluster":"c"}],' +
      '"filterServerTable":{},"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":4,' +
      '"topicSysFlag":0,"writeQueueNums":4}]}',
  );
  assert.match(
    topicRouteDataJson(route(), { standardJson: false }),
    /"brokerAddrs":\{0:"h:1",1:"h:2"\}.*"topicSynFlag":0,"topicSysFlag":0/,
  );
});

Deno.test("topicRouteDataJson() writes optional fields only when set and escapes non-ASCII in standard form", () => {
  const r = route();
  r.orderTopicConf = "b:4";
  const broker = r.brokerDatas[0];
  assert.ok(broker);
  broker.enableActingMaster = false;
  broker.zoneName = "zöne";
  const json = topicRouteDataJson(r, { standardJson: true });
  assert.match(json, /"cluster":"c","enableActingMaster":false,"zoneName":"z\\u00f6ne"\}/);
  assert.match(json, /"filterServerTable":\{\},"orderTopicConf":"b:4","queueDatas"/);
  assert.deepEqual(JSON.parse(json).brokerDatas[0].zoneName, "zöne");
});

Deno.test("encodeClusterInfo() always uses bare integer keys", () => {
  const info = {
    brokerAddrTable: new Map([["b", route().brokerDatas[0]!]]),
    clusterAddrTable: new Map([["c", ["b"]]]),
  };
  assert.equal(
    decoder.decode(encodeClusterInfo(info)),
    '{"brokerAddrTable":{"b":{"brokerAddrs":{0:"h:1",1:"h:2"},"brokerName":"b","cluster":"c"}},' +
      '"clusterAddrTable":{"c":["b"]}}',
  );
});

Deno.test("encodeTopicList(), encodeKvTable() and encodeDataVersion() match Java's layout", () => {
  assert.equal(
    decoder.decode(encodeTopicList({ topicList: ["a", "b"] })),
    '{"topicList":["a","b"]}',
  );
  assert.equal(
    decoder.decode(encodeTopicList({ topicList: [], brokerAddr: "h:1" })),
    '{"brokerAddr":"h:1","topicList":[]}',
  );
  assert.equal(decoder.decode(encodeKvTable(new Map([["k", "v"]]))), '{"table":{"k":"v"}}');
  assert.equal(
    decoder.decode(encodeDataVersion({ counter: 1, timestamp: 2 })),
    '{"counter":1,"timestamp":2}',
  );
  assert.equal(
    decoder.decode(encodeDataVersion({ counter: 1, timestamp: 2, stateVersion: 3 })),
    '{"counter":1,"stateVersion":3,"timestamp":2}',
  );
});
