/**
 * The broker settings the broker folder reads, named exactly as in `broker.properties`
 * (a structural subset of `BrokerConfig` from `common/config`), with Java's defaults.
 *
 * Runs on: main thread
 * @module
 */
import { STORE_CONFIG_DEFAULTS } from "../store/mod.ts";
import { DEFAULT_MESSAGE_DELAY_LEVEL } from "../common/config/mod.ts";

/** Settings used by `broker/` (RocketMQ key names). */
export interface BrokerSettings {
  brokerClusterName: string;
  brokerName: string;
  brokerId: number;
  brokerRole: "ASYNC_MASTER" | "SYNC_MASTER" | "SLAVE";
  namesrvAddr: string | null;
  brokerIP1: string;
  brokerIP2: string;
  listenPort: number;
  haListenPort: number;
  // Replication (ha/, broker/ha_wiring.ts).
  /** Slave: the master's HA address `host:port`; null = learned from name-server registration. */
  haMasterAddress: string | null;
  haSendHeartbeatInterval: number;
  haHousekeepingInterval: number;
  haTransferBatchSize: number;
  haMaxGapNotInSync: number;
  /** Consumers lagging far behind may be sent to a slave (`suggestWhichBrokerId`). */
  slaveReadEnable: boolean;
  /** % of physical memory treated as "hot": a consumer further behind is lagging. */
  accessMessageInMemoryMaxRatio: number;
  /** Not RocketMQ: the address both listeners bind to. */
  bindAddress: string;
  /** Not RocketMQ: admin HTTP port (-1 = off, 0 = a free port). */
  httpPort: number;
  /** Not RocketMQ: admin HTTP listen address. */
  httpBindAddress: string;
  brokerPermission: number;
  regionId: string;
  traceOn: boolean;
  storePathRootDir: string;
  flushDiskType: "ASYNC_FLUSH" | "SYNC_FLUSH";
  maxMessageSize: number;
  autoCreateTopicEnable: boolean;
  defaultTopicQueueNums: number;
  autoCreateSubscriptionGroup: boolean;
  clusterTopicEnable: boolean;
  brokerTopicEnable: boolean;
  traceTopicEnable: boolean;
  msgTraceTopicName: string;
  longPollingEnable: boolean;
  shortPollingTimeMills: number;
  notifyConsumerIdsChangedEnable: boolean;
  channelExpiredTimeout: number;
  flushConsumerOffsetInterval: number;
  registerNameServerPeriod: number;
  registerBrokerTimeoutMills: number;
  rejectTransactionMessage: boolean;
  defaultQueryMaxNum: number;
  maxTransferCountOnMessageInMemory: number;
  maxTransferBytesOnMessageInMemory: number;
  // Store keys (MessageStoreConfig), mapped onto `StoreConfig` by `storeConfigFromSettings`.
  mappedFileSizeCommitLog: number;
  mappedFileSizeConsumeQueue: number;
  flushIntervalCommitLog: number;
  flushCommitLogLeastPages: number;
  flushCommitLogThoroughInterval: number;
  flushIntervalConsumeQueue: number;
  syncFlushTimeout: number;
  fileReservedTime: number;
  deleteWhen: string;
  diskMaxUsedSpaceRatio: number;
  diskSpaceCleanForciblyRatio: number;
  diskSpaceWarningLevelRatio: number;
  cleanFileForciblyEnable: boolean;
  cleanResourceInterval: number;
  messageIndexEnable: boolean;
  maxHashSlotNum: number;
  maxIndexNum: number;
  checkCRCOnRecover: boolean;
  /** Shard workers of the store; an existing store keeps the count it was created with. */
  shardCount: number;
  // Messaging semantics (delay levels, timers, transactions, filters, ordered locks).
  /** Delay per level, such as `1s 5s 10s ...` (level 1 first). */
  messageDelayLevel: string;
  /** How often `config/delayOffset.json` is written, ms (and on shutdown). */
  flushDelayOffsetInterval: number;
  /** 5.x arbitrary-time delivery (`TIMER_DELIVER_MS`, `TIMER_DELAY_SEC`, `TIMER_DELAY_MS`). */
  timerWheelEnable: boolean;
  /** Longest timer delay accepted, seconds (3 days). */
  timerMaxDelaySec: number;
  /** Not Java's meaning: timer bucket width, ms; delivery is at most this late (Java: 1000). */
  timerPrecisionMs: number;
  /** Slots of `timerPrecisionMs` after which a farther timer is stored again (2 days). */
  timerRollWindowSlots: number;
  /** A half message younger than this is not checked, ms. */
  transactionTimeOut: number;
  /** Check-backs per half message before it is discarded. */
  transactionCheckMax: number;
  /** Period of the transaction check run, ms. */
  transactionCheckInterval: number;
  /** Accept SQL92 subscriptions. */
  enablePropertyFilter: boolean;
  /** Ordered-consumption queue locks expire after this without renewal, ms. */
  rebalanceLockMaxLiveTime: number;
  // Access control, TLS and remoting limits (see broker_security.ts).
  /** Check every request against `plainAclFile` (RocketMQ 4.x plain ACL). */
  aclEnable: boolean;
  /** `plain_acl.yml`, reloaded when it changes. */
  plainAclFile: string;
  /** Not RocketMQ 4.9.4: access key the broker signs name-server requests with; null = unsigned. */
  accessKey: string | null;
  /** Not RocketMQ 4.9.4: secret key matching `accessKey`. */
  secretKey: string | null;
  /** TLS only on both remoting listeners, and TLS to name servers. */
  tlsEnable: boolean;
  /** Java's test mode: without certificate files, serve a self-signed one (made with openssl). */
  tlsTestModeEnable: boolean;
  "tls.server.certPath": string | null;
  "tls.server.keyPath": string | null;
  "tls.client.trustCertPath": string | null;
  /** Largest accepted frame, bytes. */
  "com.rocketmq.remoting.frameMaxLength": number;
  /** Idle connections are closed after this, seconds (0 = never). */
  serverChannelMaxIdleTimeSeconds: number;
  /** Not RocketMQ: open connections per listener. */
  serverMaxConnections: number;
  /** Not RocketMQ: requests handled at once per connection (more: SYSTEM_BUSY). */
  serverMaxInFlight: number;
  /** Not RocketMQ: bytes queued for a slow reader before it is disconnected. */
  serverMaxWriteBacklogBytes: number;
  // Flow control (see send_flow_control.ts).
  /** A send waiting longer in the send queue gets SYSTEM_BUSY [TIMEOUT_CLEAN_QUEUE], ms. */
  waitTimeMillsInSendQueue: number;
  /** A send running longer marks the store busy: queued sends get [PCBUSY_CLEAN_QUEUE], ms. */
  osPageCacheBusyTimeOutMills: number;
  /** The send-queue sweep on. */
  brokerFastFailureEnable: boolean;
  /** Most sends waiting; more get SYSTEM_BUSY [OVERLOAD]. */
  sendThreadPoolQueueCapacity: number;
  /** Not RocketMQ: sends running at once broker-wide. */
  sendMessageMaxInFlight: number;
  /** Not RocketMQ: most suspended long polls; more get SYSTEM_BUSY. */
  maxSuspendedPulls: number;
  /** Not RocketMQ: bearer token of the admin HTTP API; null = none. */
  httpAuthToken: string | null;
  /** Not RocketMQ: `user:password` of the admin HTTP API; null = none. */
  httpBasicAuth: string | null;
}

/** Java's defaults (store under `./data/store`, name "broker-a", listen 10911 on 0.0.0.0). */
export function defaultBrokerSettings(): BrokerSettings {
  return {
    brokerClusterName: "DefaultCluster",
    brokerName: "broker-a",
    brokerId: 0,
    brokerRole: "ASYNC_MASTER",
    namesrvAddr: null,
    brokerIP1: "127.0.0.1",
    brokerIP2: "127.0.0.1",
    listenPort: 10911,
    haListenPort: 10912,
    haMasterAddress: null,
    haSendHeartbeatInterval: 5000,
    haHousekeepingInterval: 20_000,
    haTransferBatchSize: 32_768,
    haMaxGapNotInSync: 256 * 1024 * 1024,
    slaveReadEnable: false,
    accessMessageInMemoryMaxRatio: 40,
    bindAddress: "0.0.0.0",
    httpPort: -1,
    httpBindAddress: "127.0.0.1",
    brokerPermission: 6,
    regionId: "DefaultRegion",
    traceOn: true,
    storePathRootDir: "./data/store",
    flushDiskType: "ASYNC_FLUSH",
    maxMessageSize: 4 * 1024 * 1024,
    autoCreateTopicEnable: true,
    defaultTopicQueueNums: 8,
    autoCreateSubscriptionGroup: true,
    clusterTopicEnable: true,
    brokerTopicEnable: true,
    traceTopicEnable: false,
    msgTraceTopicName: "RMQ_SYS_TRACE_TOPIC",
    longPollingEnable: true,
    shortPollingTimeMills: 1000,
    notifyConsumerIdsChangedEnable: true,
    channelExpiredTimeout: 120_000,
    flushConsumerOffsetInterval: 5000,
    registerNameServerPeriod: 30_000,
    registerBrokerTimeoutMills: 24_000,
    rejectTransactionMessage: false,
    defaultQueryMaxNum: 32,
    maxTransferCountOnMessageInMemory: 32,
    maxTransferBytesOnMessageInMemory: 262_144,
    mappedFileSizeCommitLog: STORE_CONFIG_DEFAULTS.mappedFileSizeCommitLog,
    mappedFileSizeConsumeQueue: STORE_CONFIG_DEFAULTS.mappedFileSizeConsumeQueue,
    flushIntervalCommitLog: STORE_CONFIG_DEFAULTS.flushIntervalCommitLog,
    flushCommitLogLeastPages: STORE_CONFIG_DEFAULTS.flushCommitLogLeastPages,
    flushCommitLogThoroughInterval: STORE_CONFIG_DEFAULTS.flushCommitLogThoroughInterval,
    flushIntervalConsumeQueue: STORE_CONFIG_DEFAULTS.flushIntervalConsumeQueue,
    syncFlushTimeout: STORE_CONFIG_DEFAULTS.syncFlushTimeout,
    fileReservedTime: STORE_CONFIG_DEFAULTS.fileReservedTime,
    deleteWhen: STORE_CONFIG_DEFAULTS.deleteWhen,
    diskMaxUsedSpaceRatio: STORE_CONFIG_DEFAULTS.diskMaxUsedSpaceRatio,
    diskSpaceCleanForciblyRatio: STORE_CONFIG_DEFAULTS.diskSpaceCleanForciblyRatio,
    diskSpaceWarningLevelRatio: STORE_CONFIG_DEFAULTS.diskSpaceWarningLevelRatio,
    cleanFileForciblyEnable: STORE_CONFIG_DEFAULTS.cleanFileForciblyEnable,
    cleanResourceInterval: STORE_CONFIG_DEFAULTS.cleanResourceInterval,
    messageIndexEnable: STORE_CONFIG_DEFAULTS.messageIndexEnable,
    maxHashSlotNum: STORE_CONFIG_DEFAULTS.maxHashSlotNum,
    maxIndexNum: STORE_CONFIG_DEFAULTS.maxIndexNum,
    checkCRCOnRecover: STORE_CONFIG_DEFAULTS.checkCRCOnRecover,
    shardCount: STORE_CONFIG_DEFAULTS.shardCount,
    messageDelayLevel: DEFAULT_MESSAGE_DELAY_LEVEL,
    flushDelayOffsetInterval: 10_000,
    timerWheelEnable: true,
    timerMaxDelaySec: 3 * 24 * 3600,
    timerPrecisionMs: 50,
    timerRollWindowSlots: 3_456_000,
    transactionTimeOut: 6000,
    transactionCheckMax: 15,
    transactionCheckInterval: 30_000,
    enablePropertyFilter: false,
    rebalanceLockMaxLiveTime: 60_000,
    aclEnable: false,
    plainAclFile: "conf/plain_acl.yml",
    accessKey: null,
    secretKey: null,
    tlsEnable: false,
    tlsTestModeEnable: true,
    "tls.server.certPath": null,
    "tls.server.keyPath": null,
    "tls.client.trustCertPath": null,
    "com.rocketmq.remoting.frameMaxLength": 16 * 1024 * 1024,
    serverChannelMaxIdleTimeSeconds: 120,
    serverMaxConnections: 10_000,
    serverMaxInFlight: 1024,
    waitTimeMillsInSendQueue: 200,
    osPageCacheBusyTimeOutMills: 1000,
    brokerFastFailureEnable: true,
    sendThreadPoolQueueCapacity: 10_000,
    sendMessageMaxInFlight: 1024,
    maxSuspendedPulls: 100_000,
    serverMaxWriteBacklogBytes: 64 * 1024 * 1024,
    httpAuthToken: null,
    httpBasicAuth: null,
  };
}
