/**
 * Tests of the JSON header codec against the text layouts of
 * remoting-protocol.md section 2 and the quirks of real clients (ali-ons
 * numbers and booleans, missing keys, unknown keys).
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import { DecodeError } from "../common/mod.ts";
import {
  decodeJsonHeader,
  decodeJsonHeaderText,
  encodeJsonHeader,
  encodeJsonHeaderText,
} from "./json_header_codec.ts";

Deno.test("encodeJsonHeaderText() writes Java's compact alphabetical form", () => {
  const text = encodeJsonHeaderText({
    code: 105,
    language: "JAVA",
    version: 479,
    opaque: 12,
    flag: 0,
    extFields: { topic: "TopicTest" },
  });
  equal(
    text,
    '{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":12,' +
      '"serializeTypeCurrentRPC":"JSON","version":479}',
  );
});

Deno.test("encodeJsonHeaderText() omits absent keys, keeps extFields order and escapes", () => {
  equal(
    encodeJsonHeaderText({ code: 0, language: "JAVA", version: 401, opaque: 3, flag: 1 }),
    '{"code":0,"flag":1,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":401}',
  );
  equal(
    encodeJsonHeaderText({
      code: 17,
      language: "JAVA",
      version: 401,
      opaque: 1,
      flag: 1,
      remark: "line\nnext",
      extFields: { z: "1", a: "p\u0001q\u0002" },
    }),
    '{"code":17,"extFields":{"z":"1","a":"p\\u0001q\\u0002"},"flag":1,"language":"JAVA",' +
      '"opaque":1,"remark":"line\\nnext","serializeTypeCurrentRPC":"JSON","version":401}',
  );
});

Deno.test("decodeJsonHeaderText() turns ali-ons numbers and booleans into strings", () => {
  const header = decodeJsonHeaderText(
    '{"code":310,"language":"JAVA","opaque":5,"flag":0,"version":121,' +
      '"extFields":{"a":"g","d":4,"g":1795591446000,"k":false,"big":12345678901234567890,"f":1.50}}',
  );
  deepEqual(header, {
    code: 310,
    language: "JAVA",
    version: 121,
    opaque: 5,
    flag: 0,
    extFields: {
      a: "g",
      d: "4",
      g: "1795591446000",
      k: "false",
      big: "12345678901234567890",
      f: "1.50",
    },
  });
});

Deno.test("decodeJsonHeaderText() accepts missing optional keys and ignores unknown ones", () => {
  deepEqual(decodeJsonHeaderText('{"code":34,"opaque":9,"language":"RUST_NEW","x":[1]}'), {
    code: 34,
    language: "RUST_NEW",
    version: 0,
    opaque: 9,
    flag: 0,
  });
  deepEqual(decodeJsonHeaderText('{"code":1,"opaque":2,"remark":null,"extFields":null}'), {
    code: 1,
    language: "JAVA",
    version: 0,
    opaque: 2,
    flag: 0,
  });
});

Deno.test("decodeJsonHeaderText() keeps a __proto__ extFields key as data", () => {
  const header = decodeJsonHeaderText('{"code":1,"opaque":2,"extFields":{"__proto__":"x"}}');
  deepEqual(Object.keys(header.extFields ?? {}), ["__proto__"]);
  equal(Object.getPrototypeOf(header.extFields), Object.prototype);
});

Deno.test("decodeJsonHeader() throws DecodeError when JSON or types are wrong", () => {
  const bad = [
    "",
    "{",
    "[]",
    "1",
    '{"opaque":1}',
    '{"code":"10","opaque":1}',
    '{"code":1.5,"opaque":1}',
    '{"code":1,"opaque":4294967296}',
    '{"code":1,"opaque":1,"language":7}',
    '{"code":1,"opaque":1,"remark":5}',
    '{"code":1,"opaque":1,"extFields":[]}',
    '{"code":1,"opaque":1,"extFields":{"a":{}}}',
  ];
  for (const text of bad) {
    throws(() => decodeJsonHeader(new TextEncoder().encode(text)), DecodeError, text);
  }
});

Deno.test("decodeJsonHeader() reads what encodeJsonHeader() wrote", () => {
  const header = {
    code: 200050,
    language: "GO",
    version: 317,
    opaque: -5,
    flag: 3,
    remark: "é ✓",
    extFields: { b: "", a: "1" },
  };
  deepEqual(decodeJsonHeader(encodeJsonHeader(header)), header);
});
