/**
 * heartbeatJson() must give the Java 4.9.4 client's HEART_BEAT body byte for
 * byte when fed the same data (taken from the captured frames).
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { heartbeatJson } from "./heartbeat_data.ts";
import type { ConsumerData } from "./heartbeat_data.ts";
import type { SubscriptionData } from "./subscription.ts";

const FIXTURES = new URL("../../shared/fixtures/java-4.9.4/", import.meta.url);
const SKIP_NOTE = existsSync(FIXTURES)
  ? ""
  : " (skipped: ../shared/fixtures/java-4.9.4 is missing)";
const missing = !existsSync(FIXTURES);

interface WireHeartbeat {
  clientID: string;
  consumerDataSet: Array<
    Omit<ConsumerData, "subscriptions"> & { subscriptionDataSet: SubscriptionData[] }
  >;
  producerDataSet: Array<{ groupName: string }>;
}

Deno.test({
  name: "heartbeatJson() reproduces every Java HEART_BEAT body exactly" + SKIP_NOTE,
  ignore: missing,
  fn() {
    let checked = 0;
    for (const file of ["03-java-producer-consumer", "06-delay-batch", "07-send-message-v1"]) {
      const text = Deno.readTextFileSync(new URL(`${file}.jsonl`, FIXTURES));
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        const frame = JSON.parse(line);
        if (frame.code !== 34 || frame.isResponse || !String(frame.from).startsWith("java-")) {
          continue;
        }
        const wireText = new TextDecoder().decode(
          Uint8Array.from(atob(frame.body), (c) => c.charCodeAt(0)),
        );
        const wire = JSON.parse(wireText) as WireHeartbeat;
        const got = heartbeatJson({
          clientId: wire.clientID,
          producerGroups: wire.producerDataSet.map((p) => p.groupName),
          consumers: wire.consumerDataSet.map((c) => ({
            ...c,
            subscriptions: c.subscriptionDataSet,
          })),
        });
        assert.equal(got, wireText);
        checked++;
      }
    }
    assert.ok(checked > 3);
  },
});
