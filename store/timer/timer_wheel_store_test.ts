/**
 * `TimerWheelStore` on real files with an explicit clock value. Goals: timers come out once,
 * in bucket order, no earlier than their bucket's end and no later than one bucket after;
 * timers beyond the wheel window roll over laps, keeping the caller's roll mark; a checkpoint
 * plus reopen keeps the pending set and cuts the log back to it (what was appended after it is
 * dropped, for the caller to re-add);
 * memory is the wheel, not the number of timers; under a never-empty pending set the log's
 * segments are deleted once walked, so its size stays bounded, also across a reopen; a store
 * checkpointed with the single-file log opens with its timers; a store keeps its precision when
 * opened with another one (nothing lost, nothing repeated).
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { nodeFileIO } from "../file_io.ts";
import { TIMER_ENTRY_BYTES, TimerWheelStore } from "./mod.ts";

const P = 50;
const WINDOW = 1000;
const T0 = 1_000_000;

function open(dir: string, nowMs = T0): TimerWheelStore {
  return TimerWheelStore.open({ dir, precisionMs: P, windowMs: WINDOW, nowMs });
}

Deno.test("TimerWheelStore.takeDue() hands out timers once, after their bucket ends", async () => {
  const dir = await Deno.makeTempDir({ prefix: "timer-wheel-" });
  const timers = open(dir);
  try {
    assert.equal(timers.add({ deliverMs: T0 + 120, physicalOffset: 1, size: 10 }), true);
    assert.equal(timers.add({ deliverMs: T0 + 10, physicalOffset: 2, size: 10 }), true);
    assert.equal(timers.add({ deliverMs: T0 + 130, physicalOffset: 3, size: 10 }), true);
    assert.equal(timers.pending, 3);
    assert.deepEqual(timers.takeDue(T0 + 49, 10), []);
    assert.deepEqual(timers.takeDue(T0 + 50, 10).map((e) => e.physicalOffset), [2]);
    assert.deepEqual(timers.takeDue(T0 + 149, 10), []);
    const due = timers.takeDue(T0 + 150, 10).map((e) => e.physicalOffset).sort();
    assert.deepEqual(due, [1, 3]);
    assert.equal(timers.pending, 0);
    assert.deepEqual(timers.takeDue(T0 + 10_000, 10), []);
    // A timer whose bucket is already handed out is refused: the caller delivers it now.
    assert.equal(timers.add({ deliverMs: T0 + 20, physicalOffset: 4, size: 10 }), false);
  } finally {
    timers.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TimerWheelStore.takeDue() rolls timers beyond the window and respects max", async () => {
  const dir = await Deno.makeTempDir({ prefix: "timer-wheel-" });
  const timers = open(dir);
  try {
    const far = T0 + 3 * WINDOW + 25; // same slot as T0 + 25, three laps later
    timers.add({ deliverMs: far, physicalOffset: 9, size: 1, roll: true });
    for (let i = 0; i < 5; i++) timers.add({ deliverMs: T0 + 25, physicalOffset: i, size: 1 });
    assert.equal(timers.takeDue(T0 + 50, 2).length, 2);
    assert.equal(timers.takeDue(T0 + 50, 2).length, 2);
    assert.equal(timers.takeDue(T0 + 50, 10).length, 1);
    assert.deepEqual(timers.takeDue(far, 10), []);
    const late = timers.takeDue(far + P, 10);
    assert.deepEqual(late, [{ deliverMs: far, physicalOffset: 9, size: 1, roll: true }]);
    assert.equal(timers.pending, 0);
    assert.equal(timers.slotCount, WINDOW / P);
  } finally {
    timers.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TimerWheelStore.open() resumes from the checkpoint and drops later appends", async () => {
  const dir = await Deno.makeTempDir({ prefix: "timer-wheel-" });
  try {
    const first = open(dir);
    for (let i = 0; i < 100; i++) {
      first.add({ deliverMs: T0 + 100 + i * 7, physicalOffset: i, size: 1 });
    }
    assert.equal(first.takeDue(T0 + 200, 1000).length, 15);
    assert.equal(first.checkpoint(42), true);
    first.add({ deliverMs: T0 + 500, physicalOffset: 1000, size: 1 }); // after the checkpoint
    first.close();
    const logSize = (await Deno.stat(`${dir}/timerlogs/${"0".padStart(20, "0")}`)).size;
    assert.equal(logSize, 101 * TIMER_ENTRY_BYTES);

    const second = open(dir, T0 + 5000);
    assert.equal(second.extra, 42);
    assert.equal(second.pending, 85);
    assert.equal(second.processedUntilMs, T0 + 200);
    const rest = second.takeDue(T0 + 5000, 1000).map((e) => e.physicalOffset).sort((a, b) => a - b);
    assert.deepEqual(rest, Array.from({ length: 85 }, (_, i) => i + 15));
    // Nothing pending: the next checkpoint empties the log.
    second.checkpoint(43);
    assert.equal(second.logBytes, 0);
    second.close();
    assert.deepEqual(await Array.fromAsync(Deno.readDir(`${dir}/timerlogs`)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TimerWheelStore.checkpoint() deletes walked log segments under a never-empty pending set", async () => {
  const dir = await Deno.makeTempDir({ prefix: "timer-wheel-" });
  const openSmall = (nowMs: number) =>
    TimerWheelStore.open({ dir, precisionMs: P, windowMs: WINDOW, nowMs, segmentEntries: 8 });
  let timers = openSmall(T0);
  const taken: number[] = [];
  let maxSegments = 0;
  try {
    // One timer far away keeps the pending set non-empty: it is rolled on every lap.
    const far = T0 + 50 * WINDOW + 10;
    timers.add({ deliverMs: far, physicalOffset: -1, size: 1 });
    let added = 0;
    for (let step = 1; step <= 40 * (WINDOW / P); step++) {
      const now = T0 + step * P;
      timers.add({ deliverMs: now + 300, physicalOffset: added++, size: 1 });
      taken.push(...timers.takeDue(now, 100).map((e) => e.physicalOffset));
      if (step % 5 === 0) {
        assert.equal(timers.checkpoint(step), true);
        maxSegments = Math.max(maxSegments, timers.logSegments);
      }
      if (step % 300 === 0) {
        // Reopen from the checkpoint just written: deleted segments are not needed.
        timers.close();
        timers = openSmall(now);
        assert.equal(timers.extra, step);
      }
    }
    assert.ok(timers.pending > 0);
    // About one window of appends (20 adds + 1 roll) in segments of 8, plus the open one.
    assert.ok(maxSegments <= 5, `${maxSegments} segments`);
    assert.ok(timers.logBytes <= 5 * 8 * TIMER_ENTRY_BYTES, `${timers.logBytes} bytes`);
    taken.push(...timers.takeDue(far + P, 1000).map((e) => e.physicalOffset));
    const expected = Array.from({ length: added }, (_, i) => i);
    assert.deepEqual([...taken].sort((a, b) => a - b), [-1, ...expected]);
    assert.equal(timers.pending, 0);
  } finally {
    timers.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TimerWheelStore.open() takes over a checkpoint of the single-file log", async () => {
  const dir = await Deno.makeTempDir({ prefix: "timer-wheel-" });
  try {
    const first = open(dir);
    for (let i = 0; i < 10; i++) first.add({ deliverMs: T0 + 100 + i, physicalOffset: i, size: 1 });
    first.checkpoint(7);
    first.close();
    // The earlier layout: one `timerlog` file, no segments in the checkpoint.
    await Deno.rename(`${dir}/timerlogs/${"0".padStart(20, "0")}`, `${dir}/timerlog`);
    await Deno.remove(`${dir}/timerlogs`, { recursive: true });
    const cp = JSON.parse(await Deno.readTextFile(`${dir}/timercheck.json`));
    delete cp.segments;
    delete cp.segmentEntries;
    await Deno.writeTextFile(`${dir}/timercheck.json`, JSON.stringify(cp));

    const second = open(dir, T0 + 1000);
    try {
      assert.equal(second.pending, 10);
      second.add({ deliverMs: T0 + 300, physicalOffset: 10, size: 1 });
      const due = second.takeDue(T0 + 1000, 100).map((e) => e.physicalOffset);
      assert.deepEqual(due.sort((a, b) => a - b), Array.from({ length: 11 }, (_, i) => i));
    } finally {
      second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TimerWheelStore.open() keeps the precision of an existing store", async () => {
  const dir = await Deno.makeTempDir({ prefix: "timer-wheel-" });
  try {
    const first = open(dir);
    for (let i = 0; i < 5; i++) {
      first.add({ deliverMs: T0 + 100 + i * 50, physicalOffset: i, size: 1 });
    }
    first.checkpoint(3);
    first.close();
    const second = TimerWheelStore.open({ dir, precisionMs: 2 * P, windowMs: WINDOW, nowMs: T0 });
    try {
      assert.equal(second.precisionMs, P);
      assert.equal(second.pending, 5);
      assert.equal(second.extra, 3);
      assert.deepEqual(second.takeDue(T0 + 150, 10).map((e) => e.physicalOffset), [0]);
      const rest = second.takeDue(T0 + 1000, 10).map((e) => e.physicalOffset);
      assert.deepEqual(rest.sort(), [1, 2, 3, 4]);
    } finally {
      second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TimerWheelStore.checkpoint() writes nothing when only empty buckets passed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "timer-wheel-" });
  let syncs = 0;
  const io = {
    ...nodeFileIO,
    syncData: (h: Parameters<typeof nodeFileIO.syncData>[0]) => {
      syncs++;
      nodeFileIO.syncData(h);
    },
  };
  const at = (nowMs: number) =>
    TimerWheelStore.open({ dir, precisionMs: P, windowMs: WINDOW, nowMs, io });
  try {
    const first = at(T0);
    assert.equal(first.checkpoint(7), true); // a fresh store is saved once
    const afterFirst = syncs;
    assert.ok(afterFirst > 0);
    assert.deepEqual(first.takeDue(T0 + 400, 10), []); // empty buckets only
    assert.equal(first.checkpoint(7), true);
    assert.equal(syncs, afterFirst);
    first.add({ deliverMs: T0 + 600, physicalOffset: 5, size: 1 });
    assert.equal(first.checkpoint(7), true); // an added timer is saved
    const afterAdd = syncs;
    assert.ok(afterAdd > afterFirst);
    assert.equal(first.checkpoint(8), true); // so is a new caller number
    assert.ok(syncs > afterAdd);
    const afterExtra = syncs;
    assert.equal(first.takeDue(T0 + 700, 10).length, 1);
    assert.equal(first.checkpoint(8), true); // and a taken one
    assert.ok(syncs > afterExtra);
    first.close();

    // Reopened: the saved state replays to the same (empty) set, from an older bucket.
    const second = at(T0 + 900);
    assert.equal(second.extra, 8);
    assert.equal(second.pending, 0);
    assert.deepEqual(second.takeDue(T0 + 2000, 10), []);
    second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
