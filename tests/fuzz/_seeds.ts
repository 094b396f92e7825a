/**
 * Seed corpus of the fuzz targets: whole frames captured from Java RocketMQ
 * 4.9.4 (when `shared/fixtures/java-4.9.4/` sits beside the repository) plus
 * frames, stored records and batch bodies built here, so the fuzzer runs even
 * without the fixtures.
 *
 * Runs on: any
 * @module
 */
import { encodeBatchBody, encodeStoredMessage, storedRecordSize } from "../../common/mod.ts";
import type { MessageToStore } from "../../common/mod.ts";
import { createRequest, encodeCommand, RequestCode } from "../../remoting/mod.ts";

/** Where the Java captures live. */
export const FIXTURE_DIR = new URL("../../../shared/fixtures/java-4.9.4/", import.meta.url);
/** Frames read from each fixture file at most (keeps start-up fast). */
const FRAMES_PER_FILE_MAX = 200;

/** The seed corpus, grouped by what the bytes are. */
export interface SeedCorpus {
  /** Whole frames, length prefix included. */
  frames: Uint8Array[];
  /** Stored message records (one or several back to back). */
  records: Uint8Array[];
  /** SEND_BATCH_MESSAGE bodies. */
  batches: Uint8Array[];
  /** Message properties strings. */
  properties: string[];
}

function base64Bytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function fixtureFrames(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let names: string[];
  try {
    names = [...Deno.readDirSync(FIXTURE_DIR)].map((e) => e.name).filter((n) =>
      n.endsWith(".jsonl")
    );
  } catch {
    return frames; // No fixtures beside the repository: built seeds only.
  }
  for (const name of names.sort()) {
    const lines = Deno.readTextFileSync(new URL(name, FIXTURE_DIR)).split("\n");
    let taken = 0;
    for (const line of lines) {
      if (taken >= FRAMES_PER_FILE_MAX || line.trim() === "") continue;
      const record = JSON.parse(line) as { raw?: string };
      if (typeof record.raw !== "string" || record.raw.length > 40_000) continue;
      frames.push(base64Bytes(record.raw));
      taken++;
    }
  }
  return frames;
}

function message(topic: string, body: string, properties: string): MessageToStore {
  return {
    topic,
    queueId: 1,
    flag: 0,
    body: new TextEncoder().encode(body),
    properties,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: { host: "127.0.0.1", port: 40000 },
    storeHost: { host: "127.0.0.1", port: 10911 },
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

function records(): Uint8Array[] {
  const messages = [
    message("TopicTest", "hello", "TAGS\u0001a\u0002KEYS\u0001k1\u0002"),
    message("T", "", ""),
    message("%RETRY%g", "x".repeat(300), "UNIQ_KEY\u0001AC11\u0002"),
  ];
  const out: Uint8Array[] = [];
  const all = new Uint8Array(messages.reduce((n, m) => n + storedRecordSize(m), 0));
  let pos = 0;
  for (const m of messages) {
    const one = new Uint8Array(storedRecordSize(m));
    encodeStoredMessage(m, one, 0);
    out.push(one);
    pos += encodeStoredMessage(m, all, pos);
  }
  out.push(all);
  return out;
}

function builtFrames(): Uint8Array[] {
  return [
    encodeCommand(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: "T" } })),
    encodeCommand(
      createRequest(RequestCode.SEND_MESSAGE_V2, {
        extFields: { a: "g", b: "T", c: "TBW102", d: "4", e: "0", f: "0", g: "1", h: "0" },
        body: new TextEncoder().encode("body"),
        serializeType: "ROCKETMQ",
      }),
    ),
    encodeCommand(createRequest(RequestCode.HEART_BEAT, { body: new TextEncoder().encode("{}") })),
  ];
}

/** Builds the corpus (reads the fixtures once). */
export function loadSeedCorpus(): SeedCorpus {
  return {
    frames: [...builtFrames(), ...fixtureFrames()],
    records: records(),
    batches: [
      encodeBatchBody([
        { body: new Uint8Array([1, 2, 3]), flag: 0, properties: "a\u0001b\u0002" },
        { body: new Uint8Array(0), flag: 7, properties: { KEYS: "k" } },
      ]),
    ],
    properties: [
      "TAGS\u0001a\u0002KEYS\u0001k1 k2\u0002UNIQ_KEY\u0001AC110001\u0002",
      "DELAY\u00013\u0002WAIT\u0001true\u0002",
      "",
    ],
  };
}
