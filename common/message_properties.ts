/**
 * The properties string of a message (`name 0x01 value 0x02 ...`) and the
 * names RocketMQ reserves in it (`MessageConst`).
 *
 * Runs on: any
 * @module
 */

/** Between a property name and its value. */
export const NAME_VALUE_SEPARATOR = "\u0001";
/** After every name/value pair, including the last. */
export const PROPERTY_SEPARATOR = "\u0002";
/** Names with this prefix are broker-internal and never stored. */
export const TRANSIENT_PROPERTY_PREFIX = "__RMQ.TRANSIENT.";

/**
 * Reserved property names, keyed by a `CONSTANT_CASE` form of the wire name
 * (Java `MessageConst.PROPERTY_*`). Values are exactly what goes on the wire.
 */
export const MessageConst = {
  KEYS: "KEYS",
  TAGS: "TAGS",
  WAIT: "WAIT",
  DELAY: "DELAY",
  RETRY_TOPIC: "RETRY_TOPIC",
  REAL_TOPIC: "REAL_TOPIC",
  REAL_QID: "REAL_QID",
  TRAN_MSG: "TRAN_MSG",
  PGROUP: "PGROUP",
  MIN_OFFSET: "MIN_OFFSET",
  MAX_OFFSET: "MAX_OFFSET",
  BUYER_ID: "BUYER_ID",
  ORIGIN_MESSAGE_ID: "ORIGIN_MESSAGE_ID",
  TRANSFER_FLAG: "TRANSFER_FLAG",
  CORRECTION_FLAG: "CORRECTION_FLAG",
  MQ2_FLAG: "MQ2_FLAG",
  RECONSUME_TIME: "RECONSUME_TIME",
  MSG_REGION: "MSG_REGION",
  TRACE_ON: "TRACE_ON",
  UNIQ_KEY: "UNIQ_KEY",
  EXTEND_UNIQ_INFO: "EXTEND_UNIQ_INFO",
  MAX_RECONSUME_TIMES: "MAX_RECONSUME_TIMES",
  CONSUME_START_TIME: "CONSUME_START_TIME",
  INNER_NUM: "INNER_NUM",
  INNER_BASE: "INNER_BASE",
  DUP_INFO: "DUP_INFO",
  CHECK_IMMUNITY_TIME_IN_SECONDS: "CHECK_IMMUNITY_TIME_IN_SECONDS",
  TRAN_PREPARED_QUEUE_OFFSET: "TRAN_PREPARED_QUEUE_OFFSET",
  TRANSACTION_ID: "__transactionId__",
  TRANSACTION_CHECK_TIMES: "TRANSACTION_CHECK_TIMES",
  INSTANCE_ID: "INSTANCE_ID",
  CORRELATION_ID: "CORRELATION_ID",
  REPLY_TO_CLIENT: "REPLY_TO_CLIENT",
  TTL: "TTL",
  ARRIVE_TIME: "ARRIVE_TIME",
  PUSH_REPLY_TIME: "PUSH_REPLY_TIME",
  CLUSTER: "CLUSTER",
  MSG_TYPE: "MSG_TYPE",
  POP_CK: "POP_CK",
  POP_CK_OFFSET: "POP_CK_OFFSET",
  FIRST_POP_TIME: "1ST_POP_TIME",
  SHARDING_KEY: "__SHARDINGKEY",
  FORWARD_QUEUE_ID: "PROPERTY_FORWARD_QUEUE_ID",
  REDIRECT: "REDIRECT",
  INNER_MULTI_DISPATCH: "INNER_MULTI_DISPATCH",
  INNER_MULTI_QUEUE_OFFSET: "INNER_MULTI_QUEUE_OFFSET",
  TRACE_CONTEXT: "TRACE_CONTEXT",
  TIMER_DELAY_SEC: "TIMER_DELAY_SEC",
  TIMER_DELAY_MS: "TIMER_DELAY_MS",
  TIMER_DELIVER_MS: "TIMER_DELIVER_MS",
  TIMER_ENQUEUE_MS: "TIMER_ENQUEUE_MS",
  TIMER_DEQUEUE_MS: "TIMER_DEQUEUE_MS",
  TIMER_ROLL_TIMES: "TIMER_ROLL_TIMES",
  TIMER_OUT_MS: "TIMER_OUT_MS",
  TIMER_DEL_UNIQKEY: "TIMER_DEL_UNIQKEY",
  TIMER_DELAY_LEVEL: "TIMER_DELAY_LEVEL",
  BORN_HOST: "__BORNHOST",
  BORN_TIMESTAMP: "BORN_TIMESTAMP",
  CRC32: "__CRC32#",
  DLQ_ORIGIN_TOPIC: "DLQ_ORIGIN_TOPIC",
  DLQ_ORIGIN_MESSAGE_ID: "DLQ_ORIGIN_MESSAGE_ID",
} as const;

/** One of the reserved property names. */
export type ReservedPropertyName = (typeof MessageConst)[keyof typeof MessageConst];

/** Every reserved property name, for the client-side check of user properties. */
export const RESERVED_PROPERTY_NAMES: ReadonlySet<string> = new Set(Object.values(MessageConst));

/** Properties as a map or a plain record; values are strings. */
export type PropertiesInput = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

function entriesOf(properties: PropertiesInput): Iterable<[string, string]> {
  return properties instanceof Map
    ? properties.entries()
    : Object.entries(properties as Record<string, string>);
}

/**
 * Encodes properties as Java's `messageProperties2String` does: every pair
 * as `name 0x01 value 0x02`, in iteration order. Names and values must not
 * contain the two separator characters (not checked, as in Java).
 */
export function encodeProperties(properties: PropertiesInput): string {
  let out = "";
  for (const [name, value] of entriesOf(properties)) {
    out += name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  }
  return out;
}

/**
 * Decodes a properties string as Java's `string2messageProperties` does:
 * split on 0x02; pieces shorter than 3 chars, without 0x01, with an empty
 * name or an empty value are skipped; a missing final 0x02 is fine; a later
 * duplicate name wins. Never throws.
 */
export function decodeProperties(s: string): Map<string, string> {
  const map = new Map<string, string>();
  const length = s.length;
  let index = 0;
  while (index < length) {
    let end = s.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    if (end - index >= 3) {
      const sep = s.indexOf(NAME_VALUE_SEPARATOR, index);
      if (sep > index && sep < end - 1) map.set(s.slice(index, sep), s.slice(sep + 1, end));
    }
    index = end + 1;
  }
  return map;
}

/**
 * The value of property `name` in the encoded string `s`, with the same
 * rules as `decodeProperties` (a later duplicate wins), without building a
 * map. `undefined` when absent.
 */
export function findProperty(s: string, name: string): string | undefined {
  const length = s.length;
  const nameLength = name.length;
  let found: string | undefined;
  let index = 0;
  while (index < length) {
    let end = s.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    const sep = index + nameLength;
    if (
      nameLength > 0 && sep < end - 1 && s.charCodeAt(sep) === 1 && s.startsWith(name, index)
    ) {
      found = s.slice(sep + 1, end);
    }
    index = end + 1;
  }
  return found;
}

/**
 * Returns `s` with properties changed: a string value sets (replacing an
 * existing pair), `undefined` removes. The result is re-encoded, so pairs
 * that Java readers would skip are dropped.
 */
export function withProperties(
  s: string,
  changes: Readonly<Record<string, string | undefined>>,
): string {
  const map = decodeProperties(s);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) map.delete(name);
    else map.set(name, value);
  }
  return encodeProperties(map);
}
