/**
 * Tests of Java-flavoured JSON bodies: the lenient parser accepts fastjson's
 * bare integer and object map keys, and the writer reproduces captured Java
 * bodies byte for byte when told which maps are ordered, bare-keyed or doubles.
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import { DecodeError } from "../common/mod.ts";
import { javaDouble, javaMap, parseJavaJson, stringifyJava } from "./java_json.ts";

Deno.test("parseJavaJson() reads bare integer keys as string keys", () => {
  const body = '{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"a"}';
  deepEqual(parseJavaJson(body), {
    brokerAddrs: { "0": "127.0.0.1:10911", "1": "127.0.0.1:10921" },
    brokerName: "a",
  });
});

Deno.test("parseJavaJson() reads object keys as their compact JSON text", () => {
  const body = '{"consumeTps":0.0,"offsetTable":{{"brokerName":"b","queueId":1,"topic":"t"}:' +
    '{"brokerOffset":5}}}';
  deepEqual(parseJavaJson(body), {
    consumeTps: 0,
    offsetTable: { '{"brokerName":"b","queueId":1,"topic":"t"}': { brokerOffset: 5 } },
  });
});

Deno.test("parseJavaJson() accepts UTF-8 bytes, whitespace and a __proto__ key", () => {
  const parsed = parseJavaJson(new TextEncoder().encode(' { 7 : [1, 2.5, "é"], "__proto__": 1 } '));
  deepEqual(Object.keys(parsed as object), ["7", "__proto__"]);
  deepEqual((parsed as Record<string, unknown>)["7"], [1, 2.5, "é"]);
});

Deno.test("parseJavaJson() throws DecodeError when the text is not JSON", () => {
  for (const bad of ["", "{", '{"a":}', "{a b}", '"x', "[1,]", "{}x", "nul"]) {
    throws(() => parseJavaJson(bad), DecodeError, bad);
  }
});

Deno.test("parseJavaJson() throws DecodeError when nesting is too deep", () => {
  const deep = "{1:".repeat(1000) + "1" + "}".repeat(1000);
  throws(() => parseJavaJson(deep), DecodeError);
});

Deno.test("stringifyJava() writes bare integer keys when the map asks for them", () => {
  const addrs = javaMap([[0, "127.0.0.1:10911"], [1, "127.0.0.1:10921"]], {
    bareIntegerKeys: true,
  });
  equal(
    stringifyJava({ brokerAddrs: addrs }),
    '{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"}}',
  );
  equal(
    stringifyJava({ brokerAddrs: javaMap([[1, "b"], [0, "a"]]) }),
    '{"brokerAddrs":{"1":"b","0":"a"}}',
  );
  equal(stringifyJava(javaMap([[3, 1]]), { bareIntegerKeys: true }), "{3:1}");
});

Deno.test("stringifyJava() writes object keys, doubles with .0 and omits undefined", () => {
  const table = javaMap([[{ brokerName: "b", queueId: 1, topic: "t" }, { brokerOffset: 5 }]]);
  equal(
    stringifyJava({ consumeTps: javaDouble(0), offsetTable: table, gone: undefined }),
    '{"consumeTps":0.0,"offsetTable":{{"brokerName":"b","queueId":1,"topic":"t"}:{"brokerOffset":5}}}',
  );
  equal(
    stringifyJava([javaDouble(1.5), javaDouble(-3), 12n, null, true]),
    "[1.5,-3.0,12,null,true]",
  );
});

Deno.test("stringifyJava() escapes non-ASCII only when asked", () => {
  equal(stringifyJava({ a: "é\u0001" }), '{"a":"é\\u0001"}');
  equal(stringifyJava({ a: "é" }, { escapeNonAscii: true }), '{"a":"\\u00e9"}');
});

Deno.test("stringifyJava() output parses back to the same value for standard JSON", () => {
  const value = { a: [1, "x", { b: null }], c: { "d e": false }, n: -2.25 };
  deepEqual(parseJavaJson(stringifyJava(value)), value);
});
