/**
 * Roles and replication around the broker's store. `ReplicatedStore` wraps
 * the file store's port: on a master it tells the `HAService` where each
 * shard's log now ends after every put, and under SYNC_MASTER answers a put
 * only when a slave confirmed it (else SLAVE_NOT_AVAILABLE or
 * FLUSH_SLAVE_TIMEOUT, as Java 4.x, within `syncFlushTimeout`); on a slave
 * it refuses every put with SERVICE_NOT_AVAILABLE (the code a Java slave
 * answers). On both it computes `suggestPullingFromSlave` (the consumer is
 * more than `accessMessageInMemoryMaxRatio` % of RAM behind) and adds HA
 * keys to GET_BROKER_RUNTIME_INFO. `BrokerReplication` starts the HA
 * endpoint of the role and, on a slave, the metadata synchroniser.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger, type MessageToStore, storedRecordSize } from "../common/mod.ts";
import { HAClient, HAService } from "../ha/mod.ts";
import { SHARD_OFFSET_SPAN, shardOfOffset } from "../store/mod.ts";
import type { StoreAdapter } from "./store_adapter.ts";
import type { BrokerSettings } from "./broker_settings.ts";
import type { BrokerController } from "./broker_controller.ts";
import { SlaveSynchronizer } from "./slave_synchronizer.ts";
import { clientTls } from "./broker_security.ts";
import { RemotingClient } from "../remoting/mod.ts";
import type {
  BrokerMessageStore,
  GetMessageOptions,
  GetResult,
  MessageArrivedListener,
  PutResult,
  QueryResult,
} from "./message_store_port.ts";
import type { StoreMetrics } from "./store_metrics.ts";

const log = getLogger("broker");
/** Position of PHYSICALOFFSET in a stored record. */
const PHYSICAL_OFFSET_POS = 28;

/** See the module comment. */
export class ReplicatedStore implements BrokerMessageStore {
  readonly #inner: StoreAdapter;
  readonly #settings: BrokerSettings;
  readonly #ends: number[];
  readonly #hotBytes: number;
  /** Set by `BrokerReplication` on a master. */
  ha: HAService | undefined;
  /** Set by `BrokerReplication` on a slave. */
  client: HAClient | undefined;
  /** The master's remoting address, as learned by a slave. */
  masterAddr: string | undefined;
  /** The master's HA address, as learned by a slave. */
  masterHaAddr: string | undefined;
  /** Called when a slave learns (another) master address. */
  onMasterLearned: (() => void) | undefined;

  private constructor(inner: StoreAdapter, settings: BrokerSettings, ends: number[]) {
    this.#inner = inner;
    this.#settings = settings;
    this.#ends = ends;
    this.#hotBytes = Deno.systemMemoryInfo().total * settings.accessMessageInMemoryMaxRatio / 100;
  }

  /** Wraps an opened store. */
  static async wrap(inner: StoreAdapter, settings: BrokerSettings): Promise<ReplicatedStore> {
    const stats = await inner.messageStore.stats();
    return new ReplicatedStore(inner, settings, stats.map((s) => s.commitLogMaxOffset));
  }

  /** The sharded file store underneath. */
  get adapter(): StoreAdapter {
    return this.#inner;
  }

  /** Commit-log end per shard as this broker knows it (written, or confirmed on a slave). */
  get shardEnds(): readonly number[] {
    return this.#ends;
  }

  /** A slave confirmed bytes up to `end` in `shard` (slave side). */
  noteEnd(shard: number, end: number): void {
    if (end > (this.#ends[shard] ?? 0)) this.#ends[shard] = end;
  }

  /** Stores on a master (see the module comment); refused on a slave. */
  async putMessages(messages: MessageToStore[]): Promise<PutResult> {
    if (this.#settings.brokerRole === "SLAVE") {
      return { status: "SERVICE_NOT_AVAILABLE", stored: [] };
    }
    const result = await this.#inner.putMessages(messages);
    const last = result.stored.at(-1);
    const lastMessage = messages[result.stored.length - 1];
    if (last === undefined || lastMessage === undefined) return result;
    const shard = shardOfOffset(last.physicalOffset);
    const end = last.physicalOffset + (last.size ?? storedRecordSize(lastMessage));
    this.noteEnd(shard, end);
    this.ha?.noteWritten(shard, end);
    const wait = messages[0]?.properties.includes("WAIT\u0001false") !== true;
    if (this.#settings.brokerRole !== "SYNC_MASTER" || this.ha === undefined || !wait) {
      return result;
    }
    if (result.status !== "PUT_OK") return result;
    const status = await this.ha.waitForSlave(shard, end, this.#settings.syncFlushTimeout);
    return status === "PUT_OK" ? result : { ...result, status };
  }

  /** Reads, and says whether the consumer lags far behind (`suggestPullingFromSlave`). */
  async getMessage(topic: string, queueId: number, options: GetMessageOptions): Promise<GetResult> {
    const result = await this.#inner.getMessage(topic, queueId, options);
    if (result.count > 0) {
      const last = lastPhysicalOffset(result.messages);
      const end = this.#ends[shardOfOffset(last)] ?? last;
      result.suggestPullingFromSlave = end - last > this.#hotBytes;
    }
    return result;
  }

  getMinOffset(topic: string, queueId: number): Promise<number> {
    return this.#inner.getMinOffset(topic, queueId);
  }

  getMaxOffset(topic: string, queueId: number): Promise<number> {
    return this.#inner.getMaxOffset(topic, queueId);
  }

  getOffsetByTime(
    topic: string,
    queueId: number,
    options: { timestamp: number; boundary: "lower" | "upper" },
  ): Promise<number> {
    return this.#inner.getOffsetByTime(topic, queueId, options);
  }

  getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    return this.#inner.getEarliestMessageTime(topic, queueId);
  }

  getEarliestStoreTime(): Promise<number> {
    return this.#inner.getEarliestStoreTime();
  }

  lookMessageByOffset(physicalOffset: number): Promise<Uint8Array | undefined> {
    return this.#inner.lookMessageByOffset(physicalOffset);
  }

  queryMessage(
    topic: string,
    key: string,
    options: { maxNum: number; begin: number; end: number },
  ): Promise<QueryResult> {
    return this.#inner.queryMessage(topic, key, options);
  }

  deleteTopic(topic: string): Promise<void> {
    return this.#inner.deleteTopic(topic);
  }

  /** Bytes written over all shards (confirmed ones on a slave). */
  maxPhysicalOffset(): number {
    return this.#ends.reduce((n, end, k) => n + end - k * SHARD_OFFSET_SPAN, 0);
  }

  onMessageArrived(listener: MessageArrivedListener): void {
    this.#inner.onMessageArrived(listener);
  }

  /** HA keys of GET_BROKER_RUNTIME_INFO. */
  runtimeInfo(): Record<string, string> {
    if (this.#settings.brokerRole === "SLAVE") {
      return {
        masterAddr: this.masterAddr ?? "",
        haMasterAddr: this.client?.connectedTo ?? "",
        haConnected: String(this.client?.connectedTo !== undefined),
        haConfirmedOffsets: JSON.stringify(this.client?.confirmedOffsets ?? []),
        haIdleMillis: String(this.client?.idleMs ?? -1),
      };
    }
    const slaves = this.ha?.slaves() ?? [];
    const behind = slaves.length === 0 ? 0 : Math.min(...slaves.map((s) => s.behindBytes));
    return {
      haServerAddr: `${this.#settings.brokerIP2}:${this.ha?.port ?? 0}`,
      haConnectionNum: String(slaves.length),
      slaveFallBehindBytes: String(behind),
      haSlaves: JSON.stringify(slaves),
    };
  }

  /** The file store's figures plus each replication link. */
  async storeMetrics(): Promise<StoreMetrics> {
    const base = await this.#inner.storeMetrics();
    if (this.#settings.brokerRole === "SLAVE") {
      const address = this.client?.connectedTo;
      return {
        ...base,
        role: "slave",
        replicas: address === undefined
          ? []
          : [{ address, behindBytes: -1, idleMs: this.client?.idleMs ?? -1 }],
      };
    }
    const replicas = (this.ha?.slaves() ?? []).map((s) => ({
      address: s.address,
      behindBytes: s.behindBytes,
      idleMs: s.idleMs,
    }));
    return { ...base, role: "master", replicas };
  }

  /** Stops replication first, then closes the store. */
  async close(): Promise<void> {
    await this.client?.close();
    await this.ha?.close();
    await this.#inner.close();
  }
}

function lastPhysicalOffset(records: Uint8Array): number {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let pos = 0;
  for (let i = 0; i < 100_000; i++) {
    const size = view.getInt32(pos);
    if (size <= 0 || pos + size >= records.length) break;
    pos += size;
  }
  return view.getInt32(pos + PHYSICAL_OFFSET_POS) * 4294967296 +
    view.getUint32(pos + PHYSICAL_OFFSET_POS + 4);
}

/** Starts the HA endpoint of the broker's role. */
export async function startReplication(
  store: ReplicatedStore,
  settings: BrokerSettings,
): Promise<void> {
  const messageStore = store.adapter.messageStore;
  if (settings.brokerRole !== "SLAVE") {
    const ha = new HAService({
      source: messageStore,
      hostname: settings.bindAddress,
      port: settings.haListenPort,
      heartbeatMs: settings.haSendHeartbeatInterval,
      housekeepingMs: settings.haHousekeepingInterval,
      transferBatchBytes: settings.haTransferBatchSize,
      maxGapNotInSyncBytes: settings.haMaxGapNotInSync,
    });
    await ha.start();
    store.ha = ha;
    // The registered HA address names the port actually bound (a free one when 0).
    settings.haListenPort = ha.port;
    log.info("HA service listening", { port: ha.port, role: settings.brokerRole });
    return;
  }
  store.client = new HAClient({
    sink: messageStore,
    masterAddress: () => settings.haMasterAddress ?? store.masterHaAddr,
    heartbeatMs: settings.haSendHeartbeatInterval,
    housekeepingMs: settings.haHousekeepingInterval,
    reconnectMs: Math.min(5000, settings.haSendHeartbeatInterval),
    onConfirmed: (shard, end) => store.noteEnd(shard, end),
  });
  store.client.start();
}

/** A slave's REGISTER_BROKER answer names its master: remember both addresses. */
export function learnMaster(store: ReplicatedStore, fields: Record<string, string>): boolean {
  const master = fields.masterAddr;
  const ha = fields.haServerAddr;
  const changed = master !== store.masterAddr;
  if (master !== undefined && master !== "") store.masterAddr = master;
  if (ha !== undefined && ha !== "") store.masterHaAddr = ha;
  const learned = changed && master !== undefined && master !== "";
  if (learned) store.onMasterLearned?.();
  return learned;
}

/** A slave's metadata sync, started once its master is known; returns a stop function. */
export function startSlaveSync(
  controller: BrokerController,
  store: ReplicatedStore,
): () => Promise<void> {
  const client = new RemotingClient({
    connectTimeoutMs: 3000,
    tls: clientTls(controller.settings),
  });
  const sync = new SlaveSynchronizer(controller, client, () => store.masterAddr);
  sync.start();
  store.onMasterLearned = () => void sync.syncNow();
  if (store.masterAddr !== undefined) void sync.syncNow();
  return async () => {
    store.onMasterLearned = undefined;
    await sync.close();
    await client.close();
  };
}
