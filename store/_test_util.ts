/**
 * Test helpers of store/: building stored records with the common codec,
 * temporary folders, and a fault-injecting `FileIO`.
 *
 * Runs on: main thread (tests)
 * @module
 */
import {
  concatBytes,
  decodeStoredMessage,
  encodeProperties,
  encodeStoredMessage,
  type MessageExt,
  storedRecordSize,
} from "../common/mod.ts";
import { type FileIO, nodeFileIO } from "./file_io.ts";
import type { ShardStore } from "./shard_store.ts";
import { resolveStoreConfig, type StoreConfig } from "./store_config.ts";
import type { PutResult } from "./store_types.ts";

/** What a test message needs. */
export interface TestMessage {
  topic: string;
  queueId?: number;
  body?: Uint8Array | string;
  tags?: string;
  keys?: string;
  uniqKey?: string;
  sysFlag?: number;
  bornTimestamp?: number;
}

const encoder = new TextEncoder();

/** Encodes one stored-layout record as the broker would before a put. */
export function makeRecord(msg: TestMessage): Uint8Array {
  const props: Record<string, string> = {};
  if (msg.tags !== undefined) props.TAGS = msg.tags;
  if (msg.keys !== undefined) props.KEYS = msg.keys;
  if (msg.uniqKey !== undefined) props.UNIQ_KEY = msg.uniqKey;
  const body = typeof msg.body === "string"
    ? encoder.encode(msg.body)
    : msg.body ?? encoder.encode("hello");
  const toStore = {
    topic: msg.topic,
    queueId: msg.queueId ?? 0,
    flag: 0,
    body,
    properties: encodeProperties(props),
    sysFlag: msg.sysFlag ?? 0,
    bornTimestamp: msg.bornTimestamp ?? 1_700_000_000_000,
    bornHost: { host: "127.0.0.1", port: 50000 },
    storeHost: { host: "127.0.0.1", port: 10911 },
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
  const out = new Uint8Array(storedRecordSize(toStore));
  encodeStoredMessage(toStore, out, 0);
  return out;
}

/** Concatenates records. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/** Splits concatenated records into views. */
export function splitRecords(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let pos = 0; pos + 4 <= bytes.length;) {
    const size = view.getInt32(pos);
    if (size <= 0) break;
    out.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

/** A fresh temporary folder. */
export function tempDir(prefix = "store_test_"): string {
  return Deno.makeTempDirSync({ prefix });
}

/** A `FileIO` whose writes and syncs fail on demand. */
export class FaultyFileIO implements FileIO {
  /** When set, every write throws this error. */
  failWrites: Error | undefined;
  /** When set, every sync throws this error. */
  failSyncs: Error | undefined;
  /** Writes allowed before `failWrites` applies (counts down). */
  writesBeforeFailure = 0;
  /** Disk use ratio reported (undefined = real). */
  usedRatio: number | undefined;

  open: FileIO["open"] = (path, options) => nodeFileIO.open(path, options);
  read: FileIO["read"] = (h, buf, pos) => nodeFileIO.read(h, buf, pos);
  write: FileIO["write"] = (h, buf, pos) => {
    if (this.failWrites !== undefined) {
      if (this.writesBeforeFailure > 0) this.writesBeforeFailure--;
      else throw this.failWrites;
    }
    nodeFileIO.write(h, buf, pos);
  };
  /** Called on every data sync (e.g. to move a fake clock). */
  onSync: (() => void) | undefined;
  syncData: FileIO["syncData"] = (h) => {
    this.onSync?.();
    if (this.failSyncs !== undefined) throw this.failSyncs;
    nodeFileIO.syncData(h);
  };
  truncate: FileIO["truncate"] = (h, size) => nodeFileIO.truncate(h, size);
  size: FileIO["size"] = (h) => nodeFileIO.size(h);
  close: FileIO["close"] = (h) => nodeFileIO.close(h);
  mkdir: FileIO["mkdir"] = (p) => nodeFileIO.mkdir(p);
  list: FileIO["list"] = (p) => nodeFileIO.list(p);
  exists: FileIO["exists"] = (p) => nodeFileIO.exists(p);
  remove: FileIO["remove"] = (p) => nodeFileIO.remove(p);
  rename: FileIO["rename"] = (a, b) => nodeFileIO.rename(a, b);
  syncDir: FileIO["syncDir"] = (p) => {
    if (this.failSyncs !== undefined) throw this.failSyncs;
    nodeFileIO.syncDir(p);
  };
  mtime: FileIO["mtime"] = (p) => nodeFileIO.mtime(p);
  diskUsedRatio: FileIO["diskUsedRatio"] = (p) => this.usedRatio ?? nodeFileIO.diskUsedRatio(p);
}

/** Decodes one stored record with the common decoder. */
export function decodeOne(bytes: Uint8Array): MessageExt {
  return decodeStoredMessage(bytes, 0).message;
}

/** A small-file config for shard tests. */
export function config(dir: string, extra: Partial<StoreConfig> = {}): StoreConfig {
  return resolveStoreConfig({
    storePathRootDir: dir,
    mappedFileSizeCommitLog: 64 * 1024,
    mappedFileSizeConsumeQueue: 20 * 100,
    maxMessageSize: 16 * 1024,
    maxHashSlotNum: 64,
    maxIndexNum: 200,
    shardCount: 1,
    ...extra,
  });
}

/** Puts `records` as one put and returns its result. */
export function put(
  store: ShardStore,
  topic: string,
  queueId: number,
  records: Uint8Array[],
): PutResult {
  const bytes = concat(records);
  return store.putBatch(bytes, [{
    topic,
    queueId,
    byteOffset: 0,
    byteLength: bytes.length,
    wait: true,
  }]).results[0]!;
}
