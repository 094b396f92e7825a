/**
 * Tests of `writeText`: short writes are continued until the whole text is out.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { equal } from "node:assert/strict";
import { writeText } from "./process_io.ts";

Deno.test("writeText loops on short writes and writes every byte once", async () => {
  const chunks: number[][] = [];
  const stream = {
    write(p: Uint8Array): Promise<number> {
      const n = Math.min(2, p.length);
      chunks.push([...p.subarray(0, n)]);
      return Promise.resolve(n);
    },
  };
  await writeText(stream, "héllo");
  equal(new TextDecoder().decode(new Uint8Array(chunks.flat())), "héllo");
  equal(chunks.length, 3);
});
