/**
 * Tests of the batch packing of `shard_client.ts`: puts are copied into one
 * payload, except a single put that gave away a buffer of its own, whose
 * buffer is handed over as it is.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { deepEqual, equal, notEqual } from "node:assert/strict";
import { emptyBatch, packPayload } from "./shard_client.ts";

function add(batch: ReturnType<typeof emptyBatch>, records: Uint8Array, given: boolean): void {
  batch.puts.add("T", 0, batch.bytes, records.length, true);
  batch.given = batch.parts.length === 0 && given;
  batch.parts.push(records);
  batch.bytes += records.length;
}

Deno.test("packPayload copies several puts into one buffer", () => {
  const batch = emptyBatch();
  equal(packPayload(batch), null);
  add(batch, new Uint8Array([1, 2]), true);
  add(batch, new Uint8Array([3]), true);
  deepEqual([...new Uint8Array(packPayload(batch)!)], [1, 2, 3]);
});

Deno.test("packPayload hands over the buffer of a single put that gave it away", () => {
  const own = new Uint8Array([7, 8, 9]);
  const given = emptyBatch();
  add(given, own, true);
  equal(packPayload(given), own.buffer);

  const kept = emptyBatch();
  add(kept, own, false);
  notEqual(packPayload(kept), own.buffer, "a put that keeps its records is copied");

  const view = new Uint8Array(new ArrayBuffer(16), 4, 3);
  const part = emptyBatch();
  add(part, view, true);
  notEqual(packPayload(part), view.buffer, "a view into a shared buffer is copied");
});
