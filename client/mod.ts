/**
 * The TypeScript RocketMQ client: `Producer`, `PushConsumer`,
 * `PullConsumer`, `AdminClient` and their types.
 *
 * @module
 */
export { Producer } from "./producer.ts";
export type { ProducerOptions, SendOptions, SendResult } from "./producer.ts";
export { PushConsumer } from "./push_consumer.ts";
export type {
  ConsumeContext,
  ConsumeResult,
  MessageListener,
  PushConsumerOptions,
} from "./push_consumer.ts";
export type { Message, MessageView } from "./message.ts";
export type { MessageQueue } from "./message_queue.ts";
export { PullConsumer } from "./pull_consumer.ts";
export type { PullConsumerOptions } from "./pull_consumer.ts";
export { AdminClient } from "./admin_client.ts";
export type {
  AdminTarget,
  ClusterInfo,
  ConsumeProgress,
  ConsumerConnection,
  TopicOffset,
  TopicSettings,
} from "./admin_client.ts";
