/**
 * `HAConnection`: the master's end of one slave connection. Reads the
 * slave's HELLO, answers WELCOME with where each shard's stream starts (the
 * slave's end, or the master's end when the slave is ahead: the slave cuts
 * itself back), then streams every shard's commit-log bytes from there in
 * chunks of at most `transferBatchBytes` that never cross a segment end,
 * with a heartbeat when idle. Once caught up it looks again after
 * `HA_SEND_POLL_MS`, or at once when a SYNC_MASTER send waits (`wake()`).
 * Every REPORT updates the slave's confirmed offsets. Idle for
 * `housekeepingMs` (nothing read) closes it.
 *
 * Runs on: main thread
 * @module
 */
import { crc32, getLogger } from "../common/mod.ts";
import {
  type DataRun,
  encodeData,
  encodeDataFrames,
  encodeWelcome,
  HA_JOIN_CHECK_BYTES,
  type HaFrame,
  HaFrameDecoder,
} from "./ha_protocol.ts";
import { SerialWriter, Signal } from "./_io.ts";

const log = getLogger("ha");
const READ_BUFFER_BYTES = 64 * 1024;
/**
 * Longest pause of a caught-up sender before it looks for new bytes again
 * (Java `WaitNotifyObject.allWaitForRunning(100)` in `WriteSocketService`):
 * ASYNC_MASTER writes do not wake it, so bytes written meanwhile go out
 * together; a SYNC_MASTER send that waits for the slave wakes it at once.
 */
export const HA_SEND_POLL_MS = 100;
/**
 * Most bytes of one shard read per round (Java's `getCommitLogData` selects
 * the rest of the segment); sent as frames of at most `haTransferBatchSize`.
 */
export const HA_READ_MAX_BYTES = 1024 * 1024;

/** What a connection needs from its service. */
export interface HAConnectionHost {
  /** Per shard: the master's min and (written) max offset. */
  ranges(): { min: number; max: number }[];
  /** Raw commit-log bytes of a shard. */
  read(shard: number, offset: number, max: number): Promise<Uint8Array>;
  /** A report arrived (acks changed). */
  acked(connection: HAConnection): void;
  /** The connection ended. */
  closed(connection: HAConnection): void;
}

/** Settings of a connection. */
export interface HAConnectionOptions {
  heartbeatMs: number;
  housekeepingMs: number;
  transferBatchBytes: number;
}

/** See the module comment. */
export class HAConnection {
  /** `host:port` of the slave. */
  readonly remoteAddress: string;
  /** Per shard: the offset the slave confirmed (end of whole records it holds). */
  acks: number[] = [];
  /** Per shard: next offset to send. */
  sendOffsets: number[] = [];
  /** Time of the last frame read (ms, monotonic). */
  lastReadMs = performance.now();
  readonly #conn: Deno.Conn;
  readonly #host: HAConnectionHost;
  readonly #options: HAConnectionOptions;
  readonly #writer: SerialWriter;
  readonly #wake = new Signal();
  #closed = false;
  #sender: Promise<void> | undefined;

  /** Wraps an accepted connection; `run()` serves it. */
  constructor(conn: Deno.Conn, host: HAConnectionHost, options: HAConnectionOptions) {
    this.#conn = conn;
    this.#host = host;
    this.#options = options;
    this.#writer = new SerialWriter(conn);
    const addr = conn.remoteAddr as Deno.NetAddr;
    this.remoteAddress = `${addr.hostname}:${addr.port}`;
  }

  /** Whether it has ended. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Reads frames until the connection ends; never throws. */
  async run(): Promise<void> {
    const decoder = new HaFrameDecoder();
    const buf = new Uint8Array(READ_BUFFER_BYTES);
    const housekeeping = setInterval(() => {
      if (performance.now() - this.lastReadMs > this.#options.housekeepingMs) {
        log.warn("Closing idle slave connection", { slave: this.remoteAddress });
        this.close();
      }
    }, Math.min(1000, this.#options.housekeepingMs));
    try {
      for (let round = 0; round < Number.MAX_SAFE_INTEGER && !this.#closed; round++) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        this.lastReadMs = performance.now();
        decoder.push(buf.subarray(0, n));
        for (let f = decoder.next(); f !== undefined; f = decoder.next()) await this.#onFrame(f);
      }
    } catch (error) {
      if (!this.#closed) log.warn("Slave connection failed", { slave: this.remoteAddress, error });
    } finally {
      clearInterval(housekeeping);
      this.close();
      await this.#sender;
      this.#host.closed(this);
    }
  }

  async #onFrame(frame: HaFrame): Promise<void> {
    if (frame.type === "hello") {
      const ranges = this.#host.ranges();
      if (frame.offsets.length !== ranges.length) {
        throw new RangeError(
          `Slave has ${frame.offsets.length} shards, master has ${ranges.length}: shardCount must match`,
        );
      }
      // A slave ahead of this master is cut back to the master's end; an empty one starts at min.
      const shards = await Promise.all(ranges.map(async (r, k) => {
        const asked = frame.offsets[k]!;
        const start = asked > r.max ? r.max : Math.max(asked, r.min);
        const window = Math.min(HA_JOIN_CHECK_BYTES, start - r.min);
        const crc = crc32(await readRange(this.#host, k, start - window, start));
        return { min: r.min, max: r.max, start, window, crc };
      }));
      this.sendOffsets = shards.map((s) => s.start);
      this.acks = shards.map((s, k) => Math.min(s.start, frame.offsets[k]!));
      await this.#writer.write(encodeWelcome(shards));
      log.info("Slave connected", { slave: this.remoteAddress, start: this.sendOffsets });
      this.#sender ??= this.#send();
      this.#host.acked(this);
    } else if (frame.type === "report") {
      for (const [k, offset] of frame.offsets.entries()) {
        if (k < this.acks.length) this.acks[k] = offset;
      }
      this.#host.acked(this);
    } else {
      throw new RangeError(`Unexpected frame from a slave: ${frame.type}`);
    }
  }

  /** Makes a caught-up sender look for new bytes now (a SYNC_MASTER send waits). */
  wake(): void {
    this.#wake.notify();
  }

  async #send(): Promise<void> {
    const { heartbeatMs } = this.#options;
    let lastWriteMs = performance.now();
    try {
      for (let round = 0; round < Number.MAX_SAFE_INTEGER && !this.#closed; round++) {
        if (await this.#sendRound()) {
          lastWriteMs = performance.now();
          continue;
        }
        if (this.#closed) break;
        if (performance.now() - lastWriteMs >= heartbeatMs) {
          await this.#writer.write(encodeData(0, this.sendOffsets[0] ?? 0, new Uint8Array(0)));
          lastWriteMs = performance.now();
        }
        const idle = performance.now() - lastWriteMs;
        await this.#wake.wait(Math.max(1, Math.min(HA_SEND_POLL_MS, heartbeatMs - idle)));
      }
    } catch (error) {
      if (!this.#closed) log.warn("Cannot stream to slave", { slave: this.remoteAddress, error });
      this.close();
    }
  }

  /**
   * Reads what every shard that is behind has (one read per shard, at most
   * `HA_READ_MAX_BYTES`, shards in parallel) and sends it in one write as
   * DATA frames of at most `transferBatchBytes`; returns whether anything was sent.
   */
  async #sendRound(): Promise<boolean> {
    const ranges = this.#host.ranges();
    const readBytes = Math.max(this.#options.transferBatchBytes, HA_READ_MAX_BYTES);
    const reads = await Promise.all(ranges.map(async (range, k): Promise<DataRun | undefined> => {
      const from = this.sendOffsets[k]!;
      if (from >= range.max || this.#closed) return undefined;
      return { shard: k, offset: from, bytes: await this.#host.read(k, from, readBytes) };
    }));
    const runs: DataRun[] = [];
    for (const run of reads) {
      if (run === undefined) continue;
      if (run.bytes.length === 0) {
        log.error("Slave asks for bytes this master no longer has", {
          shard: run.shard,
          offset: run.offset,
        });
        this.close();
        return false;
      }
      runs.push(run);
    }
    if (runs.length === 0 || this.#closed) return false;
    await this.#writer.write(encodeDataFrames(runs, this.#options.transferBatchBytes));
    for (const run of runs) this.sendOffsets[run.shard] = run.offset + run.bytes.length;
    return true;
  }

  /** Closes the socket; `run()` then ends. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake.notify();
    try {
      this.#conn.close();
    } catch {
      // Already closed by the peer.
    }
  }
}

/** Bytes `[from, to)` of a shard, read across segment ends. */
export async function readRange(
  source: { read(shard: number, offset: number, max: number): Promise<Uint8Array> },
  shard: number,
  from: number,
  to: number,
): Promise<Uint8Array> {
  const out = new Uint8Array(Math.max(0, to - from));
  for (let pos = from; pos < to;) {
    const part = await source.read(shard, pos, to - pos);
    if (part.length === 0) return out.subarray(0, pos - from);
    out.set(part, pos - from);
    pos += part.length;
  }
  return out;
}
