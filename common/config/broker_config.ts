/**
 * The broker's configuration: every `broker.properties` key RocketMQ's
 * `BrokerConfig`, `MessageStoreConfig`, `NettyServerConfig` and
 * `NettyClientConfig` read (as listed in docs/storage.md section 15 and
 * docs/ha-and-cluster.md), with Java's defaults, plus a few keys of our own,
 * marked "Not RocketMQ". Values arrive as strings and are coerced; defaults
 * that depend on other keys or on the machine are filled in by
 * `resolveBrokerConfig` after parsing.
 *
 * Runs on: any
 * @module
 */
import { defaultShardCount } from "../shard_count.ts";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { COMMIT_LOG_FILE_BYTES, MESSAGE_MAX_BYTES } from "../limits.ts";
import {
  boolKey,
  checkedStringField,
  checkedStringKey,
  enumKey,
  intField,
  intKey,
  longKey,
  nameKey,
  portKey,
  stringField,
  stringKey,
} from "./_fields.ts";
import { NETTY_CLIENT_FIELDS, NETTY_SERVER_FIELDS } from "./_netty_fields.ts";
import { FLOW_CONTROL_FIELDS, SERVER_LIMIT_FIELDS, TLS_FIELDS } from "./_security_fields.ts";
import { LOG_FIELDS } from "./_log_fields.ts";
import { parseNamesrvAddr } from "./namesrv_addr.ts";
import { parseMessageDelayLevel } from "./delay_levels.ts";
import type { MachineInfo } from "./machine_info.ts";

/** Broker roles of classic master/slave replication. */
export const BROKER_ROLES = ["ASYNC_MASTER", "SYNC_MASTER", "SLAVE"] as const;
/** Flush modes of the commit log. */
export const FLUSH_DISK_TYPES = ["ASYNC_FLUSH", "SYNC_FLUSH"] as const;
/** Default `messageDelayLevel`: 18 levels. */
export const DEFAULT_MESSAGE_DELAY_LEVEL =
  "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";
/** Most shards our broker runs (one worker each). */
export const SHARD_COUNT_MAX = 64;

const HOST_OR_IP = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$|^[0-9A-Fa-f:]+$/;
const NAMESRV_ADDR_EXPECTED = 'a list of host:port separated by ";"';
const isHours = (text: string) =>
  text.split(";").every((hour) => /^\d{1,2}$/.test(hour) && Number(hour) <= 23);

/** Host name or address keys (`brokerIP1`, `brokerIP2`). */
const hostField = () => checkedStringField("an IP address or host name", (t) => HOST_OR_IP.test(t));
/** `host:port` keys such as `haMasterAddress`. */
const addrList = () =>
  checkedStringField(NAMESRV_ADDR_EXPECTED, (text) => parseNamesrvAddr(text) !== undefined);

/**
 * zod schema of the raw broker settings: input is the properties file's
 * strings, output typed values with Java's defaults. Keys whose default is
 * derived (see `BrokerDerivedKey`) stay `undefined` when absent.
 */
export const brokerConfigSchema = z.object({
  // Identity and network (BrokerConfig, BrokerIdentity).
  brokerClusterName: nameKey("DefaultCluster"),
  brokerName: stringField().optional(),
  brokerId: longKey(0, -1),
  namesrvAddr: addrList().optional(),
  brokerIP1: hostField().optional(),
  brokerIP2: hostField().optional(),
  haListenPort: intField(0, 65535).optional(),
  brokerPermission: intKey(6, 0, 7),
  rocketmqHome: stringField().optional(),
  regionId: nameKey("DefaultRegion"),
  traceOn: boolKey(true),
  ...NETTY_SERVER_FIELDS,
  /** Remoting port; 0 = any free port. */
  listenPort: portKey(10911),
  ...NETTY_CLIENT_FIELDS,
  // Roles, flushing and replication (MessageStoreConfig, BrokerConfig).
  brokerRole: enumKey(BROKER_ROLES, "ASYNC_MASTER"),
  flushDiskType: enumKey(FLUSH_DISK_TYPES, "ASYNC_FLUSH"),
  flushIntervalCommitLog: intKey(500, 1),
  flushCommitLogLeastPages: intKey(4),
  flushCommitLogThoroughInterval: intKey(10_000),
  flushIntervalConsumeQueue: intKey(1000, 1),
  flushConsumeQueueLeastPages: intKey(2),
  flushConsumeQueueThoroughInterval: intKey(60_000),
  commitIntervalCommitLog: intKey(200, 1),
  commitCommitLogLeastPages: intKey(4),
  commitCommitLogThoroughInterval: intKey(200),
  syncFlushTimeout: longKey(5000),
  slaveTimeout: intKey(3000),
  haMasterAddress: checkedStringField("host:port", (text) => parseNamesrvAddr(text)?.length === 1)
    .optional(),
  haSendHeartbeatInterval: intKey(5000, 1),
  haHousekeepingInterval: intKey(20_000, 1),
  haTransferBatchSize: intKey(32_768, 1),
  haMaxGapNotInSync: intKey(256 * 1024 * 1024),
  haFlowControlEnable: boolKey(false),
  maxHaTransferByteInSecond: longKey(100 * 1024 * 1024, 1),
  haMaxTimeSlaveNotCatchup: longKey(15_000),
  slaveReadEnable: boolKey(false),
  offsetCheckInSlave: boolKey(false),
  totalReplicas: intKey(1, 1),
  inSyncReplicas: intKey(1, 1),
  minInSyncReplicas: intKey(1, 1),
  allAckInSyncStateSet: boolKey(false),
  enableDLegerCommitLog: boolKey(false),
  dLegerGroup: stringKey(""),
  dLegerPeers: stringKey(""),
  dLegerSelfId: stringKey(""),
  enableControllerMode: boolKey(false),
  controllerAddr: stringKey(""),
  brokerHeartbeatInterval: longKey(1000, 1),
  controllerHeartBeatTimeoutMills: longKey(10_000, 1),
  brokerNotActiveTimeoutMillis: longKey(10_000, 1),
  syncBrokerMemberGroupPeriod: longKey(1000, 1),
  enableSlaveActingMaster: boolKey(false),
  // Store (MessageStoreConfig).
  storePathRootDir: stringField().optional(),
  storePathCommitLog: stringField().optional(),
  storePathEpochFile: stringField().optional(),
  mappedFileSizeCommitLog: intKey(COMMIT_LOG_FILE_BYTES, 4096),
  mappedFileSizeConsumeQueue: intKey(300_000 * 20, 20),
  maxMessageSize: intKey(MESSAGE_MAX_BYTES, 1),
  deleteWhen: checkedStringKey('hours from 00 to 23 separated by ";"', isHours, "04"),
  fileReservedTime: intKey(72, 0),
  deleteCommitLogFilesInterval: intKey(100),
  deleteConsumeQueueFilesInterval: intKey(100),
  destroyMapedFileIntervalForcibly: intKey(120_000),
  redeleteHangedFileInterval: intKey(120_000),
  cleanResourceInterval: intKey(10_000, 1),
  diskMaxUsedSpaceRatio: intKey(75, 10, 95),
  diskSpaceWarningLevelRatio: intKey(90, 0, 100),
  diskSpaceCleanForciblyRatio: intKey(85, 0, 100),
  cleanFileForciblyEnable: boolKey(true),
  messageIndexEnable: boolKey(true),
  messageIndexSafe: boolKey(false),
  maxHashSlotNum: intKey(5_000_000, 1),
  maxIndexNum: intKey(20_000_000, 1),
  checkCRCOnRecover: boolKey(true),
  transientStorePoolEnable: boolKey(false),
  transientStorePoolSize: intKey(5, 1),
  messageDelayLevel: checkedStringKey(
    "durations like 1s 5m 2h separated by spaces",
    (text) => parseMessageDelayLevel(text) !== undefined,
    DEFAULT_MESSAGE_DELAY_LEVEL,
  ),
  accessMessageInMemoryMaxRatio: intKey(40, 0, 100),
  maxTransferBytesOnMessageInMemory: intKey(262_144, 1),
  maxTransferCountOnMessageInMemory: intKey(32, 1),
  maxTransferBytesOnMessageInDisk: intKey(65_536, 1),
  maxTransferCountOnMessageInDisk: intKey(8, 1),
  defaultQueryMaxNum: intKey(32, 1),
  timerWheelEnable: boolKey(true),
  /** Longest timer delay accepted, seconds (3 days). */
  timerMaxDelaySec: intKey(3 * 24 * 3600, 1),
  // Not Java's meaning: timer bucket width, ms; delivery is at most this late (Java: 1000).
  timerPrecisionMs: intKey(50, 1, 60_000),
  // Slots of timerPrecisionMs (2 days at 50 ms): a timer further away is stored again after
  // this long, so commit-log retention never removes a pending timer's record.
  timerRollWindowSlots: intKey(3_456_000, 1),
  /** How often `config/delayOffset.json` is written, ms. */
  flushDelayOffsetInterval: longKey(10_000, 1),
  duplicationEnable: boolKey(false),
  // Topics, groups, clients (BrokerConfig).
  autoCreateTopicEnable: boolKey(true),
  defaultTopicQueueNums: intKey(8, 1, 1024),
  autoCreateSubscriptionGroup: boolKey(true),
  clusterTopicEnable: boolKey(true),
  brokerTopicEnable: boolKey(true),
  traceTopicEnable: boolKey(false),
  msgTraceTopicName: nameKey("RMQ_SYS_TRACE_TOPIC"),
  longPollingEnable: boolKey(true),
  shortPollingTimeMills: longKey(1000),
  notifyConsumerIdsChangedEnable: boolKey(true),
  channelExpiredTimeout: longKey(120_000, 1),
  flushConsumerOffsetInterval: intKey(5000, 1),
  registerNameServerPeriod: intKey(30_000, 1),
  registerBrokerTimeoutMills: intKey(24_000, 1),
  forceRegister: boolKey(true),
  rejectTransactionMessage: boolKey(false),
  transactionTimeOut: longKey(6000),
  transactionCheckMax: intKey(15),
  transactionCheckInterval: longKey(30_000, 1),
  enablePropertyFilter: boolKey(false),
  /** Ordered-consumption queue locks expire after this without renewal, ms. */
  rebalanceLockMaxLiveTime: longKey(60_000, 1),
  // Access control and TLS.
  aclEnable: boolKey(false),
  /** `plain_acl.yml`; relative paths resolve against `rocketmqHome`. */
  plainAclFile: stringField().optional(),
  // Not RocketMQ 4.9.4 (its broker never signs): credentials the broker signs its
  // requests to name servers with when set.
  accessKey: stringField().optional(),
  secretKey: stringField().optional(),
  ...TLS_FIELDS,
  ...SERVER_LIMIT_FIELDS,
  ...LOG_FIELDS,
  ...FLOW_CONTROL_FIELDS,
  reviveQueueNum: intKey(8, 1),
  sendMessageThreadPoolNums: intKey(1, 1, 1024),
  pullMessageThreadPoolNums: intKey(16, 1, 1024),
  // Not RocketMQ: number of store shards (one worker each); default `defaultShardCount(cores)`.
  shardCount: intField(1, SHARD_COUNT_MAX).optional(),
  // Not RocketMQ: admin HTTP port; -1 = off (default), 0 = any free port.
  httpPort: intKey(-1, -1, 65535),
  // Not RocketMQ: address the admin HTTP server binds to.
  httpBindAddress: checkedStringKey(
    "an IP address or host name",
    (t) => HOST_OR_IP.test(t),
    "127.0.0.1",
  ),
  // Not RocketMQ: bearer token the admin HTTP API requires (needed unless bound to 127.0.0.1).
  httpAuthToken: stringField().optional(),
  // Not RocketMQ: `user:password` the admin HTTP API accepts as basic credentials.
  httpBasicAuth: checkedStringField("user:password", (t) => t.indexOf(":") > 0).optional(),
});

/** Keys whose default is computed by `resolveBrokerConfig`. */
export type BrokerDerivedKey =
  | "brokerName"
  | "namesrvAddr"
  | "brokerIP1"
  | "brokerIP2"
  | "haListenPort"
  | "rocketmqHome"
  | "haMasterAddress"
  | "storePathRootDir"
  | "storePathCommitLog"
  | "storePathEpochFile"
  | "shardCount"
  | "plainAclFile";

/** Output of `brokerConfigSchema`, before derived defaults are filled in. */
export type ParsedBrokerConfig = z.output<typeof brokerConfigSchema>;

/** The broker's effective configuration; camelCase keys exactly as RocketMQ's. */
export type BrokerConfig = Omit<ParsedBrokerConfig, BrokerDerivedKey> & {
  /** Broker group name; default: the local host name (Java: `localHostName()`). */
  brokerName: string;
  /** Name-server list `host:port;host:port`, or null when none is known. */
  namesrvAddr: string | null;
  /** Address registered with name servers and written as store host. */
  brokerIP1: string;
  /** Host of the HA address; default `brokerIP1`. */
  brokerIP2: string;
  /** HA port; default `listenPort + 1` (0 when `listenPort` is 0). */
  haListenPort: number;
  /** `ROCKETMQ_HOME`, or null. */
  rocketmqHome: string | null;
  /** Slave: explicit master HA address `host:port`, or null (learned from the name server). */
  haMasterAddress: string | null;
  /** Store root; default `$HOME/store`. */
  storePathRootDir: string;
  /** Commit-log folder; default `<storePathRootDir>/commitlog`. */
  storePathCommitLog: string;
  /** Epoch file (5.x controller mode); default `<storePathRootDir>/epochFileCheckpoint`. */
  storePathEpochFile: string;
  /** Not RocketMQ: store shards; default `defaultShardCount(cores)`. */
  shardCount: number;
  /** `plain_acl.yml`; default `<rocketmqHome>/conf/plain_acl.yml` (`conf/plain_acl.yml` without home). */
  plainAclFile: string;
};

/**
 * Fills in derived defaults and applies Java's start-up rules: masters get
 * `brokerId` 0, a slave needs `brokerId` > 0, DLedger forces -1. Returns the
 * config and warnings; throws `ConfigError` for an impossible combination.
 */
export function resolveBrokerConfig(
  parsed: ParsedBrokerConfig,
  machine: MachineInfo,
): { config: BrokerConfig; warnings: string[] } {
  const warnings: string[] = [];
  const root = parsed.storePathRootDir ?? `${machine.homeDir}/store`;
  const brokerIP1 = parsed.brokerIP1 ?? machine.ipv4;
  const config: BrokerConfig = {
    ...parsed,
    brokerName: parsed.brokerName || machine.hostname,
    namesrvAddr: parsed.namesrvAddr ?? null,
    brokerIP1,
    brokerIP2: parsed.brokerIP2 ?? brokerIP1,
    haListenPort: parsed.haListenPort ?? derivedHaPort(parsed.listenPort),
    rocketmqHome: parsed.rocketmqHome || null,
    haMasterAddress: parsed.haMasterAddress ?? null,
    storePathRootDir: root,
    storePathCommitLog: parsed.storePathCommitLog ?? `${root}/commitlog`,
    storePathEpochFile: parsed.storePathEpochFile ?? `${root}/epochFileCheckpoint`,
    shardCount: parsed.shardCount ?? defaultShardCount(machine.cores),
    plainAclFile: resolveAclFile(parsed.plainAclFile, parsed.rocketmqHome || null),
  };
  config.brokerId = resolveBrokerId(config, warnings);
  return { config, warnings };
}

/** Java: `${rocketmq.home.dir}/conf/plain_acl.yml`; a relative path is taken under home. */
function resolveAclFile(file: string | undefined, home: string | null): string {
  const path = file ?? "conf/plain_acl.yml";
  if (path.startsWith("/") || home === null) return path;
  return `${home.replace(/\/+$/, "")}/${path}`;
}

function derivedHaPort(listenPort: number): number {
  if (listenPort === 0) return 0;
  if (listenPort >= 65535) {
    throw new ConfigError(
      `Invalid value: key "listenPort" has value "${listenPort}", expected a port below 65535 ` +
        `so that haListenPort (listenPort + 1) is valid, or set haListenPort`,
    );
  }
  return listenPort + 1;
}

function resolveBrokerId(config: BrokerConfig, warnings: string[]): number {
  if (config.enableDLegerCommitLog) return -1;
  if (config.brokerRole === "SLAVE") {
    if (config.brokerId <= 0) {
      throw new ConfigError(
        `Invalid value: key "brokerId" has value "${config.brokerId}", ` +
          `expected an integer above 0 when brokerRole is SLAVE`,
      );
    }
    return config.brokerId;
  }
  if (config.brokerId !== 0) {
    warnings.push(
      `brokerId ${config.brokerId} ignored: a ${config.brokerRole} always has brokerId 0`,
    );
  }
  return 0;
}
