/**
 * The error a filter expression compiles to when it is not valid: a broker
 * refuses such a subscription with the message as the remark.
 *
 * Runs on: any
 * @module
 */
import { BrokerError } from "../errors.ts";
import type { BrokerErrorOptions } from "../errors.ts";

/** Options of a `FilterError`: where in the expression the problem was found. */
export interface FilterErrorOptions extends BrokerErrorOptions {
  /** Zero-based offset in the expression text (UTF-16 code units). */
  position?: number;
}

/**
 * Thrown by `compileSqlFilter` and `parseSqlExpression` for an invalid SQL92
 * filter expression; `code` is `"FILTER_ERROR"` and `position` the offset of
 * the offending token.
 *
 * @example
 * ```ts
 * import { compileSqlFilter, FilterError } from "./mod.ts";
 * try {
 *   compileSqlFilter("a > 'x'");
 * } catch (error) {
 *   if (!(error instanceof FilterError)) throw error;
 *   error.position; // 2
 * }
 * ```
 */
export class FilterError extends BrokerError {
  override name = "FilterError";
  /** Zero-based offset in the expression where the problem was found. */
  readonly position: number;

  /** Creates a filter error; `code` defaults to `"FILTER_ERROR"`. */
  constructor(message: string, options: FilterErrorOptions = {}) {
    const { position, ...rest } = options;
    super(message, { code: "FILTER_ERROR", ...rest });
    this.position = position ?? 0;
  }
}
