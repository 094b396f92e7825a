/**
 * Java-compatible hashes. Tag hashes go into consume-queue entries and are
 * compared with the `codeSet` values Java clients compute in heartbeats, so
 * they must be bit-identical to `java.lang.String.hashCode()`.
 *
 * Runs on: any
 * @module
 */

/**
 * Java `String.hashCode()`: `h = 31 * h + c` over UTF-16 code units with
 * 32-bit wrap-around, as a signed 32-bit integer.
 *
 * @example
 * ```ts
 * import { javaStringHashCode } from "./java_hash.ts";
 * javaStringHashCode("TagA"); // 2598919
 * ```
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    // JS strings are UTF-16 like Java's, so surrogate pairs hash as two units.
    h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  }
  return h;
}

/**
 * The tags code a broker writes into the consume queue for a message's `TAGS`
 * property (`MessageExtBrokerInner.tagsString2tagsCode`): 0 when there is no
 * tag, otherwise `String.hashCode()` sign-extended to 64 bits (a JS number in
 * the signed 32-bit range, stored as an int64).
 */
export function tagsHashCode(tags: string | undefined): number {
  if (tags === undefined || tags.length === 0) return 0;
  return javaStringHashCode(tags);
}
