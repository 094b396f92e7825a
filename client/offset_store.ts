/**
 * Consumer offset stores, as Java's `OffsetStore`: `RemoteBrokerOffsetStore`
 * (clustering: offsets live on the broker, read with QUERY_CONSUMER_OFFSET and
 * written with UPDATE_CONSUMER_OFFSET) and `LocalFileOffsetStore`
 * (broadcasting: a JSON file per client and group, written atomically).
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/mod.ts";
import { messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";

const log = getLogger("client.offset");

/** Where `readOffset` looks: the in-memory table, the backing store, or memory first. */
export type ReadOffsetType = "memory" | "store" | "memoryThenStore";

/** Keeps the committed offset of each queue a consumer group owns. */
export interface OffsetStore {
  /** Loads persisted offsets (local file store); no-op for the broker store. */
  load(): Promise<void>;
  /** Records `offset` for `mq` in memory; with `increaseOnly`, never moves backwards. */
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  /** The in-memory offset of `mq`, if any (synchronous). */
  memoryOffset(mq: MessageQueue): number | undefined;
  /** The offset for `mq`, or -1 when none is known (-2 when the store could not be reached). */
  readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number>;
  /** Writes the in-memory offsets of `mqs` to the backing store. */
  persistAll(mqs: readonly MessageQueue[]): Promise<void>;
  /** Writes the in-memory offset of one queue to the backing store. */
  persist(mq: MessageQueue): Promise<void>;
  /** Forgets `mq` (after rebalance took it away and it was persisted). */
  removeOffset(mq: MessageQueue): void;
}

/** Broker calls the remote store needs; `undefined` from `query` means "no offset stored". */
export interface BrokerOffsetApi {
  /** QUERY_CONSUMER_OFFSET; resolves `undefined` on QUERY_NOT_FOUND. */
  queryConsumerOffset(mq: MessageQueue): Promise<number | undefined>;
  /** UPDATE_CONSUMER_OFFSET (one-way, as Java sends it). */
  updateConsumerOffset(mq: MessageQueue, offset: number): Promise<void>;
}

class MemoryOffsetTable {
  readonly table = new Map<string, { mq: MessageQueue; offset: number }>();

  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const key = messageQueueKey(mq);
    const old = this.table.get(key);
    if (old !== undefined && increaseOnly && offset <= old.offset) return;
    this.table.set(key, { mq, offset });
  }

  get(mq: MessageQueue): number | undefined {
    return this.table.get(messageQueueKey(mq))?.offset;
  }
}

/** Offsets kept by the broker (clustering consumers). */
export class RemoteBrokerOffsetStore implements OffsetStore {
  readonly #memory = new MemoryOffsetTable();
  readonly #api: BrokerOffsetApi;

  /** Creates a store that talks to the broker through `api`. */
  constructor(api: BrokerOffsetApi) {
    this.#api = api;
  }

  /** Nothing to load: the broker is the source. */
  load(): Promise<void> {
    return Promise.resolve();
  }

  /** Records `offset` in memory. */
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    this.#memory.update(mq, offset, increaseOnly);
  }

  /** The in-memory offset of `mq`, if any. */
  memoryOffset(mq: MessageQueue): number | undefined {
    return this.#memory.get(mq);
  }

  /** Reads memory and/or the broker; -1 when the broker has none, -2 when it failed. */
  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== "store") {
      const inMemory = this.#memory.get(mq);
      if (inMemory !== undefined || type === "memory") return inMemory ?? -1;
    }
    try {
      const stored = await this.#api.queryConsumerOffset(mq);
      if (stored === undefined) return -1;
      this.#memory.update(mq, stored, false);
      return stored;
    } catch (cause) {
      log.warn("Cannot query consumer offset", { queue: messageQueueKey(mq), cause });
      return -2;
    }
  }

  /** Sends every known offset of `mqs` to the broker. */
  async persistAll(mqs: readonly MessageQueue[]): Promise<void> {
    await Promise.all(mqs.map((mq) => this.persist(mq)));
  }

  /** Sends one offset to the broker, if known; failures are logged and retried next round. */
  async persist(mq: MessageQueue): Promise<void> {
    const offset = this.#memory.get(mq);
    if (offset === undefined || offset < 0) return;
    try {
      await this.#api.updateConsumerOffset(mq, offset);
    } catch (cause) {
      log.warn("Cannot update consumer offset", { queue: messageQueueKey(mq), cause });
    }
  }

  /** Forgets `mq`. */
  removeOffset(mq: MessageQueue): void {
    this.#memory.table.delete(messageQueueKey(mq));
  }
}

interface OffsetFileEntry {
  topic: string;
  brokerName: string;
  queueId: number;
  offset: number;
}

/**
 * Offsets in a local JSON file (broadcasting consumers):
 * `{"offsetTable":[{"topic","brokerName","queueId","offset"}]}`. Written to a
 * temporary file and renamed, with the previous file kept as `.bak`.
 */
export class LocalFileOffsetStore implements OffsetStore {
  readonly #memory = new MemoryOffsetTable();
  readonly #path: string;

  /** Creates a store backed by the file at `path` (its folder is created on first write). */
  constructor(path: string) {
    this.#path = path;
  }

  /** The file this store reads and writes. */
  get path(): string {
    return this.#path;
  }

  /** Reads the file (or its backup when the file is unreadable). */
  async load(): Promise<void> {
    for (const candidate of [this.#path, `${this.#path}.bak`]) {
      const entries = await readOffsetFile(candidate);
      if (entries === undefined) continue;
      for (const e of entries) {
        this.#memory.update(
          { topic: e.topic, brokerName: e.brokerName, queueId: e.queueId },
          e.offset,
          false,
        );
      }
      return;
    }
  }

  /** Records `offset` in memory. */
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    this.#memory.update(mq, offset, increaseOnly);
  }

  /** The in-memory offset of `mq`, if any. */
  memoryOffset(mq: MessageQueue): number | undefined {
    return this.#memory.get(mq);
  }

  /** Reads memory, then (for `store`) the file. */
  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type === "store") await this.load();
    return this.#memory.get(mq) ?? -1;
  }

  /** Writes the whole table (every queue known, not only `mqs`) to the file. */
  async persistAll(_mqs: readonly MessageQueue[]): Promise<void> {
    const offsetTable: OffsetFileEntry[] = [...this.#memory.table.values()].map((
      { mq, offset },
    ) => ({
      topic: mq.topic,
      brokerName: mq.brokerName,
      queueId: mq.queueId,
      offset,
    }));
    const dir = this.#path.replace(/[\\/][^\\/]*$/, "");
    if (dir !== this.#path) await Deno.mkdir(dir, { recursive: true });
    const tmp = `${this.#path}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify({ offsetTable }, null, 2));
    try {
      await Deno.copyFile(this.#path, `${this.#path}.bak`);
    } catch (cause) {
      if (!(cause instanceof Deno.errors.NotFound)) throw cause;
    }
    await Deno.rename(tmp, this.#path);
  }

  /** Same as `persistAll` (the file holds every queue). */
  persist(mq: MessageQueue): Promise<void> {
    return this.persistAll([mq]);
  }

  /** Forgets `mq`. */
  removeOffset(mq: MessageQueue): void {
    this.#memory.table.delete(messageQueueKey(mq));
  }
}

async function readOffsetFile(path: string): Promise<OffsetFileEntry[] | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound) return undefined;
    throw cause;
  }
  try {
    const parsed = JSON.parse(text) as { offsetTable?: unknown };
    if (!Array.isArray(parsed.offsetTable)) return undefined;
    return parsed.offsetTable.filter((e): e is OffsetFileEntry =>
      typeof e === "object" && e !== null && typeof e.topic === "string" &&
      typeof e.brokerName === "string" && Number.isInteger(e.queueId) &&
      Number.isSafeInteger(e.offset)
    );
  } catch (cause) {
    log.warn("Cannot parse offset file, trying the backup", { path, cause });
    return undefined;
  }
}
