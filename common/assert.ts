/**
 * Invariant checks. A failed assertion is our bug, never an expected outcome:
 * nobody catches `AssertionError`, and a failure in any worker ends the process.
 *
 * Runs on: any
 * @module
 */

/** Thrown when an invariant of our own code does not hold. */
export class AssertionError extends Error {
  override name = "AssertionError";
}

/** Throws `AssertionError` with `message` unless `condition` is truthy. */
export function assert(condition: unknown, message = "Assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Marks code that must be unreachable; the argument type proves it at compile time. */
export function unreachable(value: never, message = "Unreachable code reached"): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}
