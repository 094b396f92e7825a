/**
 * Exit codes of `mqadmin`, and the one table that maps a failure to one: a bad command line is
 * 2 (like getopt tools), everything that failed while talking to a name server or broker is 1.
 *
 * Runs on: main thread
 * @module
 */

/** Exit codes of the command-line tools. */
export const ExitCode = {
  /** The command did what was asked. */
  OK: 0,
  /** A name server or broker could not be reached, or answered with an error. */
  FAILURE: 1,
  /** Unknown command, unknown flag, missing or malformed flag value. */
  USAGE: 2,
} as const;

/** One of `ExitCode`'s values. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];

/** A command line that cannot be run: exits with `ExitCode.USAGE`. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof UsageError) return ExitCode.USAGE;
  return ExitCode.FAILURE;
}
