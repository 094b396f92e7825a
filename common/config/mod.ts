/**
 * Configuration: the Java `.properties` parser, zod schemas for
 * `broker.properties` and `namesrv.properties` with RocketMQ's defaults, the
 * loader (file + `-n` style overrides + environment) and the `-p` printer.
 *
 * @example
 * ```ts
 * import { formatConfig, loadNamesrvConfig } from "./mod.ts";
 * const { config, warnings } = loadNamesrvConfig({ text: "listenPort=9877\n", env: {} });
 * if (config.listenPort !== 9877 || warnings.length !== 0) throw new Error("unexpected");
 * if (!formatConfig(config).includes("listenPort=9877\n")) throw new Error("unexpected");
 * ```
 *
 * Runs on: any
 * @module
 */
export { parsePropertiesText, type PropertiesEntry } from "./properties_parser.ts";
export {
  BROKER_ROLES,
  type BrokerConfig,
  brokerConfigSchema,
  type BrokerDerivedKey,
  DEFAULT_MESSAGE_DELAY_LEVEL,
  FLUSH_DISK_TYPES,
  type ParsedBrokerConfig,
  resolveBrokerConfig,
  SHARD_COUNT_MAX,
} from "./broker_config.ts";
export {
  CONTROLLER_TYPES,
  type NamesrvConfig,
  namesrvConfigSchema,
  type ParsedNamesrvConfig,
  resolveNamesrvConfig,
} from "./namesrv_config.ts";
export {
  loadBrokerConfig,
  type LoadConfigOptions,
  type LoadedConfig,
  loadNamesrvConfig,
} from "./config_loader.ts";
export { type FlatConfig, formatConfig } from "./config_format.ts";
export { parseNamesrvAddr } from "./namesrv_addr.ts";
export { applyLogConfig, type LogConfig } from "./_log_fields.ts";
export { parseMessageDelayLevel } from "./delay_levels.ts";
export { denoEnv, detectMachineInfo, type EnvLookup, type MachineInfo } from "./machine_info.ts";
