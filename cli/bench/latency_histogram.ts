/**
 * A log-linear latency histogram in whole microseconds (HdrHistogram's idea,
 * two significant digits): values below 256 µs are counted exactly, larger
 * ones in 128 sub-buckets per power of two, so a reported percentile is at
 * most 1/128 (0.8 %) above the true value. Pure: no clock, no I/O.
 *
 * Runs on: any
 * @module
 */

const SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS; // 128
const EXACT_LIMIT = SUB_BUCKETS * 2; // values below 256 µs have one bucket each
/** Largest power of two tracked: values above 2^36 µs (~19 hours) are clamped. */
const MAX_EXPONENT = 36;
const BUCKET_COUNT = EXACT_LIMIT + (MAX_EXPONENT - SUB_BUCKET_BITS) * SUB_BUCKETS;

/** Largest value (µs) the histogram tells apart; larger values count here. */
export const HISTOGRAM_MAX_US: number = 2 ** MAX_EXPONENT - 1;

function bucketIndex(valueUs: number): number {
  if (valueUs < EXACT_LIMIT) return valueUs;
  const exponent = Math.floor(Math.log2(valueUs)) - SUB_BUCKET_BITS; // >= 1
  const sub = Math.floor(valueUs / 2 ** exponent); // in [128, 255]
  return EXACT_LIMIT + (exponent - 1) * SUB_BUCKETS + (sub - SUB_BUCKETS);
}

function bucketUpperUs(index: number): number {
  if (index < EXACT_LIMIT) return index;
  const rest = index - EXACT_LIMIT;
  const exponent = Math.floor(rest / SUB_BUCKETS) + 1;
  const sub = (rest % SUB_BUCKETS) + SUB_BUCKETS;
  return (sub + 1) * 2 ** exponent - 1;
}

/** Latency histogram with exact count, sum, min and max. */
export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #sumUs = 0;
  #minUs = Number.POSITIVE_INFINITY;
  #maxUs = 0;

  /** Records one value in microseconds (rounded; negatives count as 0, huge ones are clamped). */
  record(valueUs: number): void {
    const value = Number.isFinite(valueUs)
      ? Math.min(HISTOGRAM_MAX_US, Math.max(0, Math.round(valueUs)))
      : HISTOGRAM_MAX_US;
    const index = bucketIndex(value);
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.#count++;
    this.#sumUs += value;
    if (value < this.#minUs) this.#minUs = value;
    if (value > this.#maxUs) this.#maxUs = value;
  }

  /** Values recorded. */
  get count(): number {
    return this.#count;
  }

  /** Mean in µs (0 when empty). */
  get meanUs(): number {
    return this.#count === 0 ? 0 : this.#sumUs / this.#count;
  }

  /** Smallest value in µs (0 when empty). */
  get minUs(): number {
    return this.#count === 0 ? 0 : this.#minUs;
  }

  /** Largest value in µs (0 when empty). */
  get maxUs(): number {
    return this.#maxUs;
  }

  /**
   * The value at quantile `q` (0..1) in µs: the upper edge of the bucket that
   * holds the ceil(q * count)-th smallest value, never above the exact max.
   * 0 when empty.
   */
  percentileUs(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`Invalid quantile "${q}": expected 0..1`);
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let index = 0; index < BUCKET_COUNT; index++) {
      seen += this.#counts[index] ?? 0;
      if (seen >= rank) return Math.max(this.minUs, Math.min(bucketUpperUs(index), this.#maxUs));
    }
    return this.#maxUs;
  }

  /** Adds every value of `other` to this histogram. */
  merge(other: LatencyHistogram): void {
    if (other.#count === 0) return;
    for (let index = 0; index < BUCKET_COUNT; index++) {
      this.#counts[index] = (this.#counts[index] ?? 0) + (other.#counts[index] ?? 0);
    }
    this.#count += other.#count;
    this.#sumUs += other.#sumUs;
    this.#minUs = Math.min(this.#minUs, other.#minUs);
    this.#maxUs = Math.max(this.#maxUs, other.#maxUs);
  }

  /** Forgets every value. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sumUs = 0;
    this.#minUs = Number.POSITIVE_INFINITY;
    this.#maxUs = 0;
  }
}
