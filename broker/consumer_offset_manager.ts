/**
 * Committed consumer offsets per `topic@group` and queue id, persisted as
 * `<storePathRootDir>/config/consumerOffset.json` (with `.bak`) every
 * `flushConsumerOffsetInterval` and on shutdown. A commit overwrites the stored value, even
 * with a smaller offset, as Java does (resets work through the same call).
 *
 * Runs on: main thread
 * @module
 */
import { ConfigFile } from "./config_file.ts";
import { getLogger } from "../common/mod.ts";

const log = getLogger("broker");

/** Separator of Java's offset-table keys `topic@group`. */
const KEY_SEPARATOR = "@";

/** Settings of `ConsumerOffsetManager`. */
export interface ConsumerOffsetManagerOptions {
  /** Folder of the JSON file; none = memory only. */
  configDir?: string;
}

/** The consumer-offset table of one broker. */
export class ConsumerOffsetManager {
  readonly #table = new Map<string, Map<number, number>>();
  readonly #file: ConfigFile | undefined;
  #dirty = false;

  /** Creates an empty table; call `load()` to read the file. */
  constructor(options: ConsumerOffsetManagerOptions = {}) {
    this.#file = options.configDir === undefined
      ? undefined
      : new ConfigFile(`${options.configDir}/consumerOffset.json`);
  }

  /** Reads `consumerOffset.json` (or its `.bak`); accepts Java's bare integer keys. */
  load(): void {
    const loaded = this.#file?.load((text) => parseOffsetTable(text));
    if (loaded === undefined) return;
    for (const [key, queues] of loaded) this.#table.set(key, queues);
  }

  /** Stores `offset` for the group's queue. */
  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = `${topic}${KEY_SEPARATOR}${group}`;
    let queues = this.#table.get(key);
    if (queues === undefined) {
      queues = new Map();
      this.#table.set(key, queues);
    }
    queues.set(queueId, offset);
    this.#dirty = true;
  }

  /** The committed offset, or -1 when the group never committed one for that queue. */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.#table.get(`${topic}${KEY_SEPARATOR}${group}`)?.get(queueId) ?? -1;
  }

  /** Committed offsets of a group for one topic (queue id -> offset). */
  queryOffsets(group: string, topic: string): ReadonlyMap<number, number> {
    return this.#table.get(`${topic}${KEY_SEPARATOR}${group}`) ?? new Map();
  }

  /** Topics a group has offsets for. */
  topicsOfGroup(group: string): string[] {
    const topics: string[] = [];
    for (const key of this.#table.keys()) {
      const [topic, owner] = splitKey(key);
      if (owner === group) topics.push(topic);
    }
    return topics;
  }

  /** Groups that have offsets for a topic. */
  groupsOfTopic(topic: string): string[] {
    const groups: string[] = [];
    for (const key of this.#table.keys()) {
      const [owner, group] = splitKey(key);
      if (owner === topic) groups.push(group);
    }
    return groups;
  }

  /** Drops every group's offsets for `topic`. */
  deleteTopic(topic: string): void {
    for (const key of [...this.#table.keys()]) {
      if (splitKey(key)[0] === topic) this.#table.delete(key);
    }
    this.#dirty = true;
  }

  /** Drops every offset of `group`. */
  deleteGroup(group: string): void {
    for (const key of [...this.#table.keys()]) {
      if (splitKey(key)[1] === group) this.#table.delete(key);
    }
    this.#dirty = true;
  }

  /** The JSON text of the table: `{"offsetTable":{"topic@group":{"0":12}}}`. */
  toJson(): string {
    const offsetTable: Record<string, Record<string, number>> = {};
    for (const [key, queues] of this.#table) {
      const entry: Record<string, number> = {};
      for (const [queueId, offset] of queues) entry[String(queueId)] = offset;
      offsetTable[key] = entry;
    }
    return JSON.stringify({ offsetTable });
  }

  /** Writes the file if anything changed since the last write (or always with `force`). */
  async persist(force = false): Promise<void> {
    if (this.#file === undefined || (!this.#dirty && !force)) return;
    this.#dirty = false;
    try {
      await this.#file.persist(this.toJson());
    } catch (error) {
      this.#dirty = true;
      log.error("Cannot persist consumer offsets", { error });
    }
  }

  /** Synchronous write for the shutdown path. */
  persistSync(): void {
    if (this.#file === undefined) return;
    this.#file.persistSync(this.toJson());
    this.#dirty = false;
  }
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf(KEY_SEPARATOR);
  return at < 0 ? [key, ""] : [key.slice(0, at), key.slice(at + 1)];
}

/** Parses an offset table, quoting Java's bare integer keys first. */
export function parseOffsetTable(text: string): Map<string, Map<number, number>> {
  const standard = text.replace(/([{,])\s*(-?\d+)\s*:/g, '$1"$2":');
  const parsed = JSON.parse(standard) as { offsetTable?: Record<string, Record<string, unknown>> };
  const table = new Map<string, Map<number, number>>();
  for (const [key, queues] of Object.entries(parsed.offsetTable ?? {})) {
    const map = new Map<number, number>();
    for (const [queueId, offset] of Object.entries(queues)) {
      const q = Number(queueId);
      const o = Number(offset);
      if (Number.isSafeInteger(q) && Number.isSafeInteger(o)) map.set(q, o);
    }
    table.set(key, map);
  }
  return table;
}
