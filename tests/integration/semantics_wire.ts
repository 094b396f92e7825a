/**
 * Shared pieces of the messaging-semantics tests: a broker process with short delay levels and
 * fast transaction checks, and Java-shaped frames (SEND_MESSAGE_V2 as the 4.9.4 client sends
 * it, PULL_MESSAGE with the subscription bit, CONSUMER_SEND_MSG_BACK, END_TRANSACTION,
 * HEART_BEAT).
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { decodeStoredMessages, encodeProperties, type MessageExt } from "../../common/mod.ts";
import { type RemotingCommand, RequestCode, ResponseCode } from "../../remoting/mod.ts";
import { javaRequest, type RunningProcess, startProcess, type WireClient } from "../harness.ts";

/** Ready line of `broker/main.ts`; group 1 is the port. */
export const BROKER_READY = /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/;

const encoder = new TextEncoder();

/** Starts `broker/main.ts` on `storeDir` (no name server) with `extra` properties. */
export function startSemanticsBroker(
  storeDir: string,
  extra: Record<string, string> = {},
): Promise<RunningProcess> {
  return startProcess({
    entry: "broker/main.ts",
    properties: {
      brokerName: "broker-s",
      brokerIP1: "127.0.0.1",
      bindAddress: "127.0.0.1",
      listenPort: "0",
      storePathRootDir: storeDir,
      shardCount: "2",
      messageDelayLevel: "1s 3s 1s 1s 1s 1s",
      ...extra,
    },
    readyPattern: BROKER_READY,
  });
}

/** Options of `sendV2`. */
export interface SendOptions {
  topic: string;
  queueId?: number;
  body: string;
  properties?: Record<string, string>;
  producerGroup?: string;
  sysFlag?: number;
  reconsumeTimes?: number;
}

/** SEND_MESSAGE_V2 exactly as the Java 4.9.4 client builds it (short keys a..m). */
export function sendV2(options: SendOptions): RemotingCommand {
  return javaRequest(RequestCode.SEND_MESSAGE_V2, {
    a: options.producerGroup ?? "pg",
    b: options.topic,
    c: "TBW102",
    d: "4",
    e: String(options.queueId ?? 0),
    f: String(options.sysFlag ?? 0),
    g: String(Date.now()),
    h: "0",
    i: encodeProperties({ WAIT: "true", TAGS: "TagA", ...options.properties }),
    j: String(options.reconsumeTimes ?? 0),
    k: "false",
    m: "false",
  }, { body: encoder.encode(options.body) });
}

/** PULL_MESSAGE with the subscription bit (no heartbeat needed), `*` or a given expression. */
export function pullRequest(
  topic: string,
  queueId: number,
  options: { offset: number; group?: string; subscription?: string; expressionType?: string },
): RemotingCommand {
  return javaRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: options.group ?? "cg",
    topic,
    queueId: String(queueId),
    queueOffset: String(options.offset),
    maxMsgNums: "32",
    sysFlag: "4",
    commitOffset: "0",
    suspendTimeoutMillis: "1000",
    subscription: options.subscription ?? "*",
    subVersion: "0",
    expressionType: options.expressionType ?? "TAG",
  });
}

/** Every message of a queue from offset 0 (bounded rounds). */
export async function pullAll(
  client: WireClient,
  topic: string,
  queueId: number,
  group = "cg",
): Promise<MessageExt[]> {
  const found: MessageExt[] = [];
  let offset = 0;
  for (let round = 0; round < 50; round++) {
    const answer = await client.request(pullRequest(topic, queueId, { offset, group }));
    if (answer.code === ResponseCode.PULL_RETRY_IMMEDIATELY) {
      offset = Number(answer.extFields?.["nextBeginOffset"]);
      continue;
    }
    if (answer.code !== ResponseCode.SUCCESS) break;
    found.push(...decodeStoredMessages(answer.body ?? new Uint8Array()));
    offset = Number(answer.extFields?.["nextBeginOffset"]);
  }
  return found;
}

/** Sends and asserts SEND_OK; returns the response header. */
export async function sendOk(
  client: WireClient,
  options: SendOptions,
): Promise<Record<string, string>> {
  const answer = await client.request(sendV2(options));
  assert.equal(answer.code, ResponseCode.SUCCESS, answer.remark);
  const fields = answer.extFields ?? {};
  return fields instanceof Map ? Object.fromEntries(fields) : { ...fields };
}

/** HEART_BEAT of a producer (and optionally consumer) client. */
export function heartbeat(
  clientId: string,
  options: {
    producerGroups?: string[];
    consumers?: { group: string; topic: string; subString: string; expressionType: string }[];
  },
): RemotingCommand {
  const body = {
    clientID: clientId,
    producerDataSet: (options.producerGroups ?? []).map((groupName) => ({ groupName })),
    consumerDataSet: (options.consumers ?? []).map((c) => ({
      groupName: c.group,
      consumeType: "CONSUME_PASSIVELY",
      messageModel: "CLUSTERING",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      unitMode: false,
      subscriptionDataSet: [{
        classFilterMode: false,
        codeSet: [],
        expressionType: c.expressionType,
        subString: c.subString,
        subVersion: Date.now(),
        tagsSet: [],
        topic: c.topic,
      }],
    })),
  };
  return javaRequest(RequestCode.HEART_BEAT, {}, { body: encoder.encode(JSON.stringify(body)) });
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
