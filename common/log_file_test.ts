/**
 * Goal: the rotating sink never lets a file pass its size by more than one line and keeps at
 * most `count` old files, newest in `.1`. Method: write numbered lines into a temporary folder
 * and read the files back.
 */
import assert from "node:assert/strict";
import { appendFileSink, rotatingFileSink } from "./log_file.ts";

Deno.test("rotatingFileSink() rotates by size and keeps count old files", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const sink = rotatingFileSink({ path: `${dir}/sub/app.log`, maxBytes: 1024, count: 2 });
    const line = (i: number) => `line ${String(i).padStart(4, "0")} ${"x".repeat(90)}`;
    for (let i = 0; i < 60; i++) sink(line(i));
    sink.close();
    const names = [...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name).sort();
    assert.deepEqual(names, ["app.log", "app.log.1", "app.log.2"]);
    for (const name of names) assert.ok(Deno.statSync(`${dir}/sub/${name}`).size <= 1024);
    const current = Deno.readTextFileSync(`${dir}/sub/app.log`).trim().split("\n");
    assert.equal(current.at(-1), line(59));
    const older = Deno.readTextFileSync(`${dir}/sub/app.log.1`).trim().split("\n");
    assert.equal(older.at(-1), line(59 - current.length));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("appendFileSink() appends whole lines and creates the folder", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const sink = appendFileSink(`${dir}/w/worker.log`);
    sink("one");
    sink("two");
    assert.equal(Deno.readTextFileSync(`${dir}/w/worker.log`), "one\ntwo\n");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
