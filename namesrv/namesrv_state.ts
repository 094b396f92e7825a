/**
 * All state of one name server, without the network: the route tables, the
 * KV store (loaded from `kvConfigPath`), and the live configuration that
 * GET/UPDATE_NAMESRV_CONFIG read and change. It is the `NamesrvContext` the
 * request handlers run against, so tests can drive handlers without sockets.
 *
 * Runs on: main thread
 * @module
 */
import {
  formatConfig,
  loadNamesrvConfig,
  type NamesrvConfig,
  parsePropertiesText,
} from "../common/config/mod.ts";
import { type Clock, ConfigError, getLogger, systemClock } from "../common/mod.ts";
import type { NamesrvContext, NamesrvSettings, UpdateConfigResult } from "./_context.ts";
import { KvConfigManager } from "./kv_config_manager.ts";
import { RouteInfoManager } from "./route_info_manager.ts";

const log = getLogger("namesrv");

/** Keys UPDATE_NAMESRV_CONFIG may not change (Java's default `configBlackList`). */
export const CONFIG_BLACK_LIST: readonly string[] = [
  "configBlackList",
  "configStorePath",
  "kvConfigPath",
];

/** Options of `NamesrvState`. */
export interface NamesrvStateOptions {
  /** The effective configuration. */
  config: NamesrvConfig;
  /** Time source for broker liveness; default the system clock. */
  clock?: Clock;
}

/** Tables, KV store and configuration of one name server. */
export class NamesrvState implements NamesrvContext {
  /** Broker, cluster and topic tables. */
  readonly routes: RouteInfoManager;
  /** Namespaced KV store. */
  readonly kv: KvConfigManager;
  #config: NamesrvConfig;

  /** Creates the tables and loads the KV file; throws ConfigError if the file is invalid. */
  constructor(options: NamesrvStateOptions) {
    this.#config = options.config;
    this.routes = new RouteInfoManager({
      clock: options.clock ?? systemClock,
      brokerChannelExpiredTimeMs: options.config.brokerChannelExpiredTime,
    });
    this.kv = new KvConfigManager({ kvConfigPath: options.config.kvConfigPath });
    this.kv.load();
  }

  /** The current configuration. */
  get config(): NamesrvConfig {
    return this.#config;
  }

  /** The settings handlers read on each request. */
  settings(): NamesrvSettings {
    const c = this.#config;
    return {
      orderMessageEnable: c.orderMessageEnable,
      returnOrderTopicConfigToBroker: c.returnOrderTopicConfigToBroker,
      enableAllTopicList: c.enableAllTopicList,
      enableTopicList: c.enableTopicList,
    };
  }

  /** The configuration as `key=value` lines. */
  configText(): string {
    return formatConfig(this.#config);
  }

  /**
   * Applies properties text. Keys in `CONFIG_BLACK_LIST` are refused; a bad
   * key or value leaves the configuration unchanged. Settings read per request
   * take effect at once; listener settings only at the next start.
   */
  updateConfig(propertiesText: string): UpdateConfigResult {
    try {
      const entries = parsePropertiesText(propertiesText, "UPDATE_NAMESRV_CONFIG body");
      const overrides: Record<string, string> = {};
      for (const entry of entries) {
        if (CONFIG_BLACK_LIST.includes(entry.key)) return { status: "forbidden", key: entry.key };
        overrides[entry.key] = entry.value;
      }
      const { config, warnings } = loadNamesrvConfig({
        text: this.configText(),
        overrides,
        env: {},
      });
      for (const warning of warnings) log.warn(warning);
      this.#config = config;
      log.info("Configuration updated", { keys: Object.keys(overrides) });
      return { status: "updated" };
    } catch (error) {
      if (error instanceof ConfigError) return { status: "invalid", message: error.message };
      throw error;
    }
  }
}
