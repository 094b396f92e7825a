/**
 * Message helpers: send-side properties, and decoding of real pull response
 * bodies captured from a Java 4.9.4 broker into views.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { decodeMessageViews, messageBody, messageKeys, messageProperties } from "./message.ts";

const FIXTURES = new URL("../../shared/fixtures/java-4.9.4/", import.meta.url);
const SKIP_NOTE = existsSync(FIXTURES)
  ? ""
  : " (skipped: ../shared/fixtures/java-4.9.4 is missing)";
const missing = !existsSync(FIXTURES);

interface FixtureMessage {
  topic: string;
  queueOffset: number;
  physicalOffset: number;
  storeHost: string;
  properties: Record<string, string>;
  body?: string;
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

Deno.test({
  name: "decodeMessageViews() decodes every successful Java pull body with ids, tags and keys" +
    SKIP_NOTE,
  ignore: missing,
  fn() {
    let checked = 0;
    for (const file of ["06-delay-batch", "07-send-message-v1", "03-java-producer-consumer"]) {
      const text = Deno.readTextFileSync(new URL(`${file}.jsonl`, FIXTURES));
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        const frame = JSON.parse(line);
        if (!frame.isResponse || frame.requestCode !== 11 || frame.code !== 0) continue;
        const views = decodeMessageViews(fromBase64(frame.body), "broker-a");
        const expected = frame.messages as FixtureMessage[];
        assert.equal(views.length, expected.length);
        views.forEach((view, i) => {
          const want = expected[i]!;
          assert.equal(view.topic, want.topic);
          assert.equal(view.queueOffset, want.queueOffset);
          assert.equal(view.commitLogOffset, want.physicalOffset);
          assert.equal(view.storeHost, want.storeHost);
          assert.equal(view.msgId, want.properties.UNIQ_KEY ?? view.offsetMsgId);
          assert.equal(view.tags, want.properties.TAGS);
          assert.deepEqual(view.keys, want.properties.KEYS?.split(" ") ?? []);
          assert.deepEqual(Object.fromEntries(view.properties), want.properties);
          assert.equal(view.offsetMsgId.length, 32);
          if (want.body !== undefined) assert.deepEqual(view.body, fromBase64(want.body));
          checked++;
        });
      }
    }
    assert.ok(checked > 10, `only ${checked} messages checked`);
  },
});

Deno.test("messageProperties() adds keys, tags, delay, wait and UNIQ_KEY after user properties", () => {
  const props = messageProperties(
    {
      topic: "T",
      body: "x",
      tags: "TagA",
      keys: ["k1", "k2"],
      properties: { a: "1" },
      delayTimeLevel: 2,
    },
    "ID",
  );
  assert.deepEqual([...props], [
    ["a", "1"],
    ["KEYS", "k1 k2"],
    ["TAGS", "TagA"],
    ["DELAY", "2"],
    ["WAIT", "true"],
    ["UNIQ_KEY", "ID"],
  ]);
  assert.throws(
    () => messageProperties({ topic: "T", body: "x", properties: { TAGS: "x" } }, "I"),
    TypeError,
  );
  assert.equal(messageKeys({ topic: "T", body: "", keys: " " }), undefined);
  assert.deepEqual(messageBody({ topic: "T", body: "hé" }), new TextEncoder().encode("hé"));
});
