/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * Helper worker of a shard: runs fdatasync on files the shard wrote, so the
 * shard's thread keeps appending while the disk catches up (RocketMQ's
 * flush service thread). Linux flushes an inode's dirty pages whichever
 * descriptor wrote them. Messages: `{ id, paths }` in, `{ id, error? }` out;
 * a path that no longer exists (deleted by retention) is skipped.
 *
 * Runs on: shard worker (nested flush worker)
 * @module
 */
import * as fs from "node:fs";

function syncPath(path: string): void {
  let fd: number;
  try {
    fd = fs.openSync(path, "r+");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return;
    throw error;
  }
  try {
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

self.onmessage = (event: MessageEvent<{ id: number; paths: string[] }>) => {
  const { id, paths } = event.data;
  try {
    for (const path of paths) syncPath(path);
    self.postMessage({ id });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
};
