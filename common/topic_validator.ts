/**
 * Topic and group names as RocketMQ checks them (`TopicValidator`,
 * client `Validators`, `MixAll`), and the system topic and group names.
 *
 * Runs on: any
 * @module
 */

/** System topic names, prefixes and limits (Java `TopicValidator` / `MixAll` names). */
export const TopicValidator = {
  AUTO_CREATE_TOPIC_KEY_TOPIC: "TBW102",
  RMQ_SYS_SCHEDULE_TOPIC: "SCHEDULE_TOPIC_XXXX",
  RMQ_SYS_BENCHMARK_TOPIC: "BenchmarkTest",
  RMQ_SYS_TRANS_HALF_TOPIC: "RMQ_SYS_TRANS_HALF_TOPIC",
  RMQ_SYS_TRACE_TOPIC: "RMQ_SYS_TRACE_TOPIC",
  RMQ_SYS_TRANS_OP_HALF_TOPIC: "RMQ_SYS_TRANS_OP_HALF_TOPIC",
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC: "TRANS_CHECK_MAX_TIME_TOPIC",
  RMQ_SYS_SELF_TEST_TOPIC: "SELF_TEST_TOPIC",
  RMQ_SYS_OFFSET_MOVED_EVENT: "OFFSET_MOVED_EVENT",
  RMQ_SYS_WHEEL_TIMER_TOPIC: "rmq_sys_wheel_timer",
  /** Prefix of 5.x system topics. */
  SYSTEM_TOPIC_PREFIX: "rmq_sys_",
  /** `%RETRY%<group>`: a consumer group's retry topic. */
  RETRY_GROUP_TOPIC_PREFIX: "%RETRY%",
  /** `%DLQ%<group>`: a consumer group's dead-letter topic. */
  DLQ_GROUP_TOPIC_PREFIX: "%DLQ%",
  /** `%LMQ%...`: light message queues. */
  LMQ_PREFIX: "%LMQ%",
  /** Prefix of system consumer groups. */
  CID_RMQ_SYS_PREFIX: "CID_RMQ_SYS_",
  /** Suffix of the per-cluster reply topic `<cluster>_REPLY_TOPIC`. */
  REPLY_TOPIC_POSTFIX: "REPLY_TOPIC",
  /** Longest ordinary topic name. */
  TOPIC_MAX_LENGTH: 127,
  /** Longest `%RETRY%` / `%DLQ%` topic name. */
  RETRY_OR_DLQ_TOPIC_MAX_LENGTH: 255,
  /** Longest group name (client `Validators.CHARACTER_MAX_LENGTH`). */
  GROUP_MAX_LENGTH: 255,
  /** The allowed characters, as Java says it in its messages. */
  VALID_PATTERN: "^[%|a-zA-Z0-9_-]+$",
} as const;

const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC,
  TopicValidator.RMQ_SYS_SCHEDULE_TOPIC,
  TopicValidator.RMQ_SYS_BENCHMARK_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRACE_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  TopicValidator.RMQ_SYS_SELF_TEST_TOPIC,
  TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT,
]);

const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  TopicValidator.RMQ_SYS_SCHEDULE_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  TopicValidator.RMQ_SYS_SELF_TEST_TOPIC,
  TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT,
]);

/** Groups the Java tools and clients use internally (`MixAll` constants). */
export const BUILTIN_GROUPS: ReadonlySet<string> = new Set([
  "TOOLS_CONSUMER",
  "FILTERSRV_CONSUMER",
  "__MONITOR_CONSUMER",
  "CLIENT_INNER_PRODUCER",
  "SELF_TEST_P_GROUP",
  "SELF_TEST_C_GROUP",
  "CID_ONS-HTTP-PROXY",
  "CID_ONSAPI_PERMISSION",
  "CID_ONSAPI_OWNER",
  "CID_ONSAPI_PULL",
]);

/** Outcome of a name check: fine, or why not (with Java's remark text). */
export type NameCheck =
  | { ok: true }
  | { ok: false; reason: "blank" | "illegal_chars" | "too_long"; message: string };

/** Whether `name` has a character outside `%`, `|`, `-`, `_`, `a-z`, `A-Z`, `0-9`. */
export function isTopicOrGroupIllegal(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ||
      c === 37 || c === 45 || c === 95 || c === 124;
    if (!ok) return true;
  }
  return false;
}

function isBlank(name: string): boolean {
  return name.trim().length === 0;
}

/**
 * Checks a topic name as the broker does: not blank, allowed characters only,
 * at most 127 chars (255 for `%RETRY%` / `%DLQ%` topics).
 */
export function validateTopic(topic: string): NameCheck {
  if (isBlank(topic)) {
    return { ok: false, reason: "blank", message: "The specified topic is blank." };
  }
  if (isTopicOrGroupIllegal(topic)) {
    return {
      ok: false,
      reason: "illegal_chars",
      message:
        `The specified topic contains illegal characters, allowing only ${TopicValidator.VALID_PATTERN}`,
    };
  }
  const max = isRetryTopic(topic) || isDlqTopic(topic)
    ? TopicValidator.RETRY_OR_DLQ_TOPIC_MAX_LENGTH
    : TopicValidator.TOPIC_MAX_LENGTH;
  if (topic.length > max) {
    return {
      ok: false,
      reason: "too_long",
      message: "The specified topic is longer than topic max length.",
    };
  }
  return { ok: true };
}

/** Checks a group name as the Java client does: not blank, at most 255 chars, allowed characters only. */
export function validateGroup(group: string): NameCheck {
  if (isBlank(group)) {
    return { ok: false, reason: "blank", message: "the specified group is blank" };
  }
  if (group.length > TopicValidator.GROUP_MAX_LENGTH) {
    return {
      ok: false,
      reason: "too_long",
      message:
        `the specified group is longer than group max length ${TopicValidator.GROUP_MAX_LENGTH}.`,
    };
  }
  if (isTopicOrGroupIllegal(group)) {
    return {
      ok: false,
      reason: "illegal_chars",
      message:
        `the specified group[${group}] contains illegal characters, allowing only ${TopicValidator.VALID_PATTERN}`,
    };
  }
  return { ok: true };
}

/** Whether `topic` is a system topic (the fixed set or the `rmq_sys_` prefix). */
export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPICS.has(topic) || topic.startsWith(TopicValidator.SYSTEM_TOPIC_PREFIX);
}

/** Whether producers may not send to `topic` (the broker answers NO_PERMISSION). */
export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND_TOPICS.has(topic);
}

/** Whether `group` is a system consumer group (`CID_RMQ_SYS_` prefix, as `MixAll.isSysConsumerGroup`). */
export function isSystemGroup(group: string): boolean {
  return group.startsWith(TopicValidator.CID_RMQ_SYS_PREFIX);
}

/** `%RETRY%<group>`. */
export function retryTopic(group: string): string {
  return TopicValidator.RETRY_GROUP_TOPIC_PREFIX + group;
}

/** `%DLQ%<group>`. */
export function dlqTopic(group: string): string {
  return TopicValidator.DLQ_GROUP_TOPIC_PREFIX + group;
}

/** Whether `topic` starts with `%RETRY%`. */
export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(TopicValidator.RETRY_GROUP_TOPIC_PREFIX);
}

/** Whether `topic` starts with `%DLQ%`. */
export function isDlqTopic(topic: string): boolean {
  return topic.startsWith(TopicValidator.DLQ_GROUP_TOPIC_PREFIX);
}

/** Whether `topic` is a light message queue (`%LMQ%` prefix). */
export function isLmqTopic(topic: string): boolean {
  return topic.startsWith(TopicValidator.LMQ_PREFIX);
}

/** POP retry topic: `%RETRY%<group>_<topic>` (v1) or `%RETRY%<group>+<topic>` (v2). */
export function popRetryTopic(
  group: string,
  topic: string,
  options: { v2?: boolean } = {},
): string {
  return retryTopic(group) + (options.v2 === true ? "+" : "_") + topic;
}

/** The per-cluster reply topic `<cluster>_REPLY_TOPIC`. */
export function replyTopic(clusterName: string): string {
  return `${clusterName}_${TopicValidator.REPLY_TOPIC_POSTFIX}`;
}
