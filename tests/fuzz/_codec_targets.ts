/**
 * Fuzz targets over the pure decoders: frame decoder (whole and chunked),
 * JSON and binary header codecs, Java JSON bodies, stored-message and batch
 * decoders, the message properties parser, the properties-file parser and
 * the SQL92 / tag filter parsers. Each may throw only typed errors
 * (`BrokerError` and its subclasses); anything else is a finding.
 *
 * Runs on: any
 * @module
 */
import {
  decodeBatchBody,
  decodeProperties,
  decodeStoredMessages,
  readRecordSummary,
} from "../../common/mod.ts";
import { parsePropertiesText } from "../../common/config/mod.ts";
import { compileSqlFilter, parseTagExpression, propertyLookup } from "../../common/filter/mod.ts";
import {
  decodeBinaryHeader,
  decodeFrame,
  decodeJsonHeader,
  FrameDecoder,
  parseJavaJson,
} from "../../remoting/mod.ts";
import type { Mutator } from "./_mutate.ts";
import type { SeedCorpus } from "./_seeds.ts";

/** One fuzz target: makes an input, then feeds it to the code under test. */
export interface FuzzTarget {
  /** Name given to `--target`. */
  name: string;
  /** A fresh input drawn from `m`. */
  generate(m: Mutator): Uint8Array | string;
  /** Feeds `input`; may throw only `BrokerError` subclasses (or what `isExpected` accepts). */
  run(input: Uint8Array | string, m: Mutator): void | Promise<void>;
  /** Errors `run` may throw besides `BrokerError`; default: `BrokerError` only. */
  isExpected?: (error: unknown) => boolean;
  /** Releases what the target holds (temp files, state); called once after the run. */
  close?: () => Promise<void>;
}

const JSON_TOKENS = [
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  '"',
  "\\u0000",
  "\\ud800",
  "null",
  "true",
  "1e309",
  "-0",
  "123456789012345678901234567890",
  '"code":',
  '"extFields":{',
  '"flag":',
  '"opaque":',
  '"version":',
  '"__proto__":',
  '"constructor":',
];

const SQL_TOKENS = [
  " AND ",
  " OR ",
  " NOT ",
  " BETWEEN ",
  " IN (",
  " IS NULL",
  " LIKE ",
  " = ",
  " <> ",
  "(",
  ")",
  "'",
  "''",
  "1e400",
  "9223372036854775808",
  "-",
  "a",
  "TRUE",
  "__proto__",
  "%",
  "\\",
];

const PROPERTIES_TOKENS = ["\n", "\r\n", "\\", "\\u", "\\uZZZZ", "=", ":", "#", "!", " ", "\t"];

const SQL_SEEDS = [
  "a = 1",
  "region = 'eu' AND price BETWEEN 10 AND 20",
  "a IN ('x', 'y') OR b IS NOT NULL",
  "NOT (a > 1.5 OR b LIKE 'x%')",
];

const text = (input: Uint8Array | string): string =>
  typeof input === "string" ? input : new TextDecoder().decode(input);
const bytes = (input: Uint8Array | string): Uint8Array =>
  typeof input === "string" ? new TextEncoder().encode(input) : input;

/** Header bytes of a frame (after the 8-byte prefix), or the frame when too short. */
function headerOf(frame: Uint8Array): Uint8Array {
  if (frame.length < 8) return frame;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const length = view.getUint32(4) & 0xffffff;
  return frame.subarray(8, Math.min(frame.length, 8 + length));
}

function isBinary(frame: Uint8Array): boolean {
  return frame.length >= 8 && frame[4] === 1;
}

/** Feeds `frame` to a streaming decoder in random chunks. */
function chunked(frame: Uint8Array, m: Mutator): void {
  const decoder = new FrameDecoder({ maxFrameBytes: 1024 * 1024 });
  let pos = 0;
  while (pos < frame.length) {
    const size = 1 + m.rng.nextInt(m.oneIn(4) ? 4 : 512);
    decoder.push(frame.subarray(pos, pos + size));
    pos += size;
  }
}

/** Every pure-decoder target, built over `corpus`. */
export function codecTargets(corpus: SeedCorpus): FuzzTarget[] {
  const frames = corpus.frames;
  const jsonHeaders = frames.filter((f) => !isBinary(f)).map(headerOf);
  const binaryHeaders = frames.filter(isBinary).map(headerOf);
  const bodies = frames.map((f) => f.subarray(8 + headerOf(f).length)).filter((b) => b[0] === 123);
  return [
    {
      name: "frame",
      generate: (m) => m.bytes(m.pick(frames), frames),
      run: (input, m) => {
        try {
          decodeFrame(bytes(input), { maxFrameBytes: 1024 * 1024 });
        } finally {
          chunked(bytes(input), m);
        }
      },
    },
    {
      name: "json-header",
      generate: (m) =>
        m.oneIn(2)
          ? m.bytes(m.pick(jsonHeaders), jsonHeaders)
          : m.text(text(m.pick(jsonHeaders)), JSON_TOKENS),
      run: (input) => void decodeJsonHeader(bytes(input)),
    },
    {
      name: "binary-header",
      generate: (m) => m.bytes(m.pick(binaryHeaders.length > 0 ? binaryHeaders : jsonHeaders)),
      run: (input) => void decodeBinaryHeader(bytes(input)),
    },
    {
      name: "java-json",
      generate: (m) =>
        m.text(text(m.pick(bodies.length > 0 ? bodies : jsonHeaders)).slice(0, 4096), JSON_TOKENS),
      run: (input) => void parseJavaJson(text(input)),
    },
    {
      name: "stored-message",
      generate: (m) => m.bytes(m.pick(corpus.records), corpus.records),
      run: (input) => {
        readRecordSummary(bytes(input), 0, { checkCrc: true });
        decodeStoredMessages(bytes(input), { uncompress: true });
      },
    },
    {
      name: "batch",
      generate: (m) => m.bytes(m.pick(corpus.batches), corpus.batches),
      run: (input) => void decodeBatchBody(bytes(input)),
    },
    {
      name: "message-properties",
      generate: (m) => m.text(m.pick(corpus.properties), ["\u0001", "\u0002", "a", "TAGS"]),
      run: (input) => void decodeProperties(text(input)),
    },
    {
      name: "properties-file",
      generate: (m) => m.text("a=1\nb : two\\\n  three\n# c\nd\\u0041=\\t\n", PROPERTIES_TOKENS),
      run: (input) => void parsePropertiesText(text(input)),
    },
    {
      name: "sql-filter",
      generate: (m) => m.text(m.pick(SQL_SEEDS), SQL_TOKENS),
      run: (input) => {
        const filter = compileSqlFilter(text(input));
        filter.evaluateResult(propertyLookup({ a: "1", b: "x", region: "eu", price: "15" }));
        parseTagExpression(text(input));
      },
    },
  ];
}
