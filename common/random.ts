/**
 * The only place that produces randomness. Tests use a seeded generator and
 * print the seed so a failing run can be replayed.
 *
 * Runs on: any
 * @module
 */

/** A source of random 32-bit integers. */
export interface Random {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number;
  /** A uniformly distributed integer in `[0, bound)`. */
  nextInt(bound: number): number;
}

/** A small, fast, seeded generator (mulberry32); deterministic for a given seed. */
export class SeededRandom implements Random {
  #state: number;

  /** Creates a generator from a 32-bit seed. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniformly distributed integer in `[0, bound)`. */
  nextInt(bound: number): number {
    return this.nextU32() % bound;
  }
}

/** A seed for a test run: `SEED` from the environment when set, otherwise a fresh one. */
export function testSeed(): number {
  const fromEnv = Deno.env.get("SEED");
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return Number(fromEnv) >>> 0;
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 1;
}

/** Fills `bytes` with cryptographically strong random values. */
export function randomBytes(bytes: Uint8Array): Uint8Array {
  return crypto.getRandomValues(bytes);
}

/** A process-wide generator for non-security uses (queue choice, jitter). */
export const defaultRandom: Random = new SeededRandom(
  crypto.getRandomValues(new Uint32Array(1))[0] ?? 1,
);
