/**
 * Encode and decode of 1 KiB stored records, the store's hot path.
 * Run with `deno bench --allow-all common/message_codec_bench.ts`.
 *
 * Runs on: main thread
 * @module
 */
import {
  encodeStoredMessage,
  type MessageToStore,
  patchStoredRecord,
  storedRecordSize,
} from "./message_codec.ts";
import { decodeStoredMessage, readRecordSummary } from "./message_decoder.ts";
import { encodeProperties, findProperty } from "./message_properties.ts";

const message: MessageToStore = {
  topic: "BenchmarkTest",
  queueId: 7,
  flag: 0,
  body: new Uint8Array(1024).fill(0x61),
  properties: encodeProperties({
    KEYS: "order-42",
    TAGS: "TagA",
    UNIQ_KEY: "7F0000010D795FFD2B277D2CFEFC014D",
    WAIT: "true",
    CLUSTER: "DefaultCluster",
  }),
  sysFlag: 0,
  bornTimestamp: 1_795_591_300_860,
  bornHost: { host: "127.0.0.1", port: 41568 },
  storeHost: { host: "127.0.0.1", port: 10911 },
  reconsumeTimes: 0,
  preparedTransactionOffset: 0,
};
const size = storedRecordSize(message);
const target = new Uint8Array(size * 4);
const record = new Uint8Array(size);
encodeStoredMessage(message, record, 0);

Deno.bench(
  "encodeStoredMessage() + patchStoredRecord() of a 1 KiB message",
  { group: "codec" },
  () => {
    const offset = size * 2;
    encodeStoredMessage(message, target, offset);
    patchStoredRecord(target, offset, {
      queueOffset: 1,
      physicalOffset: 1 << 20,
      storeTimestamp: 1,
    });
  },
);

Deno.bench("decodeStoredMessage() of a 1 KiB record", { group: "codec", baseline: true }, () => {
  decodeStoredMessage(record, 0);
});

Deno.bench("readRecordSummary() + findProperty(TAGS) of a 1 KiB record", { group: "codec" }, () => {
  const summary = readRecordSummary(record, 0);
  if (typeof summary === "object") findProperty(summary.properties, "TAGS");
});
