/**
 * Changes and message searches for the admin API. Changes go through the broker's own request
 * handlers (`dispatchRequest` with a synthetic remoting request), so the HTTP API validates
 * and persists exactly as mqadmin's requests do; a failure answer becomes an `HTTPException`
 * with the status from `errors.ts` and the broker's remark. Searches read the store port.
 *
 * Runs on: main thread
 * @module
 */
import { HTTPException } from "hono/http-exception";
import { type BrokerController, dispatchRequest } from "../broker/mod.ts";
import {
  decodeOffsetMessageId,
  decodeStoredMessages,
  formatSocketAddress,
  type MessageExt,
} from "../common/mod.ts";
import { statusForResponseCode } from "./errors.ts";

/** A message as the API returns it (body as UTF-8 text, cut at `BODY_TEXT_MAX`). */
export interface MessageJson {
  msgId: string;
  offsetMsgId: string;
  topic: string;
  tags: string | null;
  keys: string[];
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  bornTimestamp: number;
  storeTimestamp: number;
  bornHost: string;
  storeHost: string;
  reconsumeTimes: number;
  storeSize: number;
  properties: Record<string, string>;
  body: string;
  bodyTruncated: boolean;
}

/** Longest body text returned. */
export const BODY_TEXT_MAX = 64 * 1024;

/** Most messages one time search reads per queue. */
const TIME_SEARCH_PER_QUEUE_MAX = 1000;

/** A decoded stored record as `MessageJson`. */
export function messageJson(ext: MessageExt): MessageJson {
  const text = new TextDecoder().decode(ext.body.subarray(0, BODY_TEXT_MAX));
  return {
    msgId: ext.properties.get("UNIQ_KEY") ?? ext.msgId,
    offsetMsgId: ext.msgId,
    topic: ext.topic,
    tags: ext.properties.get("TAGS") ?? null,
    keys: (ext.properties.get("KEYS") ?? "").split(" ").filter((k) => k !== ""),
    queueId: ext.queueId,
    queueOffset: ext.queueOffset,
    commitLogOffset: ext.commitLogOffset,
    bornTimestamp: ext.bornTimestamp,
    storeTimestamp: ext.storeTimestamp,
    bornHost: formatSocketAddress(ext.bornHost),
    storeHost: formatSocketAddress(ext.storeHost),
    reconsumeTimes: ext.reconsumeTimes,
    storeSize: ext.storeSize,
    properties: Object.fromEntries(ext.properties),
    body: text,
    bodyTruncated: ext.body.length > BODY_TEXT_MAX,
  };
}

type AdminRequest = Parameters<typeof dispatchRequest>[1]["request"];

/**
 * The request codes used here (values of `remoting/request_code.ts`, which http/ may not
 * import; the broker's handler table is keyed by them).
 */
const RequestCode = {
  UPDATE_AND_CREATE_TOPIC: 17,
  UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: 200,
  DELETE_SUBSCRIPTIONGROUP: 207,
  DELETE_TOPIC_IN_BROKER: 215,
} as const;

function createRequest(
  code: number,
  options: { extFields?: Record<string, string>; body?: Uint8Array },
): AdminRequest {
  return {
    code,
    language: "JAVA",
    version: 401,
    opaque: 0,
    flag: 0,
    serializeType: "JSON",
    ...options,
  };
}

async function dispatch(controller: BrokerController, request: AdminRequest): Promise<void> {
  const response = await dispatchRequest(controller, {
    request,
    channel: { id: -1, remoteAddress: "http-admin", send: () => {}, closed: false },
    mayHold: false,
  });
  if (response !== undefined && response.code !== 0) {
    throw new HTTPException(statusForResponseCode(response.code), {
      message: response.remark?.trim() || `Broker answered code ${response.code}`,
    });
  }
}

/** Topic settings accepted by `upsertTopic`. */
export interface TopicInput {
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  order: boolean;
  topicFilterType: "SINGLE_TAG" | "MULTI_TAG";
}

/** Creates or updates `topic` (UPDATE_AND_CREATE_TOPIC). */
export function upsertTopic(
  controller: BrokerController,
  topic: string,
  input: TopicInput,
): Promise<void> {
  return dispatch(
    controller,
    createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      extFields: {
        topic,
        defaultTopic: "TBW102",
        readQueueNums: String(input.readQueueNums),
        writeQueueNums: String(input.writeQueueNums),
        perm: String(input.perm),
        topicFilterType: input.topicFilterType,
        topicSysFlag: "0",
        order: String(input.order),
      },
    }),
  );
}

/** Deletes `topic` with its queues and offsets (DELETE_TOPIC_IN_BROKER). */
export function deleteTopic(controller: BrokerController, topic: string): Promise<void> {
  return dispatch(
    controller,
    createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, { extFields: { topic } }),
  );
}

/** Creates or updates a subscription group (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP). */
export function upsertGroup(
  controller: BrokerController,
  group: string,
  config: Record<string, unknown>,
): Promise<void> {
  const body = new TextEncoder().encode(JSON.stringify({ ...config, groupName: group }));
  return dispatch(
    controller,
    createRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, { body }),
  );
}

/** Deletes a subscription group, optionally with its offsets (DELETE_SUBSCRIPTIONGROUP). */
export function deleteGroup(
  controller: BrokerController,
  group: string,
  cleanOffset: boolean,
): Promise<void> {
  return dispatch(
    controller,
    createRequest(RequestCode.DELETE_SUBSCRIPTIONGROUP, {
      extFields: { groupName: group, cleanOffset: String(cleanOffset) },
    }),
  );
}

/** The message with this offset message id, or with this unique key in `topic`. */
export async function messageById(
  controller: BrokerController,
  id: string,
  topic: string | undefined,
): Promise<MessageJson | undefined> {
  if (topic !== undefined) {
    const found = await messagesByKey(controller, topic, id, {
      maxNum: 32,
      begin: 0,
      end: Number.MAX_SAFE_INTEGER,
    });
    const hit = found.find((m) => m.msgId === id || m.offsetMsgId === id);
    if (hit !== undefined) return hit;
  }
  let offset: number;
  try {
    offset = decodeOffsetMessageId(id).offset;
  } catch {
    return undefined; // not an offset id: nothing else to look up
  }
  const record = await controller.store.lookMessageByOffset(offset);
  const ext = record === undefined
    ? undefined
    : decodeStoredMessages(record, { uncompress: true })[0];
  return ext === undefined ? undefined : messageJson(ext);
}

/** Messages of `topic` whose key or unique key is `key`, stored within `[begin, end]`. */
export async function messagesByKey(
  controller: BrokerController,
  topic: string,
  key: string,
  window: { maxNum: number; begin: number; end: number },
): Promise<MessageJson[]> {
  const result = await controller.store.queryMessage(topic, key, window);
  return result.records
    .flatMap((r) => decodeStoredMessages(r, { uncompress: true }).map(messageJson))
    .filter((m) =>
      m.topic === topic && (m.keys.includes(key) || m.msgId === key) &&
      m.storeTimestamp >= window.begin && m.storeTimestamp <= window.end
    );
}

/** Up to `maxNum` messages of `topic` stored within `[begin, end]`, oldest first per queue. */
export async function messagesByTime(
  controller: BrokerController,
  topic: string,
  window: { maxNum: number; begin: number; end: number },
): Promise<MessageJson[]> {
  const config = controller.topics.get(topic);
  if (config === undefined) {
    throw new HTTPException(404, { message: `Topic "${topic}" does not exist` });
  }
  const found: MessageJson[] = [];
  for (let queueId = 0; queueId < config.readQueueNums && found.length < window.maxNum; queueId++) {
    let offset = await controller.store.getOffsetByTime(topic, queueId, {
      timestamp: window.begin,
      boundary: "lower",
    });
    const max = await controller.store.getMaxOffset(topic, queueId);
    for (
      let read = 0;
      offset < max && read < TIME_SEARCH_PER_QUEUE_MAX && found.length < window.maxNum;
    ) {
      const got = await controller.store.getMessage(topic, queueId, { offset, maxCount: 32 });
      if (got.count === 0) break;
      const batch = decodeStoredMessages(got.messages, { uncompress: true });
      read += batch.length;
      offset = got.nextBeginOffset;
      let pastEnd = false;
      for (const m of batch) {
        if (m.storeTimestamp > window.end) pastEnd = true;
        else if (m.storeTimestamp >= window.begin && found.length < window.maxNum) {
          found.push(messageJson(m));
        }
      }
      if (pastEnd) break;
    }
  }
  return found.sort((a, b) => a.storeTimestamp - b.storeTimestamp);
}
