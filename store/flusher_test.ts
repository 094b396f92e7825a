/**
 * Tests of `AsyncOpFlusher`: jobs run in order off the calling thread, one at
 * a time, missing paths are skipped, errors are reported and a closed flusher
 * never calls back.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { equal } from "node:assert/strict";
import { AsyncOpFlusher } from "./flusher.ts";

function job(flusher: AsyncOpFlusher, paths: string[]): Promise<string | undefined> {
  const { promise, resolve } = Promise.withResolvers<string | undefined>();
  equal(flusher.sync(paths, resolve), true, "job accepted");
  return promise;
}

Deno.test("AsyncOpFlusher syncs existing files, skips missing ones, one job at a time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = `${dir}/a`;
    const b = `${dir}/b`;
    await Deno.writeFile(a, new Uint8Array(4096).fill(1));
    await Deno.writeFile(b, new Uint8Array(10).fill(2));
    const flusher = new AsyncOpFlusher();
    const first = job(flusher, [a, `${dir}/gone`, b]);
    equal(flusher.busy, true);
    equal(flusher.sync([a], () => {}), false, "second job refused while busy");
    equal(await first, undefined);
    equal(flusher.busy, false);
    equal(await job(flusher, [b]), undefined);
    flusher.close();
    equal(flusher.sync([a], () => {}), false, "closed flusher refuses jobs");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("AsyncOpFlusher reports a failed sync and abandons a job on close", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const flusher = new AsyncOpFlusher();
    const error = await job(flusher, [dir]); // a directory cannot be opened for writing
    equal(typeof error, "string");
    let called = false;
    await Deno.writeFile(`${dir}/c`, new Uint8Array(8));
    flusher.sync([`${dir}/c`], () => called = true);
    flusher.close();
    for (let i = 0; i < 500 && flusher.busy; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    equal(flusher.busy, false, "the abandoned job still finished");
    equal(called, false, "no callback after close");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
