/**
 * An in-memory `BrokerMessageStore`: records are encoded exactly as the file store writes them
 * (common message codec), kept per queue, with a key index. A test double only, for fast
 * in-process unit tests of the handlers (`request_dispatcher_test.ts`): it is not exported from
 * `mod.ts` and no runtime option selects it; the broker always runs on the file store
 * (`store_adapter.ts`). It keeps nothing across restarts.
 *
 * Runs on: main thread
 * @module
 */
import { encodeStoredMessage, type MessageToStore, storedRecordSize } from "../common/mod.ts";
import { findProperty } from "../common/mod.ts";
import { tagsHashCode } from "../common/mod.ts";
import type { Clock } from "../common/mod.ts";
import type {
  BrokerMessageStore,
  GetMessageOptions,
  GetResult,
  MessageArrivedListener,
  PutResult,
  QueryResult,
} from "./message_store_port.ts";

interface Entry {
  physicalOffset: number;
  tagsCode: number;
  storeTimestamp: number;
}

/** Settings of `MemoryMessageStore`. */
export interface MemoryMessageStoreOptions {
  clock: Clock;
  maxMessageSize: number;
  /** Largest number of records one get returns. */
  maxTransferCount: number;
}

/** A message store in memory. */
export class MemoryMessageStore implements BrokerMessageStore {
  readonly #records = new Map<number, Uint8Array>();
  readonly #queues = new Map<string, Entry[]>();
  readonly #keys = new Map<string, number[]>();
  readonly #listeners: MessageArrivedListener[] = [];
  readonly #options: MemoryMessageStoreOptions;
  #nextPhysicalOffset = 0;

  /** Creates an empty store. */
  constructor(options: MemoryMessageStoreOptions) {
    this.#options = options;
  }

  /** Stores all messages or none. */
  putMessages(messages: MessageToStore[]): Promise<PutResult> {
    let total = 0;
    for (const msg of messages) {
      if (msg.properties.length > 32_767) {
        return Promise.resolve({ status: "PROPERTIES_SIZE_EXCEEDED", stored: [] });
      }
      const size = storedRecordSize(msg);
      if (msg.body.length > this.#options.maxMessageSize) {
        return Promise.resolve({ status: "MESSAGE_ILLEGAL", stored: [] });
      }
      total += size;
    }
    if (total > this.#options.maxMessageSize + 64 * 1024 * messages.length) {
      return Promise.resolve({ status: "MESSAGE_ILLEGAL", stored: [] });
    }
    const stored: PutResult["stored"] = [];
    for (const msg of messages) stored.push(this.#append(msg));
    return Promise.resolve({ status: "PUT_OK", stored });
  }

  #append(msg: MessageToStore): PutResult["stored"][number] {
    const key = `${msg.topic}@${msg.queueId}`;
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      queue = [];
      this.#queues.set(key, queue);
    }
    const queueOffset = queue.length;
    const physicalOffset = this.#nextPhysicalOffset;
    const storeTimestamp = this.#options.clock.now();
    const bytes = new Uint8Array(storedRecordSize(msg));
    encodeStoredMessage(
      { ...msg, queueOffset, commitLogOffset: physicalOffset, storeTimestamp },
      bytes,
      0,
    );
    this.#nextPhysicalOffset += bytes.length;
    this.#records.set(physicalOffset, bytes);
    const tagsCode = tagsHashCode(findProperty(msg.properties, "TAGS"));
    queue.push({ physicalOffset, tagsCode, storeTimestamp });
    const keys = (findProperty(msg.properties, "KEYS") ?? "").split(" ");
    keys.push(findProperty(msg.properties, "UNIQ_KEY") ?? "");
    for (const k of keys) {
      if (k === "") continue;
      const indexKey = `${msg.topic}#${k}`;
      const list = this.#keys.get(indexKey) ?? [];
      list.push(physicalOffset);
      this.#keys.set(indexKey, list);
    }
    for (const listener of this.#listeners) {
      listener(msg.topic, msg.queueId, { queueOffset, tagsCode });
    }
    return { queueOffset, physicalOffset, storeTimestamp };
  }

  /** Reads a queue with Java's status rules. */
  getMessage(
    topic: string,
    queueId: number,
    options: GetMessageOptions,
  ): Promise<GetResult> {
    const queue = this.#queues.get(`${topic}@${queueId}`);
    const base = {
      minOffset: 0,
      maxOffset: queue?.length ?? 0,
      messages: new Uint8Array(0),
      count: 0,
      suggestPullingFromSlave: false,
    };
    if (queue === undefined || queue.length === 0) {
      const status = queue === undefined ? "NO_MATCHED_LOGIC_QUEUE" : "NO_MESSAGE_IN_QUEUE";
      return Promise.resolve({ ...base, status, nextBeginOffset: 0 });
    }
    const { offset } = options;
    if (offset < 0) {
      return Promise.resolve({ ...base, status: "OFFSET_TOO_SMALL", nextBeginOffset: 0 });
    }
    if (offset === queue.length) {
      return Promise.resolve({ ...base, status: "OFFSET_OVERFLOW_ONE", nextBeginOffset: offset });
    }
    if (offset > queue.length) {
      return Promise.resolve({
        ...base,
        status: "OFFSET_OVERFLOW_BADLY",
        nextBeginOffset: queue.length,
      });
    }
    const limit = Math.min(options.maxCount, this.#options.maxTransferCount);
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const records: Uint8Array[] = [];
    let bytes = 0;
    let next = offset;
    for (; next < queue.length && records.length < limit; next++) {
      const entry = queue[next];
      if (entry === undefined) continue;
      if (options.tagsCodes !== undefined && !options.tagsCodes.includes(entry.tagsCode)) continue;
      const record = this.#records.get(entry.physicalOffset);
      if (record === undefined) continue;
      if (records.length > 0 && bytes + record.length > maxBytes) break;
      records.push(record);
      bytes += record.length;
    }
    const status = records.length > 0 ? "FOUND" : "NO_MATCHED_MESSAGE";
    const messages = new Uint8Array(bytes);
    let pos = 0;
    for (const record of records) {
      messages.set(record, pos);
      pos += record.length;
    }
    return Promise.resolve({
      ...base,
      status,
      nextBeginOffset: next,
      messages,
      count: records.length,
    });
  }

  /** Always 0: nothing is ever deleted from memory. */
  getMinOffset(_topic: string, _queueId: number): Promise<number> {
    return Promise.resolve(0);
  }

  /** Number of messages in the queue. */
  getMaxOffset(topic: string, queueId: number): Promise<number> {
    return Promise.resolve(this.#queues.get(`${topic}@${queueId}`)?.length ?? 0);
  }

  /** Binary search by store time. */
  getOffsetByTime(
    topic: string,
    queueId: number,
    options: { timestamp: number; boundary: "lower" | "upper" },
  ): Promise<number> {
    const queue = this.#queues.get(`${topic}@${queueId}`) ?? [];
    if (options.boundary === "lower") {
      const index = queue.findIndex((e) => e.storeTimestamp >= options.timestamp);
      return Promise.resolve(index < 0 ? queue.length : index);
    }
    let last = 0;
    queue.forEach((e, i) => {
      if (e.storeTimestamp <= options.timestamp) last = i;
    });
    return Promise.resolve(last);
  }

  /** Store time of the first message, or -1. */
  getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    return Promise.resolve(this.#queues.get(`${topic}@${queueId}`)?.[0]?.storeTimestamp ?? -1);
  }

  /** The record at a physical offset. */
  lookMessageByOffset(physicalOffset: number): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.#records.get(physicalOffset));
  }

  /** Records indexed under `topic#key` whose store time is in range. */
  queryMessage(
    topic: string,
    key: string,
    options: { maxNum: number; begin: number; end: number },
  ): Promise<QueryResult> {
    const records: Uint8Array[] = [];
    for (const offset of this.#keys.get(`${topic}#${key}`) ?? []) {
      if (records.length >= options.maxNum) break;
      const record = this.#records.get(offset);
      if (record !== undefined) records.push(record);
    }
    return Promise.resolve({
      records,
      indexLastUpdateTimestamp: this.#options.clock.now(),
      indexLastUpdatePhyoffset: this.#nextPhysicalOffset,
    });
  }

  /** Drops the topic's queues. */
  deleteTopic(topic: string): Promise<void> {
    for (const key of [...this.#queues.keys()]) {
      if (key.slice(0, key.lastIndexOf("@")) === topic) this.#queues.delete(key);
    }
    return Promise.resolve();
  }

  /** End of the (virtual) commit log. */
  maxPhysicalOffset(): number {
    return this.#nextPhysicalOffset;
  }

  /** Registers a wake-up listener. */
  onMessageArrived(listener: MessageArrivedListener): void {
    this.#listeners.push(listener);
  }

  /** Nothing to flush. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
