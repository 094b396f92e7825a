/**
 * Java `DefaultMQPushConsumerImpl.checkClientInBroker`: before a consumer
 * with non-tag (SQL92) subscriptions starts, every broker serving each such
 * topic is asked with CHECK_CLIENT_CONFIG whether it accepts the expression,
 * so that a broker without `enablePropertyFilter` or a bad expression fails
 * `start()` instead of filtering nothing.
 *
 * Runs on: main thread
 * @module
 */
import type { ClientInstance } from "./client_instance.ts";
import { MQClientError } from "./errors.ts";
import type { SubscriptionData } from "./subscription.ts";

/** Throws `MQClientError` (cause: the broker's answer) when a broker refuses a subscription. */
export async function checkSubscriptionsInBroker(
  instance: ClientInstance,
  group: string,
  subscriptions: Iterable<SubscriptionData>,
): Promise<void> {
  for (const subscription of subscriptions) {
    if (subscription.expressionType === "TAG") continue;
    const route = instance.cachedRoute(subscription.topic);
    for (const broker of route?.brokerDatas ?? []) {
      const addr = instance.findBrokerAddr(broker.brokerName, true);
      if (addr === undefined) continue;
      try {
        await instance.api.checkClientConfig(addr, {
          clientId: instance.clientId,
          group,
          subscription,
        }, instance.requestTimeoutMs);
      } catch (cause) {
        throw new MQClientError(
          `Cannot start consumer: broker "${broker.brokerName}" refuses the ${subscription.expressionType} subscription of "${subscription.topic}"`,
          "NOT_STARTED",
          cause,
        );
      }
    }
  }
}
