/**
 * `HAClient`: the slave side of replication. Connects to the master's HA
 * address (from `haMasterAddress` or learned at registration), says where
 * each shard's log ends (HELLO), cuts a shard back when the master's WELCOME
 * shows the master is behind it (never diverging silently), appends the
 * DATA chunks of each socket read through its own store at their exact
 * offsets (chunks of a shard that continue each other in one call, the
 * shards in parallel), and reports the confirmed ends after every read that
 * moved them and every `haSendHeartbeatInterval`. On any failure it closes and reconnects after
 * `reconnectMs`; idle for `haHousekeepingInterval` closes the connection.
 *
 * Runs on: main thread
 * @module
 */
import { concatBytes, crc32, getLogger } from "../common/mod.ts";
import { readRange } from "./ha_connection.ts";
import { encodeHello, encodeReport, type HaFrame, HaFrameDecoder } from "./ha_protocol.ts";
import { SerialWriter, Signal } from "./_io.ts";

const log = getLogger("ha");
const READ_BUFFER_BYTES = 256 * 1024;

/** What the slave appends replicated bytes to (`MessageStore` fits). */
export interface ReplicaSink {
  readonly shardCount: number;
  stats(): Promise<{ shard: number; commitLogMaxOffset: number }[]>;
  /** `transfer`: the caller gives `bytes`' buffer away (a worker may take it without a copy). */
  appendReplica(
    shard: number,
    offset: number,
    bytes: Uint8Array,
    options?: { transfer?: boolean },
  ): Promise<{ status: string; maxOffset: number; receivedOffset: number }>;
  truncateReplica(shard: number, offset: number): Promise<number>;
  readReplica(shard: number, offset: number, max: number): Promise<Uint8Array>;
}

/** Options of `HAClient`. */
export interface HAClientOptions {
  sink: ReplicaSink;
  /** The master's HA address (`host:port`) now, or `undefined` when not known yet. */
  masterAddress: () => string | undefined;
  /** `haSendHeartbeatInterval`, ms. */
  heartbeatMs?: number;
  /** `haHousekeepingInterval`, ms. */
  housekeepingMs?: number;
  /** Pause between connection attempts, ms (Java: 5000). */
  reconnectMs?: number;
  /** Called after the slave confirmed new bytes in a shard. */
  onConfirmed?: (shard: number, end: number) => void;
}

/** See the module comment. */
export class HAClient {
  readonly #options: Required<Omit<HAClientOptions, "onConfirmed">> & HAClientOptions;
  readonly #stop = new Signal();
  #closed = false;
  #conn: Deno.Conn | undefined;
  #loop: Promise<void> | undefined;
  #confirmed: number[] = [];
  #connectedTo: string | undefined;
  #lastReadMs = 0;

  /** Creates the client; `start()` connects. */
  constructor(options: HAClientOptions) {
    this.#options = {
      heartbeatMs: 5000,
      housekeepingMs: 20_000,
      reconnectMs: 5000,
      ...options,
    };
  }

  /** Starts the connect/replicate loop in the background. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** The master HA address while connected, else `undefined`. */
  get connectedTo(): string | undefined {
    return this.#connectedTo;
  }

  /** Confirmed end per shard (as last reported). */
  get confirmedOffsets(): readonly number[] {
    return this.#confirmed;
  }

  /** Ms since the last frame from the master (-1 when never connected). */
  get idleMs(): number {
    return this.#lastReadMs === 0 ? -1 : Math.round(performance.now() - this.#lastReadMs);
  }

  async #run(): Promise<void> {
    for (let attempt = 0; attempt < Number.MAX_SAFE_INTEGER && !this.#closed; attempt++) {
      const address = this.#options.masterAddress();
      if (address !== undefined) {
        try {
          await this.#session(address);
        } catch (error) {
          if (!this.#closed) log.warn("Replication from master stopped", { address, error });
        } finally {
          this.#connectedTo = undefined;
          this.#conn = undefined;
        }
      }
      if (!this.#closed) await this.#stop.wait(this.#options.reconnectMs);
    }
  }

  async #session(address: string): Promise<void> {
    const [hostname, port] = splitAddress(address);
    const conn = await Deno.connect({ hostname, port });
    this.#conn = conn;
    if (this.#closed) {
      conn.close();
      return;
    }
    const writer = new SerialWriter(conn);
    const stats = await this.#options.sink.stats();
    this.#confirmed = stats.map((s) => s.commitLogMaxOffset);
    await writer.write(encodeHello(this.#confirmed));
    this.#connectedTo = address;
    this.#lastReadMs = performance.now();
    log.info("Connected to master for replication", { address, offsets: this.#confirmed });
    const timer = setInterval(() => {
      if (performance.now() - this.#lastReadMs > this.#options.housekeepingMs) {
        log.warn("Master HA connection idle; closing", { address });
        closeQuietly(conn);
        return;
      }
      writer.write(encodeReport(this.#confirmed)).catch(() => closeQuietly(conn));
    }, this.#options.heartbeatMs);
    try {
      await this.#read(conn, writer);
    } finally {
      clearInterval(timer);
      closeQuietly(conn);
    }
  }

  async #read(conn: Deno.Conn, writer: SerialWriter): Promise<void> {
    const decoder = new HaFrameDecoder();
    const buf = new Uint8Array(READ_BUFFER_BYTES);
    for (let round = 0; round < Number.MAX_SAFE_INTEGER && !this.#closed; round++) {
      const n = await conn.read(buf);
      if (n === null) return;
      this.#lastReadMs = performance.now();
      decoder.push(buf.subarray(0, n));
      let moved = false;
      // DATA frames that continue each other are appended together, the shards in parallel.
      let runs: ReceivedRun[] = [];
      // Views of the decoder's buffer: copied into one buffer per run before the next push.
      for (let f = decoder.nextView(); f !== undefined; f = decoder.nextView()) {
        if (f.type === "data") {
          if (f.bytes.length > 0) addToRuns(runs, f);
          continue;
        }
        if (await this.#appendRuns(runs)) moved = true;
        runs = [];
        if (await this.#onFrame(f)) moved = true;
      }
      if (await this.#appendRuns(runs)) moved = true;
      // One report per read: after a burst of chunks, not after each one.
      if (moved) await writer.write(encodeReport(this.#confirmed));
    }
  }

  /** Appends runs (at most one per shard) in parallel; returns whether a confirmed offset moved. */
  async #appendRuns(runs: ReceivedRun[]): Promise<boolean> {
    const moved = await Promise.all(runs.map((run) => this.#append(run)));
    return moved.includes(true);
  }

  /** Appends one run of master bytes; returns whether the shard's confirmed offset moved. */
  async #append(run: ReceivedRun): Promise<boolean> {
    const bytes = concatBytes(run.parts);
    const out = await this.#options.sink.appendReplica(run.shard, run.offset, bytes, {
      transfer: true,
    });
    if (out.status !== "OK") {
      throw new RangeError(
        `Cannot append replicated bytes to shard ${run.shard} at ${run.offset}: ${out.status}`,
      );
    }
    if (out.maxOffset === this.#confirmed[run.shard]) return false;
    this.#confirmed[run.shard] = out.maxOffset;
    this.#options.onConfirmed?.(run.shard, out.maxOffset);
    return true;
  }

  /** Applies a WELCOME; returns whether a confirmed offset moved. */
  async #onFrame(frame: HaFrame): Promise<boolean> {
    const { sink } = this.#options;
    if (frame.type === "welcome") {
      if (frame.shards.length !== this.#confirmed.length) {
        throw new RangeError(
          `Master has ${frame.shards.length} shards, this slave has ${this.#confirmed.length}: shardCount must match`,
        );
      }
      for (const [k, range] of frame.shards.entries()) {
        // The logs must join at `start` (same bytes before it), else this slave diverged.
        const mine = await readRange(
          { read: (shard, offset, max) => sink.readReplica(shard, offset, max) },
          k,
          range.start - range.window,
          range.start,
        );
        if (mine.length !== range.window || (crc32(mine) >>> 0) !== range.crc) {
          throw new RangeError(
            `Slave shard ${k} diverged from the master before offset ${range.start}; ` +
              `its store must be rebuilt (remove it and let it catch up)`,
          );
        }
        if (this.#confirmed[k]! > range.start) {
          this.#confirmed[k] = await sink.truncateReplica(k, range.start);
        }
      }
      return true;
    }
    throw new RangeError(`Unexpected frame from master: ${frame.type}`);
  }

  /** Stops replicating and waits for the loop to end. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stop.notify();
    if (this.#conn !== undefined) closeQuietly(this.#conn);
    await this.#loop;
  }
}

/** Received bytes of one shard that continue each other, appended in one call. */
interface ReceivedRun {
  shard: number;
  offset: number;
  end: number;
  parts: Uint8Array[];
}

/**
 * Adds a DATA frame to the run of its shard when it continues it; else it
 * starts a new run (a frame that does not continue is appended on its own,
 * after the runs before it, so the store sees every offset in stream order).
 */
function addToRuns(
  runs: ReceivedRun[],
  frame: { shard: number; offset: number; bytes: Uint8Array },
) {
  const last = runs.findLast((r) => r.shard === frame.shard);
  if (last !== undefined && last.end === frame.offset) {
    last.parts.push(frame.bytes);
    last.end += frame.bytes.length;
    return;
  }
  runs.push({
    shard: frame.shard,
    offset: frame.offset,
    end: frame.offset + frame.bytes.length,
    parts: [frame.bytes],
  });
}

function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(":");
  const port = Number(address.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new RangeError(`Invalid HA address "${address}"`);
  }
  return [address.slice(0, i), port];
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}
