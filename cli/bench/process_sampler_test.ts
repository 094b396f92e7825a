/**
 * Tests of the /proc parsers and of `ProcessSampler` on this test process.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import {
  cpuUsPerMessage,
  parseProcStat,
  parseVmRssKiB,
  ProcessSampler,
} from "./process_sampler.ts";

const STAT =
  "4242 (deno (x) y) S 1 4242 4242 0 -1 4194560 12345 0 3 0 1520 377 0 0 20 0 9 0 100 1 1 0\n";

Deno.test("parseProcStat() reads utime and stime when the command name holds spaces and parens", () => {
  assert.deepEqual(parseProcStat(STAT), { utimeTicks: 1520, stimeTicks: 377 });
});

Deno.test("parseProcStat() returns undefined when the text is not a stat line", () => {
  assert.equal(parseProcStat("garbage"), undefined);
  assert.equal(parseProcStat("1 (x) S 1 2"), undefined);
});

Deno.test("parseVmRssKiB() reads VmRSS when present and undefined when absent", () => {
  const status =
    "Name:\tdeno\nVmPeak:\t  999 kB\nVmRSS:\t   51234 kB\nRssAnon:\t   40000 kB\nThreads:\t9\n";
  assert.equal(parseVmRssKiB(status), 51234);
  assert.equal(parseVmRssKiB(status, "RssAnon"), 40000);
  assert.equal(parseVmRssKiB(status, "RssFile"), undefined);
  assert.equal(parseVmRssKiB("Name:\tkthreadd\n"), undefined);
});

Deno.test("cpuUsPerMessage() divides the CPU delta by the count when messages were counted", () => {
  const before = { cpuUs: 1_000_000, rssKiB: 1, rssAnonKiB: 1 };
  const after = { cpuUs: 1_500_000, rssKiB: 1, rssAnonKiB: 1 };
  assert.equal(cpuUsPerMessage(before, after, 100_000), 5);
  assert.equal(cpuUsPerMessage(before, after, 0), undefined);
});

Deno.test({
  name: "ProcessSampler.sample() sees CPU time grow when this process burns CPU",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const sampler = await ProcessSampler.open(Deno.pid);
    const before = await sampler.sample();
    const until = performance.now() + 60;
    let spin = 0;
    while (performance.now() < until) spin++;
    const after = await sampler.sample();
    assert.ok(spin > 0);
    assert.ok(after.cpuUs >= before.cpuUs);
    assert.ok(after.rssKiB > 1000, `rss ${after.rssKiB} KiB`);
    assert.ok(after.rssAnonKiB > 0 && after.rssAnonKiB <= after.rssKiB);
  },
});

Deno.test({
  name: "ProcessSampler.open() throws NotFound when the process does not exist",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await assert.rejects(() => ProcessSampler.open(2 ** 31 - 2), Deno.errors.NotFound);
  },
});
