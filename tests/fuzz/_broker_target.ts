/**
 * Fuzz target: every broker request handler fed random well-framed requests
 * in process (no sockets). An input is either a request captured from Java
 * 4.9.4 (the fixtures) whose header fields and body were mutated, or a fresh
 * request with a served (sometimes random) code, fields from the broker's
 * header vocabulary with hostile values (wrong types, negatives, huge
 * numbers, `../`), and a JSON, batch or random body. It is framed, decoded
 * back and handed to the handler: only typed errors (`BrokerError`, and the
 * `SyntaxError` of an unparsable JSON body, which the dispatcher answers with
 * a remark) may escape; then `dispatchRequest` must answer every two-way
 * request (END_TRANSACTION excepted: one-way in Java, no answer; and a pull that parked: one
 * input in four may park, its timer and wake-up run until the next state rebuild). The broker runs on the in-memory store double with a manual
 * clock; its state is rebuilt every `STATE_INPUTS_MAX` inputs.
 *
 * Runs on: main thread
 * @module
 */
import { BrokerError, ManualClock } from "../../common/mod.ts";
import { BrokerController } from "../../broker/broker_controller.ts";
import { defaultBrokerSettings } from "../../broker/broker_settings.ts";
import type { ClientChannel } from "../../broker/client_channel.ts";
import { MemoryMessageStore } from "../../broker/memory_message_store.ts";
import { BROKER_HANDLERS, dispatchRequest } from "../../broker/request_dispatcher.ts";
import {
  createRequest,
  decodeFrame,
  encodeCommand,
  isResponse,
  type RemotingCommand,
  RequestCode,
} from "../../remoting/mod.ts";
import type { FuzzTarget } from "./_codec_targets.ts";
import type { Mutator } from "./_mutate.ts";
import type { SeedCorpus } from "./_seeds.ts";

const STATE_INPUTS_MAX = 500;
const encoder = new TextEncoder();

/** Every header field name a broker handler reads. */
const FIELD_NAMES = [
  "topic",
  "queueId",
  "queueOffset",
  "maxMsgNums",
  "maxMsgBytes",
  "sysFlag",
  "commitOffset",
  "suspendTimeoutMillis",
  "subscription",
  "subVersion",
  "expressionType",
  "consumerGroup",
  "producerGroup",
  "group",
  "groupName",
  "clientID",
  "defaultTopic",
  "defaultTopicQueueNums",
  "readQueueNums",
  "writeQueueNums",
  "perm",
  "topicFilterType",
  "topicSysFlag",
  "order",
  "flag",
  "bornTimestamp",
  "properties",
  "reconsumeTimes",
  "unitMode",
  "batch",
  "maxReconsumeTimes",
  "offset",
  "delayLevel",
  "originMsgId",
  "originTopic",
  "commitLogOffset",
  "tranStateTableOffset",
  "commitOrRollback",
  "fromTransactionCheck",
  "msgId",
  "key",
  "maxNum",
  "beginTimestamp",
  "endTimestamp",
  "timestamp",
  "boundaryType",
  "setZeroIfNotFound",
  "_UNIQUE_KEY_QUERY",
  ..."abcdefghijklmn".split(""),
];

const FIELD_VALUES = [
  "",
  "0",
  "1",
  "-1",
  "-2147483648",
  "2147483648",
  "9223372036854775807",
  "-9223372036854775809",
  "99999999999999999999999",
  "1e3",
  "0x10",
  "NaN",
  "true",
  "false",
  "null",
  "../../etc/passwd",
  "..\\..\\x",
  "a/b",
  "%RETRY%g",
  "%DLQ%g",
  "TBW102",
  "SCHEDULE_TOPIC_XXXX",
  "RMQ_SYS_TRANS_HALF_TOPIC",
  "TopicTest",
  "*",
  "a || b",
  "a > 1 AND",
  "SQL92",
  "TAG",
  "7F0000010000000000000000",
  "DELAY\u00013\u0002TRAN_MSG\u0001true\u0002",
  "TIMER_DELAY_SEC\u0001-5\u0002",
  "\u0000",
  "x".repeat(300),
];

const BODY_TOKENS = [
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  '"',
  "-1",
  "1e999",
  "null",
  "true",
  '"topic":',
  '"queueId":',
  '"mqSet":',
  '"consumerDataSet":',
  '"subscriptionDataSet":',
  '"__proto__":',
  "../",
];

const JSON_BODIES = [
  '{"clientID":"c1","consumerDataSet":[{"groupName":"g","consumeType":"CONSUME_PASSIVELY",' +
  '"messageModel":"CLUSTERING","consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",' +
  '"subscriptionDataSet":[{"topic":"TopicTest","subString":"*","tagsSet":[],"codeSet":[],' +
  '"subVersion":1,"expressionType":"TAG","classFilterMode":false}],"unitMode":false}],' +
  '"producerDataSet":[{"groupName":"pg"}]}',
  '{"consumerGroup":"g","clientId":"c1","mqSet":[{"topic":"TopicTest","brokerName":"broker-a",' +
  '"queueId":0}]}',
  '{"groupName":"g","consumeEnable":true,"retryQueueNums":1,"retryMaxTimes":16,"brokerId":0}',
  '{"topic":"TopicTest","subString":"a > 1","expressionType":"SQL92"}',
];

/** A valid value for every field, so a fresh request passes header checks before mutation. */
const VALID_FIELDS: Readonly<Record<string, string>> = {
  topic: "TopicTest",
  queueId: "0",
  queueOffset: "0",
  maxMsgNums: "32",
  maxMsgBytes: "1048576",
  sysFlag: "6",
  commitOffset: "0",
  suspendTimeoutMillis: "1000",
  subscription: "*",
  subVersion: "1",
  expressionType: "TAG",
  consumerGroup: "g",
  producerGroup: "pg",
  group: "g",
  groupName: "g",
  clientID: "c1",
  defaultTopic: "TBW102",
  defaultTopicQueueNums: "4",
  readQueueNums: "4",
  writeQueueNums: "4",
  perm: "6",
  topicFilterType: "SINGLE_TAG",
  topicSysFlag: "0",
  order: "false",
  flag: "0",
  bornTimestamp: "1700000000000",
  properties: "TAGS\u0001a\u0002KEYS\u0001k\u0002UNIQ_KEY\u0001AC11\u0002",
  reconsumeTimes: "0",
  unitMode: "false",
  batch: "false",
  maxReconsumeTimes: "16",
  offset: "0",
  delayLevel: "0",
  originMsgId: "7F00000100002A9F0000000000000000",
  originTopic: "TopicTest",
  commitLogOffset: "0",
  tranStateTableOffset: "0",
  commitOrRollback: "8",
  fromTransactionCheck: "false",
  msgId: "7F00000100002A9F0000000000000000",
  key: "k",
  maxNum: "32",
  beginTimestamp: "0",
  endTimestamp: "9999999999999",
  timestamp: "1700000000000",
  a: "pg",
  b: "TopicTest",
  c: "TBW102",
  d: "4",
  e: "0",
  f: "0",
  g: "1700000000000",
  h: "0",
  i: "TAGS\u0001a\u0002WAIT\u0001true\u0002",
  j: "0",
  k: "false",
  m: "false",
};

function controller(dir: string): BrokerController {
  const clock = new ManualClock();
  const settings = { ...defaultBrokerSettings(), storePathRootDir: dir };
  const store = new MemoryMessageStore({
    clock,
    maxMessageSize: settings.maxMessageSize,
    maxTransferCount: 32,
  });
  return new BrokerController({ settings, store, clock });
}

function hostileValue(m: Mutator): string {
  return m.oneIn(4) ? String(m.int32()) : m.pick(FIELD_VALUES);
}

function mutateFields(m: Mutator, fields: Record<string, string>): Record<string, string> {
  const out = { ...fields };
  const keys = Object.keys(out);
  const rounds = 1 + m.rng.nextInt(4);
  for (let i = 0; i < rounds; i++) {
    const choice = m.rng.nextInt(4);
    if (choice === 0 && keys.length > 0 && m.oneIn(4)) delete out[m.pick(keys)];
    else if (choice === 1 && keys.length > 0) out[m.pick(keys)] = hostileValue(m);
    else if (choice === 2 && keys.length > 0) {
      const key = m.pick(keys);
      out[key] = m.text(out[key] ?? "", ["-", "9", "\u0001", "\u0002", "../", "%"]);
    } else out[m.pick(FIELD_NAMES)] = hostileValue(m);
  }
  return out;
}

function freshBody(m: Mutator, corpus: SeedCorpus): Uint8Array | undefined {
  switch (m.rng.nextInt(5)) {
    case 0:
      return undefined;
    case 1:
      return encoder.encode(m.pick(JSON_BODIES));
    case 2:
      return encoder.encode(m.text(m.pick(JSON_BODIES), BODY_TOKENS));
    case 3:
      return m.bytes(m.pick(corpus.batches), corpus.batches);
    default:
      return m.randomBytes(m.rng.nextInt(256));
  }
}

/** Broker requests among the corpus frames. */
function seedRequests(corpus: SeedCorpus): RemotingCommand[] {
  const out: RemotingCommand[] = [];
  for (const frame of corpus.frames) {
    try {
      const cmd = decodeFrame(frame);
      if (!isResponse(cmd) && BROKER_HANDLERS.has(cmd.code)) out.push(cmd);
    } catch {
      // A frame of the corpus that does not decode (torn capture): not a seed here.
    }
  }
  return out;
}

/** The broker request target over `corpus`. */
export function brokerTarget(corpus: SeedCorpus): FuzzTarget {
  const codes = [...BROKER_HANDLERS.keys()];
  const seeds = seedRequests(corpus);
  const dir = Deno.makeTempDirSync({ prefix: "rmq-fuzz-broker-" });
  let generation = 0;
  let broker = controller(`${dir}/${generation}`);
  let inputs = 0;
  // Old brokers shut down in the background (not timed as part of an input), each in its own dir.
  const closing: Promise<void>[] = [];
  const sent: RemotingCommand[] = [];
  const channel = (id: number): ClientChannel => ({
    id,
    remoteAddress: `127.0.0.1:${40000 + id}`,
    send: (c) => void (sent.length < 100 ? sent.push(c) : sent.splice(0)),
    invoke: () => Promise.reject(new Error("the fuzz channel answers no requests")),
    closed: false,
  });
  return {
    name: "broker",
    generate: (m) => {
      let cmd: RemotingCommand;
      if (seeds.length > 0 && m.oneIn(2)) {
        const seed = m.pick(seeds);
        cmd = {
          ...seed,
          extFields: mutateFields(m, seed.extFields ?? {}),
          ...(m.oneIn(3) && seed.body !== undefined ? { body: m.bytes(seed.body) } : {}),
        };
      } else {
        let fields: Record<string, string> = {};
        if (m.oneIn(4)) {
          for (let i = m.rng.nextInt(10); i > 0; i--) fields[m.pick(FIELD_NAMES)] = hostileValue(m);
        } else fields = m.oneIn(5) ? { ...VALID_FIELDS } : mutateFields(m, VALID_FIELDS);
        cmd = createRequest(m.oneIn(20) ? m.rng.nextInt(400) : m.pick(codes), {
          extFields: fields,
          body: freshBody(m, corpus),
          serializeType: m.oneIn(3) ? "ROCKETMQ" : "JSON",
          oneway: m.oneIn(10),
        });
      }
      return encodeCommand(cmd);
    },
    isExpected: (error) => error instanceof BrokerError || error instanceof SyntaxError,
    run: async (input, m) => {
      if (++inputs % STATE_INPUTS_MAX === 0) {
        closing.push(broker.shutdown());
        if (closing.length > 4) await closing.shift();
        broker = controller(`${dir}/${++generation}`);
      }
      const request = decodeFrame(input as Uint8Array);
      // Now and then a pull may park (long polling); parked pulls are woken at the next rebuild.
      const ctx = { request, channel: channel(1 + (inputs % 5)), mayHold: m.oneIn(4) };
      const heldBefore = broker.holds.size;
      const handler = BROKER_HANDLERS.get(request.code);
      let thrown: unknown;
      try {
        await handler?.(broker, ctx);
      } catch (error) {
        thrown = error;
      }
      const response = await dispatchRequest(broker, ctx);
      // END_TRANSACTION is one-way from Java clients; like Java's processor it answers nothing.
      const parked = ctx.mayHold && broker.holds.size > heldBefore;
      const mayStaySilent = request.code === RequestCode.END_TRANSACTION || parked;
      if (response === undefined && (request.flag & 2) === 0 && !mayStaySilent) {
        throw new Error(`No response to two-way request code ${request.code}`);
      }
      if (thrown !== undefined) throw thrown;
    },
    close: async () => {
      await Promise.all([...closing, broker.shutdown()]);
      await Deno.remove(dir, { recursive: true }).catch(() => undefined);
    },
  };
}
