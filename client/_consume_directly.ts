/**
 * CONSUME_MESSAGE_DIRECTLY on the client side (Java `ConsumeMessageConcurrentlyService` /
 * `ConsumeMessageOrderlyService.consumeMessageDirectly`): one message, handed to the push
 * consumer's listener outside its queues, nothing committed or sent back; the answer is Java's
 * `ConsumeMessageDirectlyResult` (JSON keys in fastjson's alphabetical order).
 *
 * Runs on: main thread
 * @module
 */
import type { ConsumeDirectlyOutcome } from "./_admin_consumer.ts";
import type { MessageListener } from "./_consume_concurrently.ts";
import type { ConsumeOrderlyContext, MessageListenerOrderly } from "./consume_orderly.ts";
import type { MessageView } from "./message.ts";

/** The listener of a push consumer. */
export interface DirectListeners {
  listener: MessageListener | undefined;
  orderlyListener: MessageListenerOrderly | undefined;
  orderly: boolean;
}

/** `ConsumeMessageDirectlyResult` without `spentTimeMills` (the caller times the call). */
export interface DirectConsumeResult {
  autoCommit: boolean;
  consumeResult: ConsumeDirectlyOutcome;
  order: boolean;
  remark?: string;
}

/** Runs the consumer's listener on `message` and reports how it ended. */
export async function consumeDirectly(
  message: MessageView,
  listeners: DirectListeners,
): Promise<DirectConsumeResult> {
  const messageQueue = {
    topic: message.topic,
    brokerName: message.brokerName,
    queueId: message.queueId,
  };
  const order = listeners.orderly;
  try {
    if (listeners.orderlyListener !== undefined) {
      const context: ConsumeOrderlyContext = { messageQueue, suspendCurrentQueueTimeMillis: 1000 };
      const status = await listeners.orderlyListener([message], context);
      const consumeResult = status === "SUSPEND_CURRENT_QUEUE_A_MOMENT" ? "CR_LATER" : "CR_SUCCESS";
      return { autoCommit: true, consumeResult, order };
    }
    if (listeners.listener === undefined) {
      return { autoCommit: true, consumeResult: "CR_RETURN_NULL", order, remark: "no listener" };
    }
    const status = await listeners.listener([message], {
      messageQueue,
      delayLevelWhenNextConsume: 0,
    });
    return {
      autoCommit: true,
      consumeResult: status === "RECONSUME_LATER" ? "CR_LATER" : "CR_SUCCESS",
      order,
    };
  } catch (cause) {
    const remark = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return { autoCommit: true, consumeResult: "CR_THROW_EXCEPTION", order, remark };
  }
}
