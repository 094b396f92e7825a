/**
 * Builders of the custom header (`extFields`) of each request the client
 * sends, with Java's field names and string values, in the key order a Java
 * 4.9.4 client puts on the wire (checked against the captured frames).
 *
 * Runs on: any
 * @module
 */

/** A header value before stringification; `undefined` means "omit" (Java null). */
export type HeaderValue = string | number | boolean | undefined;

/** Stringifies `fields` as Java's `makeCustomHeaderToNet` does, dropping absent ones. */
export function toExtFields(fields: Readonly<Record<string, HeaderValue>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) result[key] = String(value);
  }
  return result;
}

/** Fields of SEND_MESSAGE / SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE (long names). */
export interface SendMessageHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties: string;
  reconsumeTimes: number;
  unitMode: boolean;
  maxReconsumeTimes?: number;
  batch: boolean;
}

/** SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE header: the one-letter keys `a`..`m`. */
export function sendMessageHeaderV2(h: SendMessageHeader): Record<string, string> {
  return toExtFields({
    a: h.producerGroup,
    b: h.topic,
    c: h.defaultTopic,
    d: h.defaultTopicQueueNums,
    e: h.queueId,
    f: h.sysFlag,
    g: h.bornTimestamp,
    h: h.flag,
    i: h.properties,
    j: h.reconsumeTimes,
    k: h.unitMode,
    l: h.maxReconsumeTimes,
    m: h.batch,
  });
}

/** SEND_MESSAGE (code 10) header with long field names. */
export function sendMessageHeaderV1(h: SendMessageHeader): Record<string, string> {
  return toExtFields({
    queueId: h.queueId,
    maxReconsumeTimes: h.maxReconsumeTimes,
    producerGroup: h.producerGroup,
    flag: h.flag,
    sysFlag: h.sysFlag,
    reconsumeTimes: h.reconsumeTimes,
    batch: h.batch,
    topic: h.topic,
    unitMode: h.unitMode,
    bornTimestamp: h.bornTimestamp,
    defaultTopic: h.defaultTopic,
    properties: h.properties,
    defaultTopicQueueNums: h.defaultTopicQueueNums,
  });
}

/** Fields of PULL_MESSAGE / LITE_PULL_MESSAGE. */
export interface PullMessageHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: number;
  suspendTimeoutMillis: number;
  subscription?: string;
  subVersion: number;
  expressionType?: string;
}

/** PULL_MESSAGE header, keys in Java's wire order. */
export function pullMessageHeader(h: PullMessageHeader): Record<string, string> {
  return toExtFields({
    queueId: h.queueId,
    maxMsgNums: h.maxMsgNums,
    sysFlag: h.sysFlag,
    suspendTimeoutMillis: h.suspendTimeoutMillis,
    commitOffset: h.commitOffset,
    subscription: h.subscription,
    topic: h.topic,
    queueOffset: h.queueOffset,
    expressionType: h.expressionType,
    subVersion: h.subVersion,
    consumerGroup: h.consumerGroup,
  });
}

/** PullSysFlag bits (`common/.../sysflag/PullSysFlag.java`). */
export const PULL_SYS_FLAG = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL_MESSAGE: 0x10,
} as const;

/** Builds a PullSysFlag value from its parts. */
export function pullSysFlag(
  parts: { commitOffset?: boolean; suspend?: boolean; subscription?: boolean; litePull?: boolean },
): number {
  let flag = 0;
  if (parts.commitOffset) flag |= PULL_SYS_FLAG.COMMIT_OFFSET;
  if (parts.suspend) flag |= PULL_SYS_FLAG.SUSPEND;
  if (parts.subscription) flag |= PULL_SYS_FLAG.SUBSCRIPTION;
  if (parts.litePull) flag |= PULL_SYS_FLAG.LITE_PULL_MESSAGE;
  return flag;
}

/** QUERY_CONSUMER_OFFSET header. */
export function queryConsumerOffsetHeader(
  consumerGroup: string,
  queue: { topic: string; queueId: number },
): Record<string, string> {
  return toExtFields({ queueId: queue.queueId, topic: queue.topic, consumerGroup });
}

/** UPDATE_CONSUMER_OFFSET header. */
export function updateConsumerOffsetHeader(
  consumerGroup: string,
  queue: { topic: string; queueId: number; commitOffset: number },
): Record<string, string> {
  return toExtFields({
    queueId: queue.queueId,
    commitOffset: queue.commitOffset,
    topic: queue.topic,
    consumerGroup,
  });
}

/** UNREGISTER_CLIENT header for one producer or consumer group. */
export function unregisterClientHeader(
  clientId: string,
  group: { producerGroup?: string; consumerGroup?: string },
): Record<string, string> {
  return toExtFields({
    producerGroup: group.producerGroup,
    clientID: clientId,
    consumerGroup: group.consumerGroup,
  });
}

/** Fields of END_TRANSACTION. */
export interface EndTransactionHeader {
  producerGroup: string;
  /** Half message's commit-log offset. */
  commitLogOffset: number;
  /** UNIQ_KEY of the message. */
  msgId: string;
  /** Half message's queue offset. */
  tranStateTableOffset: number;
  /** 0 unknown, 8 commit, 12 rollback. */
  commitOrRollback: number;
  transactionId?: string | undefined;
  fromTransactionCheck: boolean;
}

/** END_TRANSACTION header, keys in Java's wire order (`transactionId` omitted when absent). */
export function endTransactionHeader(h: EndTransactionHeader): Record<string, string> {
  return toExtFields({
    producerGroup: h.producerGroup,
    commitLogOffset: h.commitLogOffset,
    msgId: h.msgId,
    tranStateTableOffset: h.tranStateTableOffset,
    commitOrRollback: h.commitOrRollback,
    transactionId: h.transactionId,
    fromTransactionCheck: h.fromTransactionCheck,
  });
}
