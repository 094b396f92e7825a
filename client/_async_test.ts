/**
 * The consumers' async helpers and the periodic ticker: bounded concurrency,
 * abortable waits, and tickers that leave no timer behind.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { abortable, Semaphore, sleep } from "./_async.ts";
import { Ticker } from "./_ticker.ts";

Deno.test("Semaphore.run() never runs more tasks than its limit at once", async () => {
  const semaphore = new Semaphore(3);
  let running = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 20 }, () =>
    semaphore.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
    })));
  assert.equal(peak, 3);
  assert.equal(semaphore.active, 0);
  assert.throws(() => new Semaphore(0), RangeError);
});

Deno.test("sleep() and abortable() return at once when the signal aborts", async () => {
  const controller = new AbortController();
  const slept = sleep(60_000, controller.signal);
  const never = new Promise<number>(() => {});
  const raced = abortable(never, controller.signal);
  controller.abort();
  assert.equal(await slept, false);
  assert.equal(await raced, undefined);
  assert.equal(await sleep(1, new AbortController().signal), true);
  assert.equal(await abortable(Promise.resolve(5), new AbortController().signal), 5);
});

Deno.test("Ticker runs on poke and runNow, and stop() waits for the run in progress", async () => {
  let runs = 0;
  const ticker = new Ticker("t", async () => {
    runs++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }, 60_000);
  ticker.start();
  await ticker.runNow();
  assert.equal(runs, 1);
  ticker.poke();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(runs, 2);
  await ticker.stop();
  ticker.poke();
  await ticker.runNow();
  assert.equal(runs, 2);
});
