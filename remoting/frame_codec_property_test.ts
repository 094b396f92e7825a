/**
 * Seeded property tests of the frame and header codecs: random commands
 * round-trip through both header kinds; any chunking of a stream of frames
 * decodes the same; random or mutated bytes make the decoders throw only
 * `DecodeError`, never another exception or a hang. The seed is in each test
 * name; rerun with `SEED=<n>` to replay a failure.
 */
import { concatBytes } from "../common/mod.ts";
import { deepEqual, fail } from "node:assert/strict";
import fc from "fast-check";
import { DecodeError, testSeed } from "../common/mod.ts";
import { decodeBinaryHeader } from "./binary_header_codec.ts";
import { encodeCommand, FrameDecoder } from "./frame_codec.ts";
import { decodeJsonHeader } from "./json_header_codec.ts";
import { parseJavaJson } from "./java_json.ts";
import type { RemotingCommand, SerializeType } from "./remoting_command.ts";

const SEED = testSeed();
const RUNS = 300;

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const int16 = fc.integer({ min: -0x8000, max: 0x7fff });
const text = fc.string({ unit: "grapheme", maxLength: 20 });
const nonEmpty = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 });

function commandArb(serializeType: SerializeType): fc.Arbitrary<RemotingCommand> {
  const binary = serializeType === "ROCKETMQ";
  return fc.record(
    {
      code: binary ? int16 : int32,
      language: binary
        ? fc.constantFrom("JAVA", "CPP", "GO", "RUST", "NODE_JS", "OTHER")
        : fc.oneof(fc.constantFrom("JAVA", "GO"), text),
      version: binary ? int16 : int32,
      opaque: int32,
      flag: int32,
      // Binary headers cannot tell an empty remark or map from an absent one.
      remark: binary ? nonEmpty : text,
      extFields: fc.dictionary(text, text, {
        maxKeys: 6,
        minKeys: binary ? 1 : 0,
        noNullPrototype: true,
      }),
      body: fc.uint8Array({ minLength: 1, maxLength: 300 }),
      serializeType: fc.constant(serializeType),
    },
    { requiredKeys: ["code", "language", "version", "opaque", "flag", "serializeType"] },
  ) as fc.Arbitrary<RemotingCommand>;
}

const anyCommand = fc.oneof(commandArb("JSON"), commandArb("ROCKETMQ"));

const concat = concatBytes;

function onlyDecodeError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof DecodeError)) fail(`expected DecodeError, got ${String(error)}`);
  }
}

Deno.test(`encodeCommand() round-trips random commands with both header kinds (seed ${SEED})`, () => {
  fc.assert(
    fc.property(anyCommand, (cmd) => {
      const [back, ...rest] = new FrameDecoder().push(encodeCommand(cmd));
      deepEqual(rest, []);
      deepEqual(back, cmd);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

Deno.test(`FrameDecoder.push() gives the same commands for any chunking (seed ${SEED})`, () => {
  const arb = fc.tuple(
    fc.array(anyCommand, { minLength: 1, maxLength: 8 }),
    fc.array(fc.integer({ min: 0, max: 1 << 16 }), { maxLength: 20 }),
  );
  fc.assert(
    fc.property(arb, ([commands, cuts]) => {
      const stream = concat(commands.map(encodeCommand));
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const decoder = new FrameDecoder();
      const got: RemotingCommand[] = [];
      let last = 0;
      for (const point of [...points, stream.length]) {
        got.push(...decoder.push(stream.subarray(last, point)));
        last = point;
      }
      deepEqual(got, commands);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

Deno.test(`FrameDecoder.push() throws only DecodeError on random bytes (seed ${SEED})`, () => {
  const arb = fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 });
  fc.assert(
    fc.property(arb, (chunks) => {
      const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      onlyDecodeError(() => {
        for (const chunk of chunks) decoder.push(chunk);
      });
    }),
    { seed: SEED, numRuns: RUNS * 3 },
  );
});

Deno.test(`FrameDecoder.push() throws only DecodeError on mutated frames (seed ${SEED})`, () => {
  const arb = fc.tuple(
    anyCommand,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
  );
  fc.assert(
    fc.property(arb, ([cmd, edits]) => {
      const frame = encodeCommand(cmd);
      for (const [at, value] of edits) frame[at % frame.length] = value;
      onlyDecodeError(() => new FrameDecoder({ maxFrameBytes: 1 << 20 }).push(frame));
    }),
    { seed: SEED, numRuns: RUNS * 3 },
  );
});

Deno.test(`header decoders and parseJavaJson() throw only DecodeError on junk (seed ${SEED})`, () => {
  const jsonish = fc.oneof(
    fc.json(),
    fc.string({ maxLength: 80 }),
    fc.stringMatching(/^[{}\[\]":,0-9a-z ]{0,40}$/),
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), jsonish, (bytes, json) => {
      onlyDecodeError(() => decodeBinaryHeader(bytes));
      onlyDecodeError(() => decodeJsonHeader(bytes));
      onlyDecodeError(() => decodeJsonHeader(new TextEncoder().encode(json)));
      onlyDecodeError(() => parseJavaJson(json));
    }),
    { seed: SEED, numRuns: RUNS * 3 },
  );
});
