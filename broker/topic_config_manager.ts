/**
 * The broker's topic table: system topics created at start-up, topics auto-created from the
 * default topic (`TBW102`) on first send, admin create/update/delete, and the JSON file
 * `<storePathRootDir>/config/topics.json` (with `.bak`) in the shape Java writes.
 *
 * Runs on: main thread
 * @module
 */
import type { Clock } from "../common/mod.ts";
import { ConfigFile } from "./config_file.ts";
import { getLogger } from "../common/mod.ts";

const log = getLogger("broker");

/** Topic may be read. */
export const PERM_READ = 4;
/** Topic may be written. */
export const PERM_WRITE = 2;
/** Topic config may be inherited by auto-created topics (only `TBW102`). */
export const PERM_INHERIT = 1;
/** Priority bit (unused by the broker). */
export const PERM_PRIORITY = 8;

/** The default topic producers name when the real topic is unknown. */
export const AUTO_CREATE_TOPIC = "TBW102";

/** One topic's configuration, as Java's `TopicConfig`. */
export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: "SINGLE_TAG" | "MULTI_TAG";
  topicSysFlag: number;
  order: boolean;
}

/** Java's `DataVersion`: bumped on every change of a table. */
export interface DataVersion {
  counter: number;
  timestamp: number;
}

/** Settings of `TopicConfigManager`, named as in `broker.properties`. */
export interface TopicConfigManagerOptions {
  /** Folder of the JSON file (`<storePathRootDir>/config`); none = memory only. */
  configDir?: string;
  clock: Clock;
  brokerClusterName: string;
  brokerName: string;
  autoCreateTopicEnable: boolean;
  defaultTopicQueueNums: number;
  clusterTopicEnable?: boolean;
  brokerTopicEnable?: boolean;
  traceTopicEnable?: boolean;
  msgTraceTopicName?: string;
  /** Called after a topic was created or changed (the broker re-registers). */
  onChange?: (topic: string) => void;
}

/** Creates a topic config with Java's key order and defaults for the fields not given. */
export function makeTopicConfig(
  topicName: string,
  fields: Partial<Omit<TopicConfig, "topicName">> = {},
): TopicConfig {
  return {
    order: fields.order ?? false,
    perm: fields.perm ?? (PERM_READ | PERM_WRITE),
    readQueueNums: fields.readQueueNums ?? 16,
    topicFilterType: fields.topicFilterType ?? "SINGLE_TAG",
    topicName,
    topicSysFlag: fields.topicSysFlag ?? 0,
    writeQueueNums: fields.writeQueueNums ?? 16,
  };
}

/** The topic table of one broker. */
export class TopicConfigManager {
  readonly #table = new Map<string, TopicConfig>();
  readonly #options: TopicConfigManagerOptions;
  readonly #file: ConfigFile | undefined;
  readonly #systemTopics = new Set<string>();
  #dataVersion: DataVersion;

  /** Creates the table with the system topics; call `load()` to read the file. */
  constructor(options: TopicConfigManagerOptions) {
    this.#options = options;
    this.#file = options.configDir === undefined
      ? undefined
      : new ConfigFile(`${options.configDir}/topics.json`);
    this.#dataVersion = { counter: 0, timestamp: options.clock.now() };
    this.#initSystemTopics();
  }

  #initSystemTopics(): void {
    const o = this.#options;
    const system = (name: string, queues: number, perm: number): void => {
      this.#systemTopics.add(name);
      this.#table.set(
        name,
        makeTopicConfig(name, { readQueueNums: queues, writeQueueNums: queues, perm }),
      );
    };
    system("SELF_TEST_TOPIC", 1, 6);
    if (o.autoCreateTopicEnable) system(AUTO_CREATE_TOPIC, o.defaultTopicQueueNums, 7);
    system("BenchmarkTest", 1024, 6);
    system(o.brokerClusterName, 16, (o.clusterTopicEnable ?? true) ? 7 : 1);
    system(o.brokerName, 1, (o.brokerTopicEnable ?? true) ? 7 : 1);
    system("OFFSET_MOVED_EVENT", 1, 6);
    system("SCHEDULE_TOPIC_XXXX", 18, 6);
    if (o.traceTopicEnable) system(o.msgTraceTopicName ?? "RMQ_SYS_TRACE_TOPIC", 1, 6);
    system(`${o.brokerClusterName}_REPLY_TOPIC`, 1, 6);
    system("RMQ_SYS_TRANS_HALF_TOPIC", 1, 6);
    system("RMQ_SYS_TRANS_OP_HALF_TOPIC", 1, 6);
  }

  /** Reads `topics.json` (or its `.bak`), merging over the system topics. */
  load(): void {
    const loaded = this.#file?.load((text) => parseTopicsJson(text));
    if (loaded === undefined) return;
    for (const config of loaded.topics) this.#table.set(config.topicName, config);
    this.#dataVersion = loaded.dataVersion;
  }

  /** The current data version (a copy). */
  get dataVersion(): DataVersion {
    return { ...this.#dataVersion };
  }

  /** The configuration of `topic`, if it exists. */
  get(topic: string): TopicConfig | undefined {
    return this.#table.get(topic);
  }

  /** True when `topic` was created by the broker itself at start-up. */
  isSystemTopic(topic: string): boolean {
    return this.#systemTopics.has(topic) || topic.startsWith("rmq_sys_");
  }

  /** Every topic config, in table order. */
  all(): TopicConfig[] {
    return [...this.#table.values()];
  }

  /** Creates or replaces a topic; returns true when something changed. */
  upsert(config: TopicConfig): boolean {
    const old = this.#table.get(config.topicName);
    const normalized = makeTopicConfig(config.topicName, config);
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(normalized)) return false;
    this.#table.set(config.topicName, normalized);
    this.#changed(config.topicName);
    return true;
  }

  /** Deletes a topic; returns false when it did not exist. */
  delete(topic: string): boolean {
    if (!this.#table.delete(topic)) return false;
    this.#bump();
    void this.persist();
    return true;
  }

  /**
   * Java's `createTopicInSendMessageMethod`: creates `topic` from the default topic's config
   * when that topic exists and may be inherited; returns the (existing or new) config, or
   * `undefined` when the topic cannot be auto-created.
   */
  createFromDefault(
    topic: string,
    defaultTopic: string,
    options: { clientQueueNums: number; topicSysFlag: number },
  ): TopicConfig | undefined {
    const existing = this.#table.get(topic);
    if (existing !== undefined) return existing;
    const template = this.#table.get(defaultTopic);
    if (template === undefined) return undefined;
    let perm = template.perm;
    if (defaultTopic === AUTO_CREATE_TOPIC && !this.#options.autoCreateTopicEnable) {
      perm = PERM_READ | PERM_WRITE;
    }
    if ((perm & PERM_INHERIT) === 0) {
      log.warn("Cannot auto-create topic: default topic is not inheritable", {
        topic,
        defaultTopic,
      });
      return undefined;
    }
    const queueNums = Math.max(0, Math.min(options.clientQueueNums, template.writeQueueNums));
    const config = makeTopicConfig(topic, {
      readQueueNums: queueNums,
      writeQueueNums: queueNums,
      perm: perm & ~PERM_INHERIT,
      topicSysFlag: options.topicSysFlag,
    });
    log.info("Auto-created topic", { topic, defaultTopic, queueNums });
    this.#table.set(topic, config);
    this.#changed(topic);
    return config;
  }

  /** Java's `createTopicInSendMessageBackMethod`: creates a retry/DLQ topic if missing. */
  createIfMissing(topic: string, queueNums: number, perm: number): TopicConfig {
    const existing = this.#table.get(topic);
    if (existing !== undefined) return existing;
    const config = makeTopicConfig(topic, {
      readQueueNums: queueNums,
      writeQueueNums: queueNums,
      perm,
    });
    this.#table.set(topic, config);
    this.#changed(topic);
    return config;
  }

  /** The GET_ALL_TOPIC_CONFIG / registration wrapper `{dataVersion, topicConfigTable}`. */
  toWrapper(): { dataVersion: DataVersion; topicConfigTable: Record<string, TopicConfig> } {
    const topicConfigTable: Record<string, TopicConfig> = {};
    for (const [name, config] of this.#table) topicConfigTable[name] = config;
    return { dataVersion: this.dataVersion, topicConfigTable };
  }

  /** Writes `topics.json` now. */
  persist(): Promise<void> {
    if (this.#file === undefined) return Promise.resolve();
    return this.#file.persist(JSON.stringify(this.toWrapper())).catch((error) => {
      log.error("Cannot persist topic table", { error });
    });
  }

  /**
   * Something registered with the topic table changed (such as `brokerPermission`): a new data
   * version, persisted, and `onChange` (the controller re-registers with every name server).
   */
  touch(): void {
    this.#changed("");
  }

  #bump(): void {
    this.#dataVersion = {
      counter: this.#dataVersion.counter + 1,
      timestamp: this.#options.clock.now(),
    };
  }

  #changed(topic: string): void {
    this.#bump();
    void this.persist();
    this.#options.onChange?.(topic);
  }
}

function parseTopicsJson(text: string): { topics: TopicConfig[]; dataVersion: DataVersion } {
  const parsed = JSON.parse(text) as {
    dataVersion?: Partial<DataVersion>;
    topicConfigTable?: Record<string, Partial<TopicConfig>>;
  };
  const topics: TopicConfig[] = [];
  for (const [name, raw] of Object.entries(parsed.topicConfigTable ?? {})) {
    topics.push(makeTopicConfig(name, raw));
  }
  return {
    topics,
    dataVersion: {
      counter: Number(parsed.dataVersion?.counter ?? 0),
      timestamp: Number(parsed.dataVersion?.timestamp ?? 0),
    },
  };
}
