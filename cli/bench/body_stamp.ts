/**
 * Benchmark bodies: incompressible filler with a send timestamp in the first
 * 16 bytes (magic `MQB1`, 4 spare bytes, float64 epoch milliseconds with a
 * fraction), so a consumer in any process on the same machine can measure
 * send-to-delivery latency below the millisecond resolution of the born
 * timestamp. Pure: the caller passes the time.
 *
 * Runs on: any
 * @module
 */
import { SeededRandom } from "../../common/mod.ts";

/** Bytes at the head of a stamped body. */
export const STAMP_BYTES = 16;
const MAGIC = 0x4d514231; // "MQB1"

/** A body of `bytes` bytes filled with seeded pseudo-random (incompressible) data. */
export function benchBody(bytes: number, seed = 1): Uint8Array {
  if (!Number.isInteger(bytes) || bytes < STAMP_BYTES) {
    throw new RangeError(`Invalid body size "${bytes}": expected an integer >= ${STAMP_BYTES}`);
  }
  const body = new Uint8Array(bytes);
  const words = new DataView(body.buffer);
  const random = new SeededRandom(seed);
  let offset = 0;
  for (; offset + 4 <= bytes; offset += 4) words.setUint32(offset, random.nextU32());
  for (; offset < bytes; offset++) body[offset] = random.nextInt(256);
  return body;
}

/** Writes the magic and `epochMs` into the head of `body` (in place) and returns it. */
export function stampBody(body: Uint8Array, epochMs: number): Uint8Array {
  const view = new DataView(body.buffer, body.byteOffset, STAMP_BYTES);
  view.setUint32(0, MAGIC);
  view.setUint32(4, 0);
  view.setFloat64(8, epochMs);
  return body;
}

/** The timestamp of a stamped body, or undefined when `body` carries no stamp. */
export function readStamp(body: Uint8Array): number | undefined {
  if (body.length < STAMP_BYTES) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, STAMP_BYTES);
  if (view.getUint32(0) !== MAGIC) return undefined;
  const value = view.getFloat64(8);
  return Number.isFinite(value) ? value : undefined;
}

/** Wall-clock epoch milliseconds with a sub-millisecond fraction. */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}
