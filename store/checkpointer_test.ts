/**
 * Tests of the off-thread checkpoint with a fake flusher that completes jobs
 * on demand: data files are synced before the index header is written, the
 * checkpoint is written only after the index is durable, and no other flush
 * job can slip in between the steps.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { ManualClock } from "../common/mod.ts";
import { readCheckpoint } from "./checkpoint.ts";
import type { Flusher } from "./flusher.ts";
import { nodeFileIO } from "./file_io.ts";
import { ShardStore } from "./shard_store.ts";
import { config, makeRecord, put, tempDir } from "./_test_util.ts";

class FakeFlusher implements Flusher {
  jobs: { paths: readonly string[]; done: (error: string | undefined) => void }[] = [];
  get busy(): boolean {
    return this.jobs.length > 0;
  }
  sync(paths: readonly string[], done: (error: string | undefined) => void): boolean {
    if (this.busy) return false;
    this.jobs.push({ paths, done });
    return true;
  }
  /** Completes the running job (its paths really are synced, as the worker would). */
  complete(): readonly string[] {
    const job = this.jobs.shift();
    ok(job !== undefined, "a job is running");
    for (const path of job.paths) {
      const h = nodeFileIO.open(path);
      nodeFileIO.syncData(h);
      nodeFileIO.close(h);
    }
    job.done(undefined);
    return job.paths;
  }
  close(): void {
    this.jobs = [];
  }
}

Deno.test("Checkpointer runs data sync, index header, checkpoint in order on the flusher", () => {
  const dir = tempDir();
  const clock = new ManualClock(1_700_000_000_000);
  const flusher = new FakeFlusher();
  const store = ShardStore.open({ config: config(dir), shard: 0, clock, flusher });
  const cpPath = `${dir}/shard-0/checkpoint`;
  try {
    for (let i = 0; i < 5; i++) put(store, "T", 0, [makeRecord({ topic: "T", uniqKey: `U${i}` })]);
    const end = store.stats().commitLogMaxOffset;
    const before = readCheckpoint(nodeFileIO, cpPath)!.safeOffset;
    ok(before < end);
    clock.advance(1000);
    store.tick();
    equal(flusher.jobs.length, 1);
    const dataPaths = flusher.jobs[0]!.paths;
    ok(dataPaths.some((p) => p.includes("/commitlog/")), "the log is synced");
    ok(dataPaths.some((p) => p.includes("/consumequeue/T/0/")), "the consume queue is synced");
    ok(dataPaths.some((p) => p.includes("/index/")), "the index is synced");
    clock.advance(600);
    store.tick(); // a commit-log flush is due but must wait
    equal(flusher.jobs.length, 1);
    flusher.complete();
    equal(flusher.jobs.length, 1, "step 2 starts at once");
    ok(flusher.jobs[0]!.paths.every((p) => p.includes("/index/")));
    equal(readCheckpoint(nodeFileIO, cpPath)!.safeOffset, before, "no checkpoint before the index");
    flusher.complete();
    deepEqual(flusher.jobs[0]!.paths, [cpPath]);
    equal(readCheckpoint(nodeFileIO, cpPath)!.safeOffset, end, "written once the index is durable");
    flusher.complete();
    equal(flusher.jobs.length, 0);
    equal(store.stats().commitLogFlushedOffset, end);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
