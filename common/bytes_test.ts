/**
 * Tests of `concatBytes`.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { deepEqual, notEqual } from "node:assert/strict";
import { concatBytes } from "./bytes.ts";

Deno.test("concatBytes copies views of one buffer into a new array, in order", () => {
  const shared = new Uint8Array([1, 2, 3, 4, 5]);
  const out = concatBytes([shared.subarray(3), new Uint8Array(0), shared.subarray(0, 2)]);
  deepEqual([...out], [4, 5, 1, 2]);
  notEqual(out.buffer, shared.buffer);
  deepEqual([...concatBytes([])], []);
});
