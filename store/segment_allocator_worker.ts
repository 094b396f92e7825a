/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * Helper worker of a shard: creates zero-filled spare files of segment size
 * off the shard's thread. Writes into a fully allocated, zero-filled file run
 * ~8x faster than into a sparse one (block and page allocation happen here,
 * not on the append path), and synced appends need no metadata updates.
 * Messages: `{ path, size }` in, `{ path }` (ready) or `{ path, error }` out.
 *
 * Runs on: shard worker (nested allocator worker)
 * @module
 */
import * as fs from "node:fs";

const CHUNK = new Uint8Array(8 * 1024 * 1024);
/** Sync every few chunks: one huge writeback burst would stall the shard's group commits. */
const SYNC_EVERY_CHUNKS = 2;

function fill(path: string, size: number): void {
  const fd = fs.openSync(path, "w");
  try {
    let chunks = 0;
    for (let pos = 0; pos < size; pos += CHUNK.length) {
      const len = Math.min(CHUNK.length, size - pos);
      let done = 0;
      while (done < len) done += fs.writeSync(fd, CHUNK, done, len - done, pos + done);
      if (++chunks % SYNC_EVERY_CHUNKS === 0) fs.fdatasyncSync(fd);
    }
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

self.onmessage = (event: MessageEvent<{ path: string; size: number }>) => {
  const { path, size } = event.data;
  try {
    fill(path, size);
    self.postMessage({ path });
  } catch (error) {
    fs.rmSync(path, { force: true });
    self.postMessage({ path, error: String(error) });
  }
};
