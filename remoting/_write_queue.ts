/**
 * The frames a connection has yet to write. Small frames are encoded one after the other into
 * an arena (never reused: a full one is replaced and collected once written), so the frames of
 * one turn form one part that goes out without a join copy and encoding allocates no buffer
 * per frame; bigger frames get their own buffer, and several parts are joined into one reused
 * buffer for one write.
 *
 * Runs on: main thread
 * @module
 */
import { writeCommand } from "./frame_codec.ts";
import type { RemotingCommand } from "./remoting_command.ts";

/** First size of the reused join buffer. */
const OUT_BUFFER_INITIAL_BYTES = 16 * 1024;
/** A join buffer larger than this (a burst of big frames) is not kept for the next write. */
const OUT_BUFFER_KEEP_BYTES = 1024 * 1024;
/** Frames up to this size are encoded into the arena. */
const ARENA_FRAME_MAX_BYTES = 8 * 1024;
/** Sizes of arenas: the first is small (idle connections), each next one twice the last. */
const ARENA_MIN_BYTES = 4 * 1024;
const ARENA_MAX_BYTES = 64 * 1024;

/** See the module comment. */
export class WriteQueue {
  #parts: Uint8Array[] = [];
  #bytes = 0;
  /** Reused buffer that joins queued parts for one write (only touched between writes). */
  #out: Uint8Array = new Uint8Array(0);
  #arena: Uint8Array = new Uint8Array(0);
  #arenaUsed = 0;
  /** The last part is arena bytes ending at `#arenaUsed` (the next frame may extend it). */
  #tailInArena = false;

  /** Bytes queued. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True when nothing is queued. */
  get isEmpty(): boolean {
    return this.#parts.length === 0;
  }

  /** Encodes `cmd` and queues its frame; throws `RangeError` (nothing queued) when it cannot. */
  push(cmd: RemotingCommand): void {
    const bytes = writeCommand(cmd, (size) => this.#room(size));
    if (this.#tailInArena && bytes.buffer === this.#arena.buffer) {
      const last = this.#parts.length - 1;
      const tail = this.#parts[last] as Uint8Array;
      this.#parts[last] = this.#arena.subarray(tail.byteOffset, this.#arenaUsed);
    } else {
      this.#parts.push(bytes);
      this.#tailInArena = bytes.buffer === this.#arena.buffer;
    }
    this.#bytes += bytes.length;
  }

  /** Drops everything queued. */
  clear(): void {
    this.#parts = [];
    this.#bytes = 0;
    this.#tailInArena = false;
  }

  /**
   * Takes everything queued as one buffer for one write, valid until the next `take` (the
   * join buffer is reused; one that grew past `OUT_BUFFER_KEEP_BYTES` is dropped after use).
   */
  take(): Uint8Array {
    const parts = this.#parts;
    const total = this.#bytes;
    this.clear();
    if (parts.length === 1) return parts[0] as Uint8Array;
    if (this.#out.length < total || this.#out.length > OUT_BUFFER_KEEP_BYTES) {
      this.#out = new Uint8Array(Math.max(total, OUT_BUFFER_INITIAL_BYTES));
    }
    const batch = this.#out.subarray(0, total);
    let pos = 0;
    for (const part of parts) {
      batch.set(part, pos);
      pos += part.length;
    }
    return batch;
  }

  /** Bytes for one frame: arena bytes after the last frame for a small one, else its own. */
  #room(size: number): Uint8Array {
    if (size > ARENA_FRAME_MAX_BYTES) return new Uint8Array(size);
    if (this.#arenaUsed + size > this.#arena.length) {
      const next = Math.min(ARENA_MAX_BYTES, Math.max(ARENA_MIN_BYTES, this.#arena.length * 2));
      this.#arena = new Uint8Array(Math.max(next, size));
      this.#arenaUsed = 0;
      this.#tailInArena = false;
    }
    const start = this.#arenaUsed;
    this.#arenaUsed += size;
    return this.#arena.subarray(start, start + size);
  }
}
