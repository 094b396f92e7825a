/**
 * CI slice of the fuzzer: a ~10 s seeded run over every target (codecs, name-server and
 * broker handlers) must find
 * nothing (only typed errors, no slow input), and the same seed must replay
 * the same inputs. Set SEED to replay a failing CI run.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { configureLogging, testSeed } from "../../common/mod.ts";
import { fuzzTargetNames, runFuzz } from "./fuzz_runner.ts";

Deno.test("runFuzz() finds no untyped error or slow input in a short seeded run", async () => {
  const seed = testSeed();
  configureLogging({ level: "error" });
  try {
    const report = await runFuzz({ seed, seconds: 10 });
    const detail = report.findings.map((f) => `${f.target}#${f.index} ${f.problem} ${f.input}`);
    assert.deepEqual(detail, [], `seed ${seed}: findings`);
    for (const name of fuzzTargetNames()) {
      assert.ok((report.stats[name]?.inputs ?? 0) >= 100, `seed ${seed}: target ${name} ran`);
    }
    assert.ok(report.inputs >= 1000, `seed ${seed}: only ${report.inputs} inputs`);
  } finally {
    configureLogging({ level: "info" });
  }
});

Deno.test("runFuzz() replays the same inputs and outcomes for the same seed", async () => {
  configureLogging({ level: "error" });
  try {
    const a = await runFuzz({ seed: 42, seconds: 30, maxInputs: 3000 });
    const b = await runFuzz({ seed: 42, seconds: 30, maxInputs: 3000 });
    assert.equal(a.inputs, 3000);
    assert.deepEqual(a.stats, b.stats);
  } finally {
    configureLogging({ level: "info" });
  }
});

Deno.test("runFuzz() throws RangeError when asked for an unknown target", async () => {
  await assert.rejects(() => runFuzz({ seed: 1, seconds: 1, targets: ["nope"] }), RangeError);
});
