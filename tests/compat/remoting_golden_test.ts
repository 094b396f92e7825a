/**
 * Golden test: every remoting frame captured from a real Java RocketMQ 4.9.4
 * (and the Node client ali-ons) decodes to the fields the capture recorded,
 * and every frame a Java component sent re-encodes to the exact wire bytes.
 * Method: read each `0*.jsonl` fixture (except the HA stream), decode `raw`
 * whole and byte by byte, compare, re-encode, compare bytes.
 *
 * Runs on: main thread
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import {
  decodeFrame,
  encodeCommand,
  FrameDecoder,
  isOneway,
  isResponse,
  javaDouble,
  javaMap,
  parseJavaJson,
  stringifyJava,
} from "../../remoting/mod.ts";
import type { RemotingCommand } from "../../remoting/mod.ts";

const FIXTURES = new URL("../../../shared/fixtures/java-4.9.4/", import.meta.url);

interface FixtureFrame {
  scenario: string;
  from: string;
  code: number;
  opaque: number;
  flag: number;
  serializeType: string;
  language: string;
  version: number;
  remark?: string;
  extFields?: Record<string, string | number | boolean>;
  body?: string;
  bodyLength: number;
  isResponse: boolean;
  isOneway: boolean;
  raw: string;
}

function fixtureFiles(): string[] {
  try {
    return [...Deno.readDirSync(FIXTURES)]
      .map((entry) => entry.name)
      .filter((name) => /^0.*\.jsonl$/.test(name) && name !== "02-ha-stream.jsonl")
      .sort();
  } catch {
    return [];
  }
}

const files = fixtureFiles();
const missing = files.length === 0;
/** Appended to test names when the fixtures are absent, so the skip explains itself. */
const SKIP_NOTE = missing ? ` (skipped: no fixtures under ${FIXTURES.pathname})` : "";

function loadFrames(name: string): FixtureFrame[] {
  const text = Deno.readTextFileSync(new URL(name, FIXTURES));
  return text.split("\n").filter((line) => line.length > 0).map((line) => JSON.parse(line));
}

function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function expectedExt(frame: FixtureFrame): Record<string, string> | undefined {
  if (frame.extFields === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(frame.extFields)) out[key] = String(value);
  return out;
}

function checkFields(cmd: RemotingCommand, frame: FixtureFrame, where: string): void {
  equal(cmd.code, frame.code, `${where}: code`);
  equal(cmd.opaque, frame.opaque, `${where}: opaque`);
  equal(cmd.flag, frame.flag, `${where}: flag`);
  equal(cmd.serializeType, frame.serializeType, `${where}: serializeType`);
  equal(cmd.language, frame.language, `${where}: language`);
  equal(cmd.version, frame.version, `${where}: version`);
  equal(cmd.remark, frame.remark, `${where}: remark`);
  equal(isResponse(cmd), frame.isResponse, `${where}: isResponse`);
  equal(isOneway(cmd), frame.isOneway, `${where}: isOneway`);
  deepEqual(cmd.extFields, expectedExt(frame), `${where}: extFields`);
  equal(cmd.body?.length ?? 0, frame.bodyLength, `${where}: body length`);
  if (frame.body !== undefined) deepEqual(cmd.body, fromBase64(frame.body), `${where}: body`);
}

for (const name of missing ? ["(missing)"] : files) {
  Deno.test({
    name:
      `decodeFrame() matches every captured frame of ${name} and re-encodes Java frames exactly${SKIP_NOTE}`,
    ignore: missing,
    fn() {
      const frames = loadFrames(name);
      ok(frames.length > 0);
      let exact = 0;
      for (const [i, frame] of frames.entries()) {
        const where = `${name}#${i}`;
        const raw = fromBase64(frame.raw);
        const cmd = decodeFrame(raw);
        checkFields(cmd, frame, where);
        const again = encodeCommand(cmd);
        if (frame.from === "ali-ons") {
          // ali-ons writes its own key order and raw numbers: check meaning, not bytes.
          checkFields(decodeFrame(again), frame, `${where} (re-encoded)`);
        } else {
          deepEqual(again, raw, `${where}: re-encoded bytes`);
          exact++;
        }
      }
      if (!name.startsWith("08")) equal(exact, frames.length);
    },
  });
}

Deno.test({
  name: "FrameDecoder.push() decodes each fixture stream the same when fed byte by byte" +
    SKIP_NOTE,
  ignore: missing,
  fn() {
    for (const name of files) {
      const frames = loadFrames(name).slice(0, 40);
      const raws = frames.map((frame) => fromBase64(frame.raw));
      const stream = new Uint8Array(raws.reduce((n, r) => n + r.length, 0));
      let pos = 0;
      for (const raw of raws) {
        stream.set(raw, pos);
        pos += raw.length;
      }
      const decoder = new FrameDecoder();
      const got: RemotingCommand[] = [];
      for (let i = 0; i < stream.length; i++) got.push(...decoder.push(stream.subarray(i, i + 1)));
      equal(got.length, frames.length, name);
      for (const [i, cmd] of got.entries()) {
        checkFields(cmd, frames[i] as FixtureFrame, `${name}#${i}`);
      }
      equal(decoder.bufferedBytes, 0);
    }
  },
});

function bodiesOf(requestCode: number): string[] {
  const out: string[] = [];
  for (const name of files) {
    for (const frame of loadFrames(name)) {
      const f = frame as FixtureFrame & { requestCode?: number };
      if (f.requestCode === requestCode && f.body !== undefined) {
        out.push(new TextDecoder().decode(fromBase64(f.body)));
      }
    }
  }
  return out;
}

Deno.test({
  name: "parseJavaJson() matches the capture's bodyJson for every JSON body" + SKIP_NOTE,
  ignore: missing,
  fn() {
    let count = 0;
    for (const name of files) {
      for (const frame of loadFrames(name)) {
        const f = frame as FixtureFrame & { bodyJson?: unknown };
        if (f.bodyJson === undefined || f.body === undefined) continue;
        deepEqual(parseJavaJson(fromBase64(f.body)), f.bodyJson, `${name} opaque ${f.opaque}`);
        count++;
      }
    }
    ok(count > 100, `only ${count} JSON bodies checked`);
  },
});

Deno.test({
  name: "stringifyJava() rebuilds Java's cluster-info body with bare integer keys" + SKIP_NOTE,
  ignore: missing,
  fn() {
    const bodies = bodiesOf(106);
    ok(bodies.length > 0);
    for (const body of bodies) {
      const parsed = parseJavaJson(body) as {
        brokerAddrTable: Record<string, { brokerAddrs: Record<string, string> }>;
      };
      const table = Object.entries(parsed.brokerAddrTable).map(([name, data]) =>
        [name, {
          ...data,
          brokerAddrs: javaMap(
            Object.entries(data.brokerAddrs).map(([id, addr]) => [Number(id), addr]),
            {
              bareIntegerKeys: true,
            },
          ),
        }] as const
      );
      const rebuilt = stringifyJava({ ...parsed, brokerAddrTable: javaMap(table) });
      equal(rebuilt, body);
    }
  },
});

Deno.test({
  name: "stringifyJava() rebuilds Java's consume-stats body with object keys and doubles" +
    SKIP_NOTE,
  ignore: missing,
  fn() {
    const bodies = bodiesOf(208);
    ok(bodies.length > 0);
    for (const body of bodies) {
      const parsed = parseJavaJson(body) as {
        consumeTps: number;
        offsetTable: Record<string, unknown>;
      };
      const table = javaMap(
        Object.entries(parsed.offsetTable).map((
          [key, value],
        ) => [parseJavaJson(key) as object, value]),
      );
      equal(stringifyJava({ consumeTps: javaDouble(parsed.consumeTps), offsetTable: table }), body);
    }
  },
});
