/**
 * Where a newly owned queue starts (Java `RebalancePushImpl.computePullFromWhere`):
 * the committed offset when there is one, otherwise the consume-from-where
 * rule (last, first, or by timestamp; retry topics start at 0 or the end).
 *
 * Runs on: main thread
 * @module
 */
import type { ClientInstance } from "./client_instance.ts";
import type { ConsumeFromWhere } from "./heartbeat_data.ts";
import type { MessageQueue } from "./message_queue.ts";
import type { OffsetStore } from "./offset_store.ts";

/** The offset to pull `mq` from, or -1 when it cannot be known now (broker unreachable). */
export async function computeStartOffset(
  instance: ClientInstance,
  mq: MessageQueue,
  options: { offsetStore: OffsetStore; consumeFromWhere: ConsumeFromWhere; timestampMs: number },
): Promise<number> {
  const stored = await options.offsetStore.readOffset(mq, "store");
  if (stored >= 0) return stored;
  if (stored < -1) return -1;
  const isRetry = mq.topic.startsWith("%RETRY%");
  // The master, or a slave while the master is gone.
  const { addr } = await instance.findOffsetBroker(mq.brokerName, mq.topic);
  const call = { mq, timeoutMs: instance.requestTimeoutMs };
  switch (options.consumeFromWhere) {
    case "CONSUME_FROM_FIRST_OFFSET":
      return 0;
    case "CONSUME_FROM_LAST_OFFSET":
      return isRetry ? 0 : await instance.api.queueNumber(addr, "max", call);
    case "CONSUME_FROM_TIMESTAMP":
      if (isRetry) return await instance.api.queueNumber(addr, "max", call);
      return await instance.api.searchOffset(addr, options.timestampMs, call);
  }
}
