/**
 * Goal: topic and group names are judged as RocketMQ judges them.
 * Method: allowed characters, lengths (127 / 255 for retry and DLQ topics,
 * 255 for groups), Java's remarks, and the system name sets.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import {
  dlqTopic,
  isDlqTopic,
  isLmqTopic,
  isNotAllowedSendTopic,
  isRetryTopic,
  isSystemGroup,
  isSystemTopic,
  isTopicOrGroupIllegal,
  popRetryTopic,
  replyTopic,
  retryTopic,
  TopicValidator,
  validateGroup,
  validateTopic,
} from "./topic_validator.ts";

Deno.test("isTopicOrGroupIllegal() allows only % | - _ letters and digits", () => {
  assert.ok(!isTopicOrGroupIllegal("Topic_A-1%|b"));
  for (const bad of ["a b", "a.b", "a/b", "é", "a\n", "a#b", "a+b"]) {
    assert.ok(isTopicOrGroupIllegal(bad), bad);
  }
});

Deno.test("validateTopic() reports blank, illegal characters and length with Java's remarks", () => {
  assert.deepEqual(validateTopic("TopicTest"), { ok: true });
  assert.deepEqual(validateTopic(" "), {
    ok: false,
    reason: "blank",
    message: "The specified topic is blank.",
  });
  const illegal = validateTopic("a.b");
  assert.ok(!illegal.ok && illegal.reason === "illegal_chars");
  assert.equal(
    illegal.message,
    "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$",
  );
  assert.deepEqual(validateTopic("t".repeat(127)), { ok: true });
  const long = validateTopic("t".repeat(128));
  assert.ok(!long.ok && long.reason === "too_long");
});

Deno.test("validateTopic() allows 255 chars when the topic is a retry or DLQ topic", () => {
  assert.deepEqual(validateTopic(retryTopic("g".repeat(248))), { ok: true });
  assert.deepEqual(validateTopic(dlqTopic("g".repeat(250))), { ok: true });
  assert.equal(validateTopic(retryTopic("g".repeat(249))).ok, false);
});

Deno.test("validateGroup() reports blank, length over 255 and illegal characters", () => {
  assert.deepEqual(validateGroup("please_rename_unique_group_name"), { ok: true });
  assert.equal(validateGroup("").ok, false);
  assert.deepEqual(validateGroup("g".repeat(255)), { ok: true });
  const long = validateGroup("g".repeat(256));
  assert.ok(
    !long.ok && long.message === "the specified group is longer than group max length 255.",
  );
  const illegal = validateGroup("a b");
  assert.ok(!illegal.ok && illegal.reason === "illegal_chars");
});

Deno.test("isSystemTopic() and isNotAllowedSendTopic() know RocketMQ's system topics", () => {
  for (
    const topic of [
      "TBW102",
      "SCHEDULE_TOPIC_XXXX",
      "BenchmarkTest",
      "RMQ_SYS_TRANS_HALF_TOPIC",
      "rmq_sys_wheel_timer",
    ]
  ) {
    assert.ok(isSystemTopic(topic), topic);
  }
  assert.ok(!isSystemTopic("TopicTest"));
  for (
    const topic of [
      "SCHEDULE_TOPIC_XXXX",
      "RMQ_SYS_TRANS_HALF_TOPIC",
      "RMQ_SYS_TRANS_OP_HALF_TOPIC",
      "TRANS_CHECK_MAX_TIME_TOPIC",
      "SELF_TEST_TOPIC",
      "OFFSET_MOVED_EVENT",
    ]
  ) {
    assert.ok(isNotAllowedSendTopic(topic), topic);
  }
  assert.ok(!isNotAllowedSendTopic("TBW102"));
  assert.ok(!isNotAllowedSendTopic("BenchmarkTest"));
});

Deno.test("retryTopic() and friends build and recognise the prefixed names", () => {
  assert.equal(retryTopic("cg"), "%RETRY%cg");
  assert.equal(dlqTopic("cg"), "%DLQ%cg");
  assert.equal(popRetryTopic("cg", "T"), "%RETRY%cg_T");
  assert.equal(popRetryTopic("cg", "T", { v2: true }), "%RETRY%cg+T");
  assert.equal(replyTopic("DefaultCluster"), "DefaultCluster_REPLY_TOPIC");
  assert.ok(isRetryTopic("%RETRY%cg") && !isRetryTopic("cg"));
  assert.ok(isDlqTopic("%DLQ%cg") && !isDlqTopic("%RETRY%cg"));
  assert.ok(isLmqTopic("%LMQ%q1"));
  assert.ok(isSystemGroup("CID_RMQ_SYS_TRANS") && !isSystemGroup("TOOLS_CONSUMER"));
  assert.equal(TopicValidator.TOPIC_MAX_LENGTH, 127);
});
