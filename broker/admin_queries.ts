/**
 * Read-only questions an operator asks a broker, for the admin HTTP API and the dashboard:
 * per-queue offsets of a topic, per-queue lag of a consumer group, every group the broker
 * knows, and messages by offset id, by key and by store time. Plain data out (decoded
 * `MessageExt`s); presentation stays in `http/`.
 *
 * Runs on: main thread
 * @module
 */
import { decodeOffsetMessageId, decodeStoredMessages, type MessageExt } from "../common/mod.ts";
import type { BrokerRuntime } from "./broker_runtime.ts";

/** Offsets of one queue of a topic. */
export interface QueueOffsets {
  queueId: number;
  minOffset: number;
  maxOffset: number;
}

/** One queue of a group's topic: broker end, committed offset and their difference. */
export interface QueueLag {
  topic: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  lag: number;
}

/** A store-time window and a result bound. */
export interface SearchWindow {
  maxNum: number;
  begin: number;
  end: number;
}

/** What the queries read. */
export type AdminQueryRuntime = Pick<
  BrokerRuntime,
  "topics" | "offsets" | "consumers" | "groups" | "store"
>;

/** Most messages one time search reads per queue. */
const TIME_SEARCH_PER_QUEUE_MAX = 1000;

/** Per-queue min/max offsets of `topic` (undefined when the topic does not exist). */
export async function topicQueueOffsets(
  rt: AdminQueryRuntime,
  topic: string,
): Promise<QueueOffsets[] | undefined> {
  const config = rt.topics.get(topic);
  if (config === undefined) return undefined;
  const queues: QueueOffsets[] = [];
  const count = Math.max(config.readQueueNums, config.writeQueueNums);
  for (let queueId = 0; queueId < count; queueId++) {
    queues.push({
      queueId,
      minOffset: await rt.store.getMinOffset(topic, queueId),
      maxOffset: await rt.store.getMaxOffset(topic, queueId),
    });
  }
  return queues;
}

/** Per-queue offsets and lag of `group` on every topic it has offsets for or subscribes to. */
export async function groupQueueLag(rt: AdminQueryRuntime, group: string): Promise<QueueLag[]> {
  const subscribed = [...(rt.consumers.get(group)?.subscriptions.keys() ?? [])];
  const topics = new Set([...rt.offsets.topicsOfGroup(group), ...subscribed]);
  const rows: QueueLag[] = [];
  for (const topic of [...topics].sort()) {
    const config = rt.topics.get(topic);
    if (config === undefined) continue;
    for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
      const brokerOffset = await rt.store.getMaxOffset(topic, queueId);
      const consumerOffset = Math.max(0, rt.offsets.queryOffset(group, topic, queueId));
      rows.push({
        topic,
        queueId,
        brokerOffset,
        consumerOffset,
        lag: Math.max(0, brokerOffset - consumerOffset),
      });
    }
  }
  return rows;
}

/** Names of every group: configured, online, or with stored offsets. */
export function knownGroupNames(rt: AdminQueryRuntime): string[] {
  const names = new Set<string>(rt.groups.all().map((g) => g.groupName));
  for (const g of rt.consumers.groups()) names.add(g);
  for (const t of rt.topics.all()) {
    for (const g of rt.offsets.groupsOfTopic(t.topicName)) names.add(g);
  }
  return [...names].sort();
}

/** Messages of `topic` whose key or unique key is `key`, stored within the window. */
export async function findMessagesByKey(
  rt: AdminQueryRuntime,
  topic: string,
  key: string,
  window: SearchWindow,
): Promise<MessageExt[]> {
  const result = await rt.store.queryMessage(topic, key, window);
  return result.records
    .flatMap((r) => decodeStoredMessages(r, { uncompress: true }))
    .filter((m) =>
      m.topic === topic &&
      ((m.properties.get("KEYS") ?? "").split(" ").includes(key) ||
        m.properties.get("UNIQ_KEY") === key) &&
      m.storeTimestamp >= window.begin && m.storeTimestamp <= window.end
    );
}

/** The message with this offset message id, or (given `topic`) with this unique key. */
export async function findMessageById(
  rt: AdminQueryRuntime,
  id: string,
  topic: string | undefined,
): Promise<MessageExt | undefined> {
  if (topic !== undefined) {
    const all = { maxNum: 32, begin: 0, end: Number.MAX_SAFE_INTEGER };
    const hit = (await findMessagesByKey(rt, topic, id, all))
      .find((m) => m.properties.get("UNIQ_KEY") === id);
    if (hit !== undefined) return hit;
  }
  let offset: number;
  try {
    offset = decodeOffsetMessageId(id).offset;
  } catch {
    return undefined; // not an offset id: nothing else to look up
  }
  const record = await rt.store.lookMessageByOffset(offset);
  return record === undefined ? undefined : decodeStoredMessages(record, { uncompress: true })[0];
}

/**
 * Up to `maxNum` messages of `topic` stored within the window, oldest first (undefined when
 * the topic does not exist). Reads at most 1000 messages per queue.
 */
export async function findMessagesByTime(
  rt: AdminQueryRuntime,
  topic: string,
  window: SearchWindow,
): Promise<MessageExt[] | undefined> {
  const config = rt.topics.get(topic);
  if (config === undefined) return undefined;
  const found: MessageExt[] = [];
  for (let queueId = 0; queueId < config.readQueueNums && found.length < window.maxNum; queueId++) {
    let offset = await rt.store.getOffsetByTime(topic, queueId, {
      timestamp: window.begin,
      boundary: "lower",
    });
    const max = await rt.store.getMaxOffset(topic, queueId);
    for (
      let read = 0;
      offset < max && read < TIME_SEARCH_PER_QUEUE_MAX && found.length < window.maxNum;
    ) {
      const got = await rt.store.getMessage(topic, queueId, { offset, maxCount: 32 });
      if (got.count === 0) break;
      const batch = decodeStoredMessages(got.messages, { uncompress: true });
      read += batch.length;
      offset = got.nextBeginOffset;
      let pastEnd = false;
      for (const m of batch) {
        if (m.storeTimestamp > window.end) pastEnd = true;
        else if (m.storeTimestamp >= window.begin && found.length < window.maxNum) found.push(m);
      }
      if (pastEnd) break;
    }
  }
  return found.sort((a, b) => a.storeTimestamp - b.storeTimestamp);
}
