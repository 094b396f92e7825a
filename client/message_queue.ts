/**
 * MessageQueue: one queue of a topic on one broker group, as Java's
 * `org.apache.rocketmq.common.message.MessageQueue`, with its ordering and a
 * string key for maps.
 *
 * Runs on: any
 * @module
 */

/** One queue of a topic on one broker group (`brokerName`). */
export interface MessageQueue {
  /** Topic name. */
  readonly topic: string;
  /** Broker group name (master and slaves share it). */
  readonly brokerName: string;
  /** Queue id within the topic on that broker group. */
  readonly queueId: number;
}

/** A string key identifying `mq`, for use in `Map`s and sets. */
export function messageQueueKey(mq: MessageQueue): string {
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}

/** Orders queues as Java does: by topic, then broker name, then queue id. */
export function compareMessageQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

/** Whether two queues name the same topic, broker group and queue id. */
export function sameMessageQueue(a: MessageQueue, b: MessageQueue): boolean {
  return a.topic === b.topic && a.brokerName === b.brokerName && a.queueId === b.queueId;
}
