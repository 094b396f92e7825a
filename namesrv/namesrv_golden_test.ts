/**
 * Golden tests against a real Java RocketMQ 4.9.4 name server. Method: replay
 * every name-server request captured in the fixtures (broker registrations,
 * slave registration, mqadmin and ali-ons route queries, shutdown) through our
 * request processor in wire order, each TCP stream as its own connection, and
 * compare each of our responses with the one Java sent: code, remark,
 * extFields and body — byte for byte for whole frames where our bytes can be
 * identical. Route data differs only by the extra `topicSynFlag` key we add on
 * purpose, which is removed before the byte comparison. Topic lists are
 * compared as sets (Java writes them in HashMap order).
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { ManualClock } from "../common/mod.ts";
import { loadNamesrvConfig } from "../common/config/mod.ts";
import { decodeFrame, encodeCommand, type RemotingCommand, RequestCode } from "../remoting/mod.ts";
import { NamesrvRequestProcessor } from "./namesrv_request_processor.ts";
import { NamesrvState } from "./namesrv_state.ts";

const FIXTURES = new URL("../../shared/fixtures/java-4.9.4/", import.meta.url);
// Every scenario in capture order: later answers depend on earlier registrations.
const FILES = [
  "01-broker-registration",
  "02-master-slave",
  "03-java-producer-consumer",
  "04-java-transaction",
  "05-mqadmin",
  "06-delay-batch",
  "07-send-message-v1",
  "08-ali-ons",
  "09-shutdown",
];

function fixturesPresent(): boolean {
  try {
    return Deno.statSync(new URL("01-broker-registration.jsonl", FIXTURES)).isFile;
  } catch {
    return false;
  }
}

interface FixtureFrame {
  stream: number;
  server: string;
  direction: string;
  opaque: number;
  requestCode?: number;
  raw: string;
}

function base64Bytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function namesrvFrames(file: string): FixtureFrame[] {
  const text = Deno.readTextFileSync(new URL(`${file}.jsonl`, FIXTURES));
  return text.split("\n").filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as FixtureFrame)
    .filter((frame) => frame.server === "namesrv");
}

const decoder = new TextDecoder();
const withoutSynFlag = (json: string) => json.replaceAll(/"topicSynFlag":-?\d+,/g, "");

function compareResponse(ours: RemotingCommand, javaRaw: Uint8Array, requestCode: number): string {
  const java = decodeFrame(javaRaw);
  const where = `response to code ${requestCode} opaque ${java.opaque}`;
  assert.equal(ours.code, java.code, `${where}: code`);
  assert.equal(ours.remark, java.remark, `${where}: remark`);
  assert.deepEqual(ours.extFields, java.extFields, `${where}: extFields`);
  const ourBody = decoder.decode(ours.body ?? new Uint8Array());
  const javaBody = decoder.decode(java.body ?? new Uint8Array());
  if (requestCode === RequestCode.GET_NAMESRV_CONFIG) return "config";
  if (requestCode === RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER) {
    const sorted = (body: string) => (JSON.parse(body) as { topicList: string[] }).topicList.sort();
    assert.deepEqual(sorted(ourBody), sorted(javaBody), `${where}: topic list`);
    return "set";
  }
  if (requestCode === RequestCode.GET_ROUTEINFO_BY_TOPIC && ours.code === 0) {
    assert.notEqual(withoutSynFlag(ourBody), ourBody, `${where}: both sys-flag spellings`);
    assert.equal(withoutSynFlag(ourBody), javaBody, `${where}: route body`);
    return "route";
  }
  assert.deepEqual(encodeCommand(ours), javaRaw, `${where}: whole frame`);
  return "exact";
}

Deno.test({
  name: "NamesrvRequestProcessor.process() answers the captured Java requests as Java 4.9.4 did",
  ignore: !fixturesPresent(),
  fn() {
    const { config } = loadNamesrvConfig({ text: "kvConfigPath=\n", env: {} });
    const state = new NamesrvState({
      config: { ...config, kvConfigPath: "" },
      clock: new ManualClock(),
    });
    const processor = new NamesrvRequestProcessor(state);
    const answers = new Map<string, { response: RemotingCommand | undefined; code: number }>();
    const counts: Record<string, number> = {};
    for (const file of FILES) {
      for (const frame of namesrvFrames(file)) {
        const raw = base64Bytes(frame.raw);
        const key = `${file}/${frame.stream}/${frame.opaque}`;
        if (frame.direction === "client->server") {
          const request = decodeFrame(raw);
          answers.set(key, {
            response: processor.process(request, { id: frame.stream }),
            code: request.code,
          });
          continue;
        }
        const answer = answers.get(key);
        assert.ok(answer?.response, `no answer of ours for ${key}`);
        const kind = compareResponse(answer.response, raw, answer.code);
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
    }
    assert.ok((counts.exact ?? 0) >= 20, `exact frames: ${JSON.stringify(counts)}`);
    assert.ok((counts.route ?? 0) >= 40, `route bodies: ${JSON.stringify(counts)}`);
    assert.equal(state.routes.liveBrokers().length, 0, "both brokers unregistered at shutdown");
  },
});
