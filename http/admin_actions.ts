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
import {
  type BrokerController,
  dispatchRequest,
  findMessageById,
  findMessagesByKey,
  findMessagesByTime,
  type SearchWindow,
} from "../broker/mod.ts";
import { formatSocketAddress, type MessageExt } from "../common/mod.ts";
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
    channel: {
      id: -1,
      remoteAddress: "http-admin",
      send: () => {},
      invoke: () => Promise.reject(new Error("the HTTP admin channel answers no requests")),
      closed: false,
    },
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
  const found = await findMessageById(controller, id, topic);
  return found === undefined ? undefined : messageJson(found);
}

/** Messages of `topic` whose key or unique key is `key`, stored within `[begin, end]`. */
export async function messagesByKey(
  controller: BrokerController,
  topic: string,
  key: string,
  window: SearchWindow,
): Promise<MessageJson[]> {
  return (await findMessagesByKey(controller, topic, key, window)).map(messageJson);
}

/** Up to `maxNum` messages of `topic` stored within `[begin, end]`, oldest first. */
export async function messagesByTime(
  controller: BrokerController,
  topic: string,
  window: SearchWindow,
): Promise<MessageJson[]> {
  const found = await findMessagesByTime(controller, topic, window);
  if (found === undefined) {
    throw new HTTPException(404, { message: `Topic "${topic}" does not exist` });
  }
  return found.map(messageJson);
}
