/**
 * Seeded input generation for the fuzz targets: byte mutators (bit flips,
 * interesting 32-bit integers, truncation, extension, splicing, chunk
 * repeats) and text mutators (token insertion from a per-target vocabulary).
 * Everything draws from one `SeededRandom`, so a seed replays a run exactly.
 *
 * Runs on: any
 * @module
 */
import type { SeededRandom } from "../../common/mod.ts";

/** 32-bit values that make length and count fields interesting. */
const INTERESTING_INTS = [
  0,
  1,
  -1,
  4,
  8,
  0x7f,
  0x80,
  0xff,
  0x7fff,
  0x8000,
  0xffff,
  0x00ffffff,
  0x01000000,
  0x7fffffff,
  -0x80000000,
  16 * 1024 * 1024,
  16 * 1024 * 1024 + 1,
];

/** Longest input a mutator produces; keeps every decode call fast. */
export const FUZZ_INPUT_MAX_BYTES = 64 * 1024;

/** Seeded mutators over bytes and text. */
export class Mutator {
  /** The generator every choice draws from. */
  readonly rng: SeededRandom;

  /** Creates a mutator drawing from `rng`. */
  constructor(rng: SeededRandom) {
    this.rng = rng;
  }

  /** A uniformly chosen element of `items` (which must not be empty). */
  pick<T>(items: readonly T[]): T {
    return items[this.rng.nextInt(items.length)] as T;
  }

  /** True with probability `1 / n`. */
  oneIn(n: number): boolean {
    return this.rng.nextInt(n) === 0;
  }

  /** `length` random bytes. */
  randomBytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.rng.nextInt(256);
    return out;
  }

  /** An interesting or random 32-bit signed integer. */
  int32(): number {
    return this.oneIn(2) ? this.pick(INTERESTING_INTS) : this.rng.nextU32() | 0;
  }

  /** A mutated copy of `seed` (1 to 4 stacked mutations), or pure noise now and then. */
  bytes(seed: Uint8Array, corpus: readonly Uint8Array[] = []): Uint8Array {
    if (this.oneIn(16)) return this.randomBytes(this.rng.nextInt(256));
    let out: Uint8Array = seed.slice();
    const rounds = 1 + this.rng.nextInt(4);
    for (let round = 0; round < rounds; round++) out = this.#mutateOnce(out, corpus);
    return out.length > FUZZ_INPUT_MAX_BYTES ? out.subarray(0, FUZZ_INPUT_MAX_BYTES) : out;
  }

  #mutateOnce(input: Uint8Array, corpus: readonly Uint8Array[]): Uint8Array {
    const out = input;
    const at = out.length === 0 ? 0 : this.rng.nextInt(out.length);
    switch (this.rng.nextInt(8)) {
      case 0: // flip one bit
        if (out.length > 0) out[at] = (out[at] as number) ^ (1 << this.rng.nextInt(8));
        return out;
      case 1: // set one byte
        if (out.length > 0) out[at] = this.rng.nextInt(256);
        return out;
      case 2: { // write an interesting big-endian int32
        if (out.length < 4) return out;
        const pos = this.rng.nextInt(out.length - 3);
        new DataView(out.buffer, out.byteOffset, out.byteLength).setInt32(pos, this.int32());
        return out;
      }
      case 3: // truncate
        return out.subarray(0, at);
      case 4: { // append noise
        const tail = this.randomBytes(1 + this.rng.nextInt(32));
        return concat(out, tail);
      }
      case 5: { // splice with another corpus entry
        if (corpus.length === 0) return out;
        const other = this.pick(corpus);
        return concat(out.subarray(0, at), other.subarray(this.rng.nextInt(other.length + 1)));
      }
      case 6: { // repeat a chunk
        const end = Math.min(out.length, at + 1 + this.rng.nextInt(64));
        return concat(concat(out.subarray(0, end), out.subarray(at, end)), out.subarray(end));
      }
      default: { // delete a chunk
        const end = Math.min(out.length, at + 1 + this.rng.nextInt(16));
        return concat(out.subarray(0, at), out.subarray(end));
      }
    }
  }

  /** A mutated copy of `seed`: tokens from `vocabulary` inserted, characters dropped or swapped. */
  text(seed: string, vocabulary: readonly string[]): string {
    let out = seed;
    const rounds = 1 + this.rng.nextInt(4);
    for (let round = 0; round < rounds; round++) {
      const at = this.rng.nextInt(out.length + 1);
      switch (this.rng.nextInt(5)) {
        case 0:
        case 1:
          out = out.slice(0, at) + this.pick(vocabulary) + out.slice(at);
          break;
        case 2:
          out = out.slice(0, at) + out.slice(at + 1 + this.rng.nextInt(8));
          break;
        case 3:
          out = out.slice(0, at) + String.fromCharCode(this.rng.nextInt(0x10000)) + out.slice(at);
          break;
        default:
          out = out.slice(0, at);
      }
    }
    return out.length > FUZZ_INPUT_MAX_BYTES ? out.slice(0, FUZZ_INPUT_MAX_BYTES) : out;
  }
}

/** `a` followed by `b` in a new array. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
