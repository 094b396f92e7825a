/**
 * The HEART_BEAT body (`HeartbeatData`) in the exact JSON shape a Java client
 * writes: bean properties in alphabetical order, enums by name, compact.
 *
 * Runs on: any
 * @module
 */
import type { SubscriptionData } from "./subscription.ts";

/** How a consumer gets messages: pull (`CONSUME_ACTIVELY`) or push (`CONSUME_PASSIVELY`). */
export type ConsumeType = "CONSUME_ACTIVELY" | "CONSUME_PASSIVELY";
/** Clustering (queues shared in the group) or broadcasting (every client gets all). */
export type MessageModel = "CLUSTERING" | "BROADCASTING";
/** Where a group with no committed offset starts. */
export type ConsumeFromWhere =
  | "CONSUME_FROM_LAST_OFFSET"
  | "CONSUME_FROM_FIRST_OFFSET"
  | "CONSUME_FROM_TIMESTAMP";

/** One consumer group of this client, as reported in heartbeats. */
export interface ConsumerData {
  readonly groupName: string;
  readonly consumeType: ConsumeType;
  readonly messageModel: MessageModel;
  readonly consumeFromWhere: ConsumeFromWhere;
  readonly subscriptions: readonly SubscriptionData[];
}

/** Everything a heartbeat reports. */
export interface HeartbeatData {
  readonly clientId: string;
  readonly producerGroups: readonly string[];
  readonly consumers: readonly ConsumerData[];
}

/** One `SubscriptionData` as Java serialises it (bean properties in alphabetical order). */
export function subscriptionJson(s: SubscriptionData): Record<string, unknown> {
  return {
    classFilterMode: false,
    codeSet: s.codeSet,
    expressionType: s.expressionType,
    subString: s.subString,
    subVersion: s.subVersion,
    tagsSet: s.tagsSet,
    topic: s.topic,
  };
}

/** The HEART_BEAT body as compact JSON text (Java field order). */
export function heartbeatJson(data: HeartbeatData): string {
  return JSON.stringify({
    clientID: data.clientId,
    consumerDataSet: data.consumers.map((c) => ({
      consumeFromWhere: c.consumeFromWhere,
      consumeType: c.consumeType,
      groupName: c.groupName,
      messageModel: c.messageModel,
      subscriptionDataSet: c.subscriptions.map(subscriptionJson),
      unitMode: false,
    })),
    producerDataSet: data.producerGroups.map((groupName) => ({ groupName })),
  });
}

/** The HEART_BEAT body bytes (UTF-8 of `heartbeatJson`). */
export function encodeHeartbeat(data: HeartbeatData): Uint8Array {
  return new TextEncoder().encode(heartbeatJson(data));
}
