/**
 * Queue choice for sends: the default round robin that avoids the broker
 * that just failed (Java `TopicPublishInfo.selectOneMessageQueue`), and the
 * user selectors for ordered messages (Java `SelectMessageQueueByHash`,
 * `SelectMessageQueueByRandom`).
 *
 * Runs on: any
 * @module
 */
import { javaStringHashCode } from "../common/mod.ts";
import type { Random } from "../common/mod.ts";
import type { MessageQueue } from "./message_queue.ts";

/** Picks the queue of an ordered send from the topic's writable queues and a user argument. */
export type MessageQueueSelector = (queues: readonly MessageQueue[], arg: unknown) => MessageQueue;

/** Same argument, same queue: Java `String.hashCode()` of `String(arg)`, absolute, modulo queue count. */
export const selectByHash: MessageQueueSelector = (
  queues: readonly MessageQueue[],
  arg: unknown,
): MessageQueue => {
  if (queues.length === 0) {
    throw new RangeError("Cannot select a queue: the topic has no writable queue");
  }
  const hash = Math.abs(javaStringHashCode(String(arg)));
  return queues[hash % queues.length]!;
};

/** A random queue. */
export function selectRandom(random: Random): MessageQueueSelector {
  return (queues) => {
    if (queues.length === 0) {
      throw new RangeError("Cannot select a queue: the topic has no writable queue");
    }
    return queues[random.nextInt(queues.length)]!;
  };
}

/** Round-robin queue choice per topic, skipping the broker of the previous failed attempt. */
export class RoundRobinQueueSelector {
  #counter: number;

  /** Starts the counter at `start` (Java starts at a random value). */
  constructor(start = 0) {
    this.#counter = start >>> 0;
  }

  /** The next queue, preferring one not on `avoidBroker`; `undefined` when `queues` is empty. */
  select(queues: readonly MessageQueue[], avoidBroker?: string): MessageQueue | undefined {
    if (queues.length === 0) return undefined;
    if (avoidBroker !== undefined) {
      for (let i = 0; i < queues.length; i++) {
        const mq = queues[this.#next() % queues.length]!;
        if (mq.brokerName !== avoidBroker) return mq;
      }
    }
    return queues[this.#next() % queues.length];
  }

  #next(): number {
    const value = this.#counter;
    this.#counter = (this.#counter + 1) >>> 0;
    return value;
  }
}
