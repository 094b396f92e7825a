/**
 * Helpers of process entry points: writing a whole text to stdout/stderr
 * and waiting for the first SIGTERM/SIGINT.
 *
 * Runs on: main thread
 * @module
 */

const encoder = new TextEncoder();

/** Writes all of `text` (UTF-8) to `stream`, looping on short writes (bounded). */
export async function writeText(
  stream: { write(p: Uint8Array): Promise<number> },
  text: string,
): Promise<void> {
  const bytes = encoder.encode(text);
  let offset = 0;
  for (let round = 0; offset < bytes.length && round < 10_000; round++) {
    offset += await stream.write(bytes.subarray(offset));
  }
}

/**
 * Installs SIGTERM/SIGINT listeners now (before a ready line is printed, so a signal that
 * follows it is never missed) and resolves on the first signal. The listeners stay, so a
 * second signal during shutdown does not kill the process.
 */
export function listenForSignal(): Promise<Deno.Signal> {
  const { promise, resolve } = Promise.withResolvers<Deno.Signal>();
  for (const signal of ["SIGTERM", "SIGINT"] as Deno.Signal[]) {
    Deno.addSignalListener(signal, () => resolve(signal));
  }
  return promise;
}
