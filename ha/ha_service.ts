/**
 * `HAService`: the master side of replication. Listens on `haListenPort`,
 * serves one `HAConnection` per slave, learns each shard's written end from
 * the broker (`noteWritten`), and answers SYNC_MASTER waits
 * (`waitForSlave`) with RocketMQ 4.x's rule: no slave, or the best slave
 * more than `haMaxGapNotInSync` behind → SLAVE_NOT_AVAILABLE at once;
 * otherwise wait until a slave confirmed the offset, or FLUSH_SLAVE_TIMEOUT.
 *
 * It runs on the main thread: the slave stream is one shard-worker read per
 * shard and one socket write per round (a caught-up stream looks again
 * after 100 ms), and the bytes are read by the shard worker that owns them
 * (`readReplica`), so no thread but the owner touches a shard's files.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/mod.ts";
import { HAConnection, type HAConnectionHost } from "./ha_connection.ts";

const log = getLogger("ha");
/** Most slave connections served at once. */
const CONNECTIONS_MAX = 16;
/** Most SYNC_MASTER sends waiting at once. */
const WAITERS_MAX = 100_000;

/** What the master reads replicated bytes from (`MessageStore` fits). */
export interface ReplicaSource {
  /** Number of shards. */
  readonly shardCount: number;
  /** Per shard: commit-log min and max offsets. */
  stats(): Promise<{ shard: number; commitLogMinOffset: number; commitLogMaxOffset: number }[]>;
  /** At most `max` raw bytes of `shard` at `offset`, never crossing a segment end. */
  readReplica(shard: number, offset: number, max: number): Promise<Uint8Array>;
}

/** Options of `HAService`. */
export interface HAServiceOptions {
  source: ReplicaSource;
  hostname: string;
  /** `haListenPort`; 0 = a free port. */
  port: number;
  /** `haSendHeartbeatInterval`, ms. */
  heartbeatMs?: number;
  /** `haHousekeepingInterval`, ms. */
  housekeepingMs?: number;
  /** `haTransferBatchSize`, bytes. */
  transferBatchBytes?: number;
  /** `haMaxGapNotInSync`, bytes. */
  maxGapNotInSyncBytes?: number;
}

/** Outcome of a SYNC_MASTER wait (Java's PutMessageStatus names). */
export type SlaveWaitStatus = "PUT_OK" | "SLAVE_NOT_AVAILABLE" | "FLUSH_SLAVE_TIMEOUT";

/** One slave as `runtimeInfo` reports it. */
export interface SlaveInfo {
  address: string;
  /** Confirmed end per shard. */
  ackOffsets: number[];
  /** Bytes written on the master but not confirmed by this slave, over all shards. */
  behindBytes: number;
  /** Ms since this slave's last frame. */
  idleMs: number;
}

interface Waiter {
  offset: number;
  done: (status: SlaveWaitStatus) => void;
}

/** See the module comment. */
export class HAService implements HAConnectionHost {
  readonly #options: Required<HAServiceOptions>;
  readonly #connections = new Set<HAConnection>();
  readonly #runs = new Set<Promise<void>>();
  #listener: Deno.Listener | undefined;
  #accepting: Promise<void> | undefined;
  #mins: number[] = [];
  #ends: number[] = [];
  #waiters: Waiter[][] = [];
  #waiterCount = 0;

  /** Creates the service; `start()` listens. */
  constructor(options: HAServiceOptions) {
    this.#options = {
      heartbeatMs: 5000,
      housekeepingMs: 20_000,
      transferBatchBytes: 32 * 1024,
      maxGapNotInSyncBytes: 256 * 1024 * 1024,
      ...options,
    };
  }

  /** Reads every shard's range and listens. */
  async start(): Promise<void> {
    const stats = await this.#options.source.stats();
    this.#mins = stats.map((s) => s.commitLogMinOffset);
    this.#ends = stats.map((s) => s.commitLogMaxOffset);
    this.#waiters = stats.map(() => []);
    this.#listener = Deno.listen({ hostname: this.#options.hostname, port: this.#options.port });
    this.#accepting = this.#accept(this.#listener);
  }

  /** The port actually bound. */
  get port(): number {
    return (this.#listener?.addr as Deno.NetAddr | undefined)?.port ?? 0;
  }

  /** Slaves connected now. */
  get slaveCount(): number {
    return this.#connections.size;
  }

  /**
   * The broker wrote up to `end` in `shard`: senders pick it up within
   * `HA_SEND_POLL_MS` (at once when a SYNC_MASTER send waits for it).
   */
  noteWritten(shard: number, end: number): void {
    if (end > (this.#ends[shard] ?? Infinity)) this.#ends[shard] = end;
  }

  /** Per shard: min and written max. */
  ranges(): { min: number; max: number }[] {
    return this.#ends.map((max, k) => ({ min: this.#mins[k] ?? 0, max }));
  }

  /** Reads through the source. */
  read(shard: number, offset: number, max: number): Promise<Uint8Array> {
    return this.#options.source.readReplica(shard, offset, max);
  }

  /** Best confirmed end of `shard` over connected slaves (Java `push2SlaveMaxOffset`); -1 when none. */
  slaveAckOffset(shard: number): number {
    let best = -1;
    for (const c of this.#connections) best = Math.max(best, c.acks[shard] ?? -1);
    return best;
  }

  /** SYNC_MASTER: waits until a slave confirmed `shard` up to `offset`; see the module comment. */
  waitForSlave(shard: number, offset: number, timeoutMs: number): Promise<SlaveWaitStatus> {
    const best = this.slaveAckOffset(shard);
    if (best < 0 || offset - best >= this.#options.maxGapNotInSyncBytes) {
      return Promise.resolve("SLAVE_NOT_AVAILABLE");
    }
    if (best >= offset) return Promise.resolve("PUT_OK");
    const list = this.#waiters[shard];
    if (list === undefined || this.#waiterCount >= WAITERS_MAX) {
      return Promise.resolve("FLUSH_SLAVE_TIMEOUT");
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        offset,
        done: (status) => {
          clearTimeout(timer);
          this.#waiterCount--;
          resolve(status);
        },
      };
      const timer = setTimeout(() => {
        const i = list.indexOf(waiter);
        if (i >= 0) list.splice(i, 1);
        waiter.done("FLUSH_SLAVE_TIMEOUT");
      }, timeoutMs);
      list.push(waiter);
      this.#waiterCount++;
      for (const c of this.#connections) c.wake();
    });
  }

  /** A connection's acks changed: release the waits they satisfy. */
  acked(_connection: HAConnection): void {
    for (const [k, list] of this.#waiters.entries()) {
      if (list.length === 0) continue;
      const best = this.slaveAckOffset(k);
      const keep: Waiter[] = [];
      const ready: Waiter[] = [];
      for (const w of list) (w.offset <= best ? ready : keep).push(w);
      this.#waiters[k] = keep;
      for (const w of ready) w.done("PUT_OK");
    }
  }

  /** A connection ended. */
  closed(connection: HAConnection): void {
    if (this.#connections.delete(connection)) {
      log.warn("Slave disconnected", { slave: connection.remoteAddress });
    }
  }

  /** Connected slaves and how far behind each is. */
  slaves(): SlaveInfo[] {
    const now = performance.now();
    return [...this.#connections].map((c) => ({
      address: c.remoteAddress,
      ackOffsets: [...c.acks],
      behindBytes: this.#ends.reduce((n, end, k) => n + Math.max(0, end - (c.acks[k] ?? end)), 0),
      idleMs: Math.round(now - c.lastReadMs),
    }));
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    for await (const conn of listener) {
      if (this.#connections.size >= CONNECTIONS_MAX) {
        conn.close();
        continue;
      }
      const connection = new HAConnection(conn, this, {
        heartbeatMs: this.#options.heartbeatMs,
        housekeepingMs: this.#options.housekeepingMs,
        transferBatchBytes: this.#options.transferBatchBytes,
      });
      this.#connections.add(connection);
      const run = connection.run();
      this.#runs.add(run);
      void run.finally(() => this.#runs.delete(run));
    }
  }

  /** Stops listening, closes every connection, answers waiting sends FLUSH_SLAVE_TIMEOUT. */
  async close(): Promise<void> {
    try {
      this.#listener?.close();
    } catch {
      // Already closed.
    }
    await this.#accepting?.catch(() => undefined);
    for (const c of this.#connections) c.close();
    await Promise.all(this.#runs);
    for (const list of this.#waiters) for (const w of list.splice(0)) w.done("FLUSH_SLAVE_TIMEOUT");
  }
}
