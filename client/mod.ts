/**
 * The TypeScript RocketMQ client: `Producer`, `PushConsumer`, `PullConsumer`
 * (lite pull), `AdminClient`, queue allocation strategies, queue selectors,
 * errors and types. See README.md for how it works.
 *
 * ```ts ignore
 * import { Producer } from "./mod.ts";
 * const producer = new Producer({ groupName: "pg", namesrvAddr: "127.0.0.1:9876" });
 * await producer.start();
 * await producer.send({ topic: "T", body: "hello", tags: "TagA" });
 * await producer.shutdown();
 * ```
 *
 * @module
 */
export { Producer } from "./producer.ts";
export type { ProducerOptions, SendOptions, SendResult } from "./producer.ts";
export type { SendStatus } from "./client_api.ts";
export { TRANSACTION_STATE_CODE, TransactionProducer } from "./transaction_producer.ts";
export type {
  LocalTransactionContext,
  LocalTransactionState,
  TransactionListener,
  TransactionProducerOptions,
  TransactionSendOptions,
  TransactionSendResult,
} from "./transaction_producer.ts";
export { PushConsumer } from "./push_consumer.ts";
export type {
  ConsumeContext,
  ConsumeResult,
  MessageListener,
  PushConsumerOptions,
} from "./push_consumer.ts";
export type {
  ConsumeOrderlyContext,
  ConsumeOrderlyStatus,
  MessageListenerOrderly,
} from "./consume_orderly.ts";
export { PullConsumer } from "./pull_consumer.ts";
export type { PullConsumerOptions } from "./pull_consumer.ts";
export { AdminClient } from "./admin_client.ts";
export type { QueryMessageOptions } from "./_admin_query.ts";
export {
  type ConsumeDirectlyOutcome,
  type ConsumeMessageDirectlyResult,
  formatConsumeDirectlyResult,
} from "./_admin_consumer.ts";
export type {
  AdminTarget,
  ClusterInfo,
  ConsumeProgress,
  ConsumerConnection,
  TopicOffset,
  TopicSettings,
} from "./admin_client.ts";
export type { ClientOptions } from "./client_instance.ts";
export type { ConsumeFromWhere, MessageModel } from "./heartbeat_data.ts";
export type { Message, MessageView } from "./message.ts";
export type { MessageQueue } from "./message_queue.ts";
export { MessageSelector } from "./message_selector.ts";
export type { ExpressionType, SubscriptionExpression } from "./message_selector.ts";
export {
  allocateAveragely,
  allocateAveragelyByCircle,
  allocateByConfig,
  allocateByConsistentHash,
  allocateStrategy,
} from "./allocate_strategy.ts";
export type {
  AllocateContext,
  AllocateStrategy,
  AllocateStrategyName,
} from "./allocate_strategy.ts";
export { selectByHash, selectRandom } from "./queue_selector.ts";
export type { MessageQueueSelector } from "./queue_selector.ts";
export { MQClientError, MQResponseError } from "./errors.ts";
export type { MQClientErrorCode } from "./errors.ts";
export type { TopicRouteData } from "./topic_route.ts";
