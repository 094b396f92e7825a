/**
 * Byte-array helpers shared by codecs, replication and tests.
 *
 * Runs on: any thread
 * @module
 */

/** `parts` copied one after another into one new array (parts may be views of shared buffers). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
