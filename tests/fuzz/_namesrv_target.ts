/**
 * Fuzz target: the name server's request handlers fed random well-framed
 * requests in process (no sockets). Each input is a request with a real or
 * random code, header fields from the name server's vocabulary with hostile
 * values (wrong types, negatives, huge numbers, `../`), and a mutated JSON
 * body. It is framed, decoded back, and handed to the handler; only typed
 * errors may escape the handler, and the processor must always answer.
 * The state lives across inputs (registrations pile up) and is rebuilt every
 * `STATE_INPUTS_MAX` inputs to keep memory bounded.
 *
 * Runs on: main thread
 * @module
 */
import { loadNamesrvConfig } from "../../common/config/mod.ts";
import { bodyCrc, ManualClock } from "../../common/mod.ts";
import { NAMESRV_HANDLERS, NamesrvRequestProcessor, NamesrvState } from "../../namesrv/mod.ts";
import { createRequest, decodeFrame, encodeCommand } from "../../remoting/mod.ts";
import type { FuzzTarget } from "./_codec_targets.ts";
import type { Mutator } from "./_mutate.ts";

const STATE_INPUTS_MAX = 2_000;

const FIELD_NAMES = [
  "topic",
  "brokerName",
  "brokerAddr",
  "clusterName",
  "haServerAddr",
  "brokerId",
  "namespace",
  "key",
  "value",
  "bodyCrc32",
  "compressed",
  "zoneName",
  "heartbeatTimeoutMillis",
  "enableActingMaster",
  "acceptStandardJsonOnly",
];

const FIELD_VALUES = [
  "",
  "0",
  "1",
  "-1",
  "2147483648",
  "-9223372036854775809",
  "99999999999999999999999",
  "1e3",
  "NaN",
  "true",
  "null",
  "../../etc/passwd",
  "..\\..\\x",
  "a/b",
  "127.0.0.1:10911",
  "::1:9876",
  "broker-a",
  "TopicTest",
  "%RETRY%g",
  "\u0000",
  "x".repeat(300),
];

const REGISTER_BODY = `{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":` +
  `{"counter":1,"timestamp":2},"topicConfigTable":{"T":{"perm":6,"readQueueNums":2,` +
  `"topicName":"T","topicSysFlag":0,"writeQueueNums":2}}}}`;

const BODY_TOKENS = ["{", "}", "[", "]", ",", ":", '"', "-1", "1e999", "null", '"perm":', "../"];

function state(): NamesrvState {
  const { config } = loadNamesrvConfig({ text: "kvConfigPath=\n", env: {} });
  return new NamesrvState({ config: { ...config, kvConfigPath: "" }, clock: new ManualClock() });
}

function extFields(m: Mutator): Record<string, string> {
  const out: Record<string, string> = {};
  const count = m.rng.nextInt(8);
  for (let i = 0; i < count; i++) {
    const value = m.oneIn(4) ? String(m.int32()) : m.pick(FIELD_VALUES);
    out[m.pick(FIELD_NAMES)] = value;
  }
  return out;
}

function body(m: Mutator): Uint8Array | undefined {
  switch (m.rng.nextInt(4)) {
    case 0:
      return undefined;
    case 1:
      return new TextEncoder().encode(REGISTER_BODY);
    case 2:
      return new TextEncoder().encode(m.text(REGISTER_BODY, BODY_TOKENS));
    default:
      return m.randomBytes(m.rng.nextInt(128));
  }
}

/** The name-server request target. */
export function namesrvTarget(): FuzzTarget {
  const codes = [...NAMESRV_HANDLERS.keys()];
  let ctx = state();
  let processor = new NamesrvRequestProcessor(ctx);
  let inputs = 0;
  return {
    name: "namesrv",
    generate: (m) => {
      const fields = extFields(m);
      const payload = body(m);
      if (payload !== undefined && m.oneIn(2)) fields["bodyCrc32"] = String(bodyCrc(payload));
      const cmd = createRequest(m.oneIn(10) ? m.rng.nextInt(400) : m.pick(codes), {
        extFields: fields,
        body: payload,
        serializeType: m.oneIn(3) ? "ROCKETMQ" : "JSON",
        oneway: m.oneIn(10),
      });
      return encodeCommand(cmd);
    },
    run: (input) => {
      if (++inputs % STATE_INPUTS_MAX === 0) {
        ctx = state();
        processor = new NamesrvRequestProcessor(ctx);
      }
      const cmd = decodeFrame(input as Uint8Array);
      const source = { id: 1 + (inputs % 7), remoteAddress: "127.0.0.1:50000" };
      NAMESRV_HANDLERS.get(cmd.code)?.(cmd, ctx, source);
      const response = processor.process(cmd, source);
      if (response === undefined && (cmd.flag & 2) === 0) {
        throw new Error(`No response to two-way request code ${cmd.code}`);
      }
    },
  };
}
