/**
 * Tests of the binary ROCKETMQ header against the byte layout of
 * remoting-protocol.md section 3, built by hand here.
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import { DecodeError } from "../common/mod.ts";
import {
  BINARY_HEADER_MIN_BYTES,
  decodeBinaryHeader,
  encodeBinaryHeader,
  fitsBinaryHeader,
} from "./binary_header_codec.ts";

/** code 310, GO, version 317, opaque 7, flag 0, remark "ok", extFields {a:"1", bc:""}. */
const SAMPLE = new Uint8Array([
  0x01,
  0x36, // code 310
  9, // GO
  0x01,
  0x3d, // version 317
  0,
  0,
  0,
  7, // opaque
  0,
  0,
  0,
  0, // flag
  0,
  0,
  0,
  2,
  0x6f,
  0x6b, // remark "ok"
  0,
  0,
  0,
  16, // extFields length: (2+1+4+1) + (2+2+4+0)
  0,
  1,
  0x61,
  0,
  0,
  0,
  1,
  0x31, // "a" -> "1"
  0,
  2,
  0x62,
  0x63,
  0,
  0,
  0,
  0, // "bc" -> ""
]);

Deno.test("decodeBinaryHeader() reads every field of the documented layout", () => {
  deepEqual(decodeBinaryHeader(SAMPLE), {
    code: 310,
    language: "GO",
    version: 317,
    opaque: 7,
    flag: 0,
    remark: "ok",
    extFields: { a: "1", bc: "" },
  });
});

Deno.test("encodeBinaryHeader() writes the documented layout byte for byte", () => {
  const bytes = encodeBinaryHeader({
    code: 310,
    language: "GO",
    version: 317,
    opaque: 7,
    flag: 0,
    remark: "ok",
    extFields: { a: "1", bc: "" },
  });
  deepEqual(bytes, SAMPLE);
});

Deno.test("encodeBinaryHeader() writes 21 bytes and no remark or map when both are empty", () => {
  const bytes = encodeBinaryHeader({
    code: 0,
    language: "JAVA",
    version: 401,
    opaque: -1,
    flag: 1,
    remark: "",
    extFields: {},
  });
  equal(bytes.length, BINARY_HEADER_MIN_BYTES);
  deepEqual(decodeBinaryHeader(bytes), {
    code: 0,
    language: "JAVA",
    version: 401,
    opaque: -1,
    flag: 1,
  });
});

Deno.test("encodeBinaryHeader() maps unknown languages to OTHER and rejects wide codes", () => {
  equal(encodeBinaryHeader({ code: 1, language: "ZIG", version: 1, opaque: 1, flag: 0 })[2], 7);
  const pop = { code: 200050, language: "JAVA", version: 401, opaque: 1, flag: 0 };
  equal(fitsBinaryHeader(pop), false);
  throws(() => encodeBinaryHeader(pop), RangeError);
});

Deno.test("decodeBinaryHeader() throws DecodeError when lengths point past the header", () => {
  throws(() => decodeBinaryHeader(SAMPLE.subarray(0, 20)), DecodeError);
  throws(() => decodeBinaryHeader(SAMPLE.subarray(0, SAMPLE.length - 1)), DecodeError);
  const cases: [number, number][] = [
    [16, 200], // remark length past the end
    [16, 0xff], // remark length negative (0x000000ff -> patched high byte below)
    [22, 17], // map length larger than the rest
    [22, 15], // map length shorter than the rest
    [24, 9], // key length past the map
    [28, 99], // value length past the map
  ];
  for (const [offset, value] of cases) {
    const bytes = SAMPLE.slice();
    bytes[offset] = value;
    if (value === 0xff) bytes[13] = 0xff;
    throws(() => decodeBinaryHeader(bytes), DecodeError, `offset ${offset}`);
  }
});

Deno.test("encodeBinaryHeader() writes non-ASCII text exactly as TextEncoder does", () => {
  const texts = ["héllo", "€ 1", "emoji 😀", "lone \ud800 high", "lone \udc00 low", "end \ud83d"];
  const encoder = new TextEncoder();
  for (const text of texts) {
    const bytes = encodeBinaryHeader({
      code: 1,
      language: "JAVA",
      version: 1,
      opaque: 2,
      flag: 0,
      remark: text,
      extFields: { [text]: text, k: "v" },
    });
    const utf8 = encoder.encode(text);
    const view = new DataView(bytes.buffer);
    equal(view.getInt32(13), utf8.length, `remark length of ${JSON.stringify(text)}`);
    deepEqual(bytes.subarray(17, 17 + utf8.length), utf8);
    const mapStart = 17 + utf8.length;
    equal(view.getInt32(mapStart), 2 * utf8.length + 14);
    equal(bytes.length, mapStart + 4 + view.getInt32(mapStart));
    const decoded = decodeBinaryHeader(bytes);
    const expected = new TextDecoder().decode(utf8);
    equal(decoded.remark, expected);
    deepEqual(decoded.extFields, { [expected]: expected, k: "v" });
  }
});
