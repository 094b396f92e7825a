/**
 * Messages as users see them: `Message` (what a producer sends) and
 * `MessageView` (what a consumer receives, decoded from stored records with
 * the body uncompressed, the retry topic restored and the ids Java users
 * expect: `msgId` is the UNIQ_KEY, `offsetMsgId` the broker's id).
 *
 * Runs on: any
 * @module
 */
import {
  decodeStoredMessages,
  formatSocketAddress,
  MessageConst,
  MessageSysFlag,
  RESERVED_PROPERTY_NAMES,
} from "../common/mod.ts";
import type { MessageExt } from "../common/mod.ts";

/** A message to send. */
export interface Message {
  /** Target topic. */
  topic: string;
  /** Body; strings are sent as UTF-8. Must not be empty. */
  body: Uint8Array | string;
  /** One tag (consumers filter by it). */
  tags?: string;
  /** Business keys (indexed by the broker for QUERY_MESSAGE); a string may hold several, space-separated. */
  keys?: string | readonly string[];
  /** User properties; names reserved by RocketMQ (`KEYS`, `TAGS`, `UNIQ_KEY`, ...) are refused. */
  properties?: Readonly<Record<string, string>>;
  /** User flag stored with the message. */
  flag?: number;
  /** Delay level 1..18 (1 s, 5 s, 10 s, 30 s, 1 m, ...); absent or 0 = no delay. */
  delayTimeLevel?: number;
  /** 5.x timer: deliver at this epoch ms (`TIMER_DELIVER_MS`); at most one timer field. */
  deliverTimeMs?: number;
  /** 5.x timer: deliver this many ms after the send (`TIMER_DELAY_MS`). */
  delayTimeMs?: number;
  /** 5.x timer: deliver this many seconds after the send (`TIMER_DELAY_SEC`). */
  delayTimeSec?: number;
  /** Wait for flush/replication before the broker answers (default true). */
  waitStoreMsgOk?: boolean;
}

/** A received message. */
export interface MessageView {
  /** Topic (the original one for redelivered messages). */
  readonly topic: string;
  /** Body, uncompressed. */
  readonly body: Uint8Array;
  /** The `TAGS` property. */
  readonly tags: string | undefined;
  /** The `KEYS` property split on spaces. */
  readonly keys: readonly string[];
  /** Every property, reserved ones included. */
  readonly properties: ReadonlyMap<string, string>;
  /** The producer's unique id (`UNIQ_KEY`), or the offset id when absent. */
  readonly msgId: string;
  /** The broker's offset message id (store host + commit-log offset). */
  readonly offsetMsgId: string;
  /** Broker group the message was pulled from. */
  readonly brokerName: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly flag: number;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  readonly bornHost: string;
  readonly storeTimestamp: number;
  readonly storeHost: string;
  /** How many times this message was delivered before. */
  readonly reconsumeTimes: number;
  /** Body size as stored (compressed size when the producer compressed it). */
  readonly storeSize: number;
}

const encoder = new TextEncoder();

/** The body of `message` as bytes. */
export function messageBody(message: Message): Uint8Array {
  return typeof message.body === "string" ? encoder.encode(message.body) : message.body;
}

/** `KEYS` text of `message` (keys joined by one space), or undefined. */
export function messageKeys(message: Message): string | undefined {
  if (message.keys === undefined) return undefined;
  const text = typeof message.keys === "string" ? message.keys : message.keys.join(" ");
  return text.trim() === "" ? undefined : text;
}

const TIMER_FIELDS = [
  ["deliverTimeMs", MessageConst.TIMER_DELIVER_MS],
  ["delayTimeMs", MessageConst.TIMER_DELAY_MS],
  ["delayTimeSec", MessageConst.TIMER_DELAY_SEC],
] as const;

/** Sets the one 5.x timer property of `message`, if any; throws `TypeError` on two or a bad value. */
function putTimerProperty(message: Message, props: Map<string, string>): void {
  let seen: string | undefined;
  for (const [field, property] of TIMER_FIELDS) {
    const value = message[field];
    if (value === undefined) continue;
    if (seen !== undefined) {
      throw new TypeError(`Invalid message: both "${seen}" and "${field}" are set`);
    }
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`Invalid message: "${field}" must be a positive integer, got ${value}`);
    }
    seen = field;
    props.set(property, String(value));
  }
}

/**
 * The properties of `message` as sent: user properties, then `KEYS`, `TAGS`,
 * `DELAY`, the 5.x timer property, `WAIT` and `UNIQ_KEY`. Throws `TypeError`
 * on a reserved user name or a bad timer field.
 */
export function messageProperties(message: Message, uniqKey: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const [name, value] of Object.entries(message.properties ?? {})) {
    if (RESERVED_PROPERTY_NAMES.has(name)) {
      throw new TypeError(`Invalid message property: "${name}" is reserved`);
    }
    props.set(name, value);
  }
  const keys = messageKeys(message);
  if (keys !== undefined) props.set(MessageConst.KEYS, keys);
  if (message.tags !== undefined && message.tags !== "") props.set(MessageConst.TAGS, message.tags);
  if (message.delayTimeLevel !== undefined && message.delayTimeLevel > 0) {
    props.set(MessageConst.DELAY, String(message.delayTimeLevel));
  }
  putTimerProperty(message, props);
  props.set(MessageConst.WAIT, message.waitStoreMsgOk === false ? "false" : "true");
  props.set(MessageConst.UNIQ_KEY, uniqKey);
  return props;
}

/** Turns a decoded record into a `MessageView`, restoring the topic of retried messages. */
export function toMessageView(ext: MessageExt, brokerName: string): MessageView {
  const props = ext.properties;
  const retryTopic = props.get(MessageConst.RETRY_TOPIC);
  const topic = retryTopic !== undefined && ext.topic.startsWith("%RETRY%")
    ? retryTopic
    : ext.topic;
  const keys = props.get(MessageConst.KEYS);
  return {
    topic,
    body: ext.body,
    tags: props.get(MessageConst.TAGS),
    keys: keys === undefined ? [] : keys.split(" ").filter((k) => k !== ""),
    properties: props,
    msgId: props.get(MessageConst.UNIQ_KEY) ?? ext.msgId,
    offsetMsgId: ext.msgId,
    brokerName,
    queueId: ext.queueId,
    queueOffset: ext.queueOffset,
    commitLogOffset: ext.commitLogOffset,
    flag: ext.flag,
    sysFlag: ext.sysFlag & ~MessageSysFlag.COMPRESSED_FLAG,
    bornTimestamp: ext.bornTimestamp,
    bornHost: formatSocketAddress(ext.bornHost),
    storeTimestamp: ext.storeTimestamp,
    storeHost: formatSocketAddress(ext.storeHost),
    reconsumeTimes: ext.reconsumeTimes,
    storeSize: ext.storeSize,
  };
}

/** Decodes a pull (or query) response body into views, bodies uncompressed. */
export function decodeMessageViews(body: Uint8Array, brokerName: string): MessageView[] {
  return decodeStoredMessages(body, { uncompress: true }).map((ext) =>
    toMessageView(ext, brokerName)
  );
}
