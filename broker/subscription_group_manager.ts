/**
 * The broker's subscription-group table (`subscriptionGroup.json` with `.bak`): the built-in
 * groups, groups auto-created on first heartbeat or pull (`autoCreateSubscriptionGroup`), and
 * admin create/update/delete.
 *
 * Runs on: main thread
 * @module
 */
import type { Clock } from "../common/mod.ts";
import type { DataVersion } from "./topic_config_manager.ts";
import { ConfigFile } from "./config_file.ts";
import { getLogger } from "../common/mod.ts";

const log = getLogger("broker");

/** One group's configuration, as Java 4.9's `SubscriptionGroupConfig` (keys sorted). */
export interface SubscriptionGroupConfig {
  brokerId: number;
  consumeBroadcastEnable: boolean;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  groupName: string;
  notifyConsumerIdsChangedEnable: boolean;
  retryMaxTimes: number;
  retryQueueNums: number;
  whichBrokerWhenConsumeSlowly: number;
}

/** Groups every Java broker creates at start-up. */
const SYSTEM_GROUPS = [
  "TOOLS_CONSUMER",
  "FILTERSRV_CONSUMER",
  "SELF_TEST_C_GROUP",
  "CID_ONS-HTTP-PROXY",
  "CID_ONSAPI_PULL",
  "CID_ONSAPI_PERMISSION",
  "CID_ONSAPI_OWNER",
];

/** Builds a group config with Java's defaults for the fields not given. */
export function makeSubscriptionGroupConfig(
  groupName: string,
  fields: Partial<SubscriptionGroupConfig> = {},
): SubscriptionGroupConfig {
  return {
    brokerId: fields.brokerId ?? 0,
    consumeBroadcastEnable: fields.consumeBroadcastEnable ?? true,
    consumeEnable: fields.consumeEnable ?? true,
    consumeFromMinEnable: fields.consumeFromMinEnable ?? true,
    groupName,
    notifyConsumerIdsChangedEnable: fields.notifyConsumerIdsChangedEnable ?? true,
    retryMaxTimes: fields.retryMaxTimes ?? 16,
    retryQueueNums: fields.retryQueueNums ?? 1,
    whichBrokerWhenConsumeSlowly: fields.whichBrokerWhenConsumeSlowly ?? 1,
  };
}

/** Settings of `SubscriptionGroupManager`. */
export interface SubscriptionGroupManagerOptions {
  /** Folder of the JSON file; none = memory only. */
  configDir?: string;
  clock: Clock;
  autoCreateSubscriptionGroup: boolean;
}

/** The subscription-group table of one broker. */
export class SubscriptionGroupManager {
  readonly #table = new Map<string, SubscriptionGroupConfig>();
  readonly #options: SubscriptionGroupManagerOptions;
  readonly #file: ConfigFile | undefined;
  #dataVersion: DataVersion;

  /** Creates the table with the built-in groups; call `load()` to read the file. */
  constructor(options: SubscriptionGroupManagerOptions) {
    this.#options = options;
    this.#file = options.configDir === undefined
      ? undefined
      : new ConfigFile(`${options.configDir}/subscriptionGroup.json`);
    this.#dataVersion = { counter: 0, timestamp: options.clock.now() };
    for (const name of SYSTEM_GROUPS) this.#table.set(name, makeSubscriptionGroupConfig(name));
  }

  /** Reads `subscriptionGroup.json` (or its `.bak`). */
  load(): void {
    const loaded = this.#file?.load((text) => {
      const parsed = JSON.parse(text) as {
        dataVersion?: Partial<DataVersion>;
        subscriptionGroupTable?: Record<string, Partial<SubscriptionGroupConfig>>;
      };
      return parsed;
    });
    if (loaded === undefined) return;
    for (const [name, raw] of Object.entries(loaded.subscriptionGroupTable ?? {})) {
      this.#table.set(name, makeSubscriptionGroupConfig(name, raw));
    }
    this.#dataVersion = {
      counter: Number(loaded.dataVersion?.counter ?? 0),
      timestamp: Number(loaded.dataVersion?.timestamp ?? 0),
    };
  }

  /** The configuration of `group`, if it exists. */
  get(group: string): SubscriptionGroupConfig | undefined {
    return this.#table.get(group);
  }

  /**
   * Java's `findSubscriptionGroupConfig`: the group's config, auto-created with defaults when
   * missing and `autoCreateSubscriptionGroup` is on; otherwise `undefined`.
   */
  findOrCreate(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.#table.get(group);
    if (existing !== undefined) return existing;
    if (!this.#options.autoCreateSubscriptionGroup) return undefined;
    const config = makeSubscriptionGroupConfig(group);
    this.#table.set(group, config);
    log.info("Auto-created subscription group", { group });
    this.#changed();
    return config;
  }

  /** Creates or replaces a group. */
  upsert(config: SubscriptionGroupConfig): void {
    this.#table.set(config.groupName, makeSubscriptionGroupConfig(config.groupName, config));
    this.#changed();
  }

  /** Deletes a group; returns false when it did not exist. */
  delete(group: string): boolean {
    if (!this.#table.delete(group)) return false;
    this.#changed();
    return true;
  }

  /** Every group config, in table order. */
  all(): SubscriptionGroupConfig[] {
    return [...this.#table.values()];
  }

  /** The GET_ALL_SUBSCRIPTIONGROUP_CONFIG wrapper. */
  toWrapper(): {
    dataVersion: DataVersion;
    subscriptionGroupTable: Record<string, SubscriptionGroupConfig>;
  } {
    const subscriptionGroupTable: Record<string, SubscriptionGroupConfig> = {};
    for (const [name, config] of this.#table) subscriptionGroupTable[name] = config;
    return { dataVersion: { ...this.#dataVersion }, subscriptionGroupTable };
  }

  /** Writes `subscriptionGroup.json` now. */
  persist(): Promise<void> {
    if (this.#file === undefined) return Promise.resolve();
    return this.#file.persist(JSON.stringify(this.toWrapper())).catch((error) => {
      log.error("Cannot persist subscription groups", { error });
    });
  }

  #changed(): void {
    this.#dataVersion = {
      counter: this.#dataVersion.counter + 1,
      timestamp: this.#options.clock.now(),
    };
    void this.persist();
  }
}
