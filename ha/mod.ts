/**
 * Master/slave replication: the HA protocol codec and its two endpoints.
 * `HAService` (master) streams every shard's commit-log bytes to slaves and
 * answers SYNC_MASTER waits; `HAClient` (slave) appends them through its own
 * store. Both take the store through small interfaces that `MessageStore`
 * from `store/` satisfies.
 *
 * ```ts ignore
 * import { HAClient, HAService } from "./mod.ts";
 * const master = new HAService({ source: masterStore, hostname: "127.0.0.1", port: 10912 });
 * await master.start();
 * const slave = new HAClient({ sink: slaveStore, masterAddress: () => "127.0.0.1:10912" });
 * slave.start();
 * ```
 *
 * Runs on: main thread
 * @module
 */
export { HAService } from "./ha_service.ts";
export type { HAServiceOptions, ReplicaSource, SlaveInfo, SlaveWaitStatus } from "./ha_service.ts";
export { HAClient } from "./ha_client.ts";
export type { HAClientOptions, ReplicaSink } from "./ha_client.ts";
export { HAConnection } from "./ha_connection.ts";
export {
  decodeFrameBody,
  encodeData,
  encodeHello,
  encodeReport,
  encodeWelcome,
  HA_PROTOCOL_VERSION,
  HaFrameDecoder,
} from "./ha_protocol.ts";
export type { HaFrame, ShardRange } from "./ha_protocol.ts";
