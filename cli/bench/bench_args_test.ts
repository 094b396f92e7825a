/**
 * Tests of `parseBenchArgs`: defaults, every flag, and the errors a user sees.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { parseBenchArgs } from "./bench_args.ts";
import type { BenchOptions } from "./bench_args.ts";

function ok(args: string[]): BenchOptions {
  const result = parseBenchArgs(args);
  if (result.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.options;
}

function error(args: string[]): string {
  const result = parseBenchArgs(args);
  if (result.kind !== "error") throw new Error(`expected error, got ${JSON.stringify(result)}`);
  return result.message;
}

Deno.test("parseBenchArgs() fills the defaults when only the mode is given", () => {
  const options = ok(["producer"]);
  assert.equal(options.mode, "producer");
  assert.equal(options.namesrvAddr, "127.0.0.1:9876");
  assert.equal(options.topic, "BenchTopic");
  assert.equal(options.bodyBytes, 1024);
  assert.equal(options.workers, 64);
  assert.equal(options.durationSec, 10);
  assert.equal(options.count, undefined);
  assert.equal(options.driver, "client");
  assert.equal(options.queues, 8);
  assert.equal(options.json, false);
  assert.equal(options.brokerPid, undefined);
});

Deno.test("parseBenchArgs() reads every flag when all are given", () => {
  const options = ok([
    "e2e",
    "-n",
    "127.0.0.1:9999",
    "-t",
    "T1",
    "-s",
    "65536",
    "-w",
    "8",
    "-d",
    "2.5",
    "-c",
    "1000",
    "--rate",
    "5000",
    "--group",
    "g1",
    "--queues",
    "4",
    "--json",
    "--flush-mode-note",
    "SYNC_FLUSH",
    "--broker-pid",
    "1234",
    "--driver",
    "raw",
    "--from",
    "last",
    "--idle-stop",
    "3",
    "--timeout-ms",
    "500",
  ]); // deno-fmt-ignore
  assert.deepEqual(
    { ...options },
    {
      mode: "e2e",
      namesrvAddr: "127.0.0.1:9999",
      topic: "T1",
      bodyBytes: 65536,
      workers: 8,
      durationSec: 2.5,
      count: 1000,
      rate: 5000,
      group: "g1",
      queues: 4,
      json: true,
      flushModeNote: "SYNC_FLUSH",
      brokerPid: 1234,
      driver: "raw",
      from: "last",
      idleStopSec: 3,
      timeoutMs: 500,
      port: undefined,
      command: [],
    },
  );
});

Deno.test("parseBenchArgs() keeps a 300 s time bound when only -c is given", () => {
  const options = ok(["consumer", "-c", "50"]);
  assert.equal(options.count, 50);
  assert.equal(options.durationSec, 300);
});

Deno.test("parseBenchArgs() returns an error when a flag is unknown", () => {
  assert.match(error(["producer", "--bogus"]), /bogus/);
});

Deno.test("parseBenchArgs() returns an error when a value is missing", () => {
  assert.match(error(["producer", "-s"]), /-s/);
});

Deno.test("parseBenchArgs() returns an error when a number is malformed or out of range", () => {
  assert.match(error(["producer", "-s", "abc"]), /Invalid value "abc" for -s/);
  assert.match(error(["producer", "-w", "0"]), /for -w/);
  assert.match(error(["producer", "-d", "0"]), /for -d/);
  assert.match(error(["e2e", "--rate", "0"]), /for --rate/);
});

Deno.test("parseBenchArgs() returns an error when the mode is missing or unknown", () => {
  assert.match(error([]), /Expected one mode/);
  assert.match(error(["produce"]), /Invalid value "produce" for mode/);
  assert.match(error(["producer", "consumer"]), /got 2/);
  assert.match(error(["producer", "--driver", "java"]), /client or raw/);
});

Deno.test("parseBenchArgs() returns help when -h is given", () => {
  assert.deepEqual(parseBenchArgs(["-h"]), { kind: "help" });
});

Deno.test("parseBenchArgs() takes the command after -- when the mode is startup", () => {
  const options = ok(["startup", "--port", "10911", "--", "java", "-cp", "x", "-d", "1"]);
  assert.equal(options.port, 10911);
  assert.deepEqual(options.command, ["java", "-cp", "x", "-d", "1"]);
  assert.equal(options.durationSec, 10);
  assert.match(error(["startup", "--port", "1"]), /needs --port/);
});
