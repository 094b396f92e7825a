/**
 * Goal: CRC-32 matches java.util.zip.CRC32 and the masked BODYCRC the Java
 * broker stores. Method: the standard check value, and every body CRC and
 * REGISTER_BROKER `bodyCrc32` in the Java 4.9.4 captures.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { bodyCrc, crc32 } from "./crc32.ts";
import { FIXTURES_AVAILABLE, FIXTURES_SKIP_NOTE, fromBase64, loadFrames } from "./_test_util.ts";

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

Deno.test("crc32() gives the standard check value for 123456789", () => {
  assert.equal(crc32(ascii("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

Deno.test("bodyCrc() clears the sign bit of the CRC-32", () => {
  assert.equal(bodyCrc(ascii("123456789")), 0xcbf43926 & 0x7fffffff);
  assert.ok(crc32(ascii("123456789")) > 0x7fffffff);
});

Deno.test({
  name:
    `bodyCrc() equals the Java broker's BODYCRC for every captured message${FIXTURES_SKIP_NOTE}`,
  ignore: !FIXTURES_AVAILABLE,
  fn() {
    let checked = 0;
    for (const frame of loadFrames()) {
      for (const message of frame.messages ?? []) {
        assert.equal(bodyCrc(fromBase64(message.body)), message.bodyCRC);
        checked++;
      }
    }
    assert.ok(checked > 100, `only ${checked} messages checked`);
  },
});

Deno.test({
  name: `bodyCrc() equals REGISTER_BROKER bodyCrc32 in the captures${FIXTURES_SKIP_NOTE}`,
  ignore: !FIXTURES_AVAILABLE,
  fn() {
    let checked = 0;
    for (const frame of loadFrames()) {
      const expected = frame.extFields?.["bodyCrc32"];
      if (frame.codeName !== "REGISTER_BROKER" || frame.isResponse || expected === undefined) {
        continue;
      }
      assert.equal(bodyCrc(fromBase64(frame.body)), Number(expected));
      checked++;
    }
    assert.ok(checked > 10, `only ${checked} registrations checked`);
  },
});
