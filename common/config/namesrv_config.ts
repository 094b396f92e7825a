/**
 * The name server's configuration: RocketMQ's `NamesrvConfig` and
 * `NettyServerConfig` keys with Java's defaults, plus our own
 * `brokerChannelExpiredTime` (marked "Not RocketMQ"). Values arrive as
 * strings and are coerced; home-relative paths are filled in by
 * `resolveNamesrvConfig`.
 *
 * Runs on: any
 * @module
 */
import { z } from "zod";
import { BROKER_CHANNEL_EXPIRED_MS } from "../limits.ts";
import { boolKey, intKey, longKey, nameKey, portKey, stringField } from "./_fields.ts";
import { NETTY_SERVER_FIELDS } from "./_netty_fields.ts";
import { SERVER_LIMIT_FIELDS, TLS_FIELDS } from "./_security_fields.ts";
import { LOG_FIELDS } from "./_log_fields.ts";
import type { MachineInfo } from "./machine_info.ts";

/** Controller state-machine implementations (5.x, for the embedded controller). */
export const CONTROLLER_TYPES = ["DLedger", "jRaft"] as const;

/**
 * zod schema of the raw name-server settings: input is the properties file's
 * strings, output typed values with Java's defaults.
 */
export const namesrvConfigSchema = z.object({
  rocketmqHome: stringField().optional(),
  kvConfigPath: stringField().optional(),
  configStorePath: stringField().optional(),
  productEnvName: nameKey("center"),
  clusterTest: boolKey(false),
  orderMessageEnable: boolKey(false),
  returnOrderTopicConfigToBroker: boolKey(true),
  clientRequestThreadPoolNums: intKey(8, 1, 1024),
  defaultThreadPoolNums: intKey(16, 1, 1024),
  clientRequestThreadPoolQueueCapacity: intKey(50_000, 1),
  defaultThreadPoolQueueCapacity: intKey(10_000, 1),
  /** Period of the broker expiry scan, ms. */
  scanNotActiveBrokerInterval: longKey(5000, 1),
  unRegisterBrokerQueueCapacity: intKey(3000, 1),
  supportActingMaster: boolKey(false),
  enableAllTopicList: boolKey(true),
  enableTopicList: boolKey(true),
  notifyMinBrokerIdChanged: boolKey(false),
  enableControllerInNamesrv: boolKey(false),
  controllerType: nameKey("DLedger"),
  enableElectUncleanMaster: boolKey(false),
  needWaitForService: boolKey(false),
  waitSecondsForService: intKey(45),
  deleteTopicWithBrokerRegistration: boolKey(false),
  ...NETTY_SERVER_FIELDS,
  ...TLS_FIELDS,
  ...SERVER_LIMIT_FIELDS,
  ...LOG_FIELDS,
  /** Remoting port; 0 = any free port. */
  listenPort: portKey(9876),
  // Not RocketMQ: a broker silent this long (ms) is dropped with its routes.
  // Java hard-codes 120 s (RouteInfoManager.BROKER_CHANNEL_EXPIRED_TIME).
  brokerChannelExpiredTime: longKey(BROKER_CHANNEL_EXPIRED_MS, 1),
});

/** Output of `namesrvConfigSchema`, before derived defaults are filled in. */
export type ParsedNamesrvConfig = z.output<typeof namesrvConfigSchema>;

/** The name server's effective configuration; camelCase keys exactly as RocketMQ's. */
export type NamesrvConfig =
  & Omit<ParsedNamesrvConfig, "rocketmqHome" | "kvConfigPath" | "configStorePath">
  & {
    /** `ROCKETMQ_HOME`, or null. */
    rocketmqHome: string | null;
    /** KV config file; default `$HOME/namesrv/kvConfig.json`. */
    kvConfigPath: string;
    /** Where Java persists runtime config updates; default `$HOME/namesrv/namesrv.properties`. */
    configStorePath: string;
  };

/** Fills in home-relative defaults. */
export function resolveNamesrvConfig(
  parsed: ParsedNamesrvConfig,
  machine: MachineInfo,
): { config: NamesrvConfig; warnings: string[] } {
  const config: NamesrvConfig = {
    ...parsed,
    rocketmqHome: parsed.rocketmqHome || null,
    kvConfigPath: parsed.kvConfigPath ?? `${machine.homeDir}/namesrv/kvConfig.json`,
    configStorePath: parsed.configStorePath ?? `${machine.homeDir}/namesrv/namesrv.properties`,
  };
  return { config, warnings: [] };
}
