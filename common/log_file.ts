/**
 * Log sinks that write to a file. `rotatingFileSink` (main thread) keeps the file open and,
 * when the next line would pass `maxBytes`, renames `f.(n-1)` to `f.n` ... `f` to `f.1`
 * (keeping `count` old files) and starts a new `f`. `appendFileSink` (workers) opens, appends
 * and closes for each line, so a worker never writes to a renamed file and only the main
 * thread rotates. Write errors go to `fallback` (stderr, from log.ts): logging never throws.
 *
 * Runs on: any
 * @module
 */

/** Where and how much to log in files. */
export interface LogFileOptions {
  /** Path of the current log file; its folder is created. */
  path: string;
  /** Rotate before the file would pass this many bytes; default 128 MiB (RocketMQ's logback). */
  maxBytes?: number;
  /** Old files kept (`path.1` .. `path.N`); default 10. */
  count?: number;
}

const ignore: LogFallback = () => {};

const encoder = new TextEncoder();

/** Where a line goes when the file cannot be written. */
export type LogFallback = (line: string, error: unknown) => void;

function ensureFolder(path: string): void {
  const slash = path.lastIndexOf("/");
  if (slash > 0) Deno.mkdirSync(path.slice(0, slash), { recursive: true });
}

function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/** A line sink holding a file open; `close()` releases it (the next line opens it again). */
export type ClosableSink = ((line: string) => void) & { close(): void };

/** A sink that appends one line per call and rotates by size. */
export function rotatingFileSink(
  options: LogFileOptions,
  fallback: LogFallback = ignore,
): ClosableSink {
  const maxBytes = Math.max(1024, options.maxBytes ?? 128 * 1024 * 1024);
  const count = Math.max(1, Math.min(options.count ?? 10, 1000));
  const { path } = options;
  let file: Deno.FsFile | undefined;
  let size = 0;
  const open = () => {
    ensureFolder(path);
    file = Deno.openSync(path, { create: true, append: true });
    size = sizeOf(path);
  };
  const rotate = () => {
    file?.close();
    file = undefined;
    for (let i = count - 1; i >= 1; i--) {
      try {
        Deno.renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      } catch {
        // That generation does not exist yet.
      }
    }
    Deno.renameSync(path, `${path}.1`);
    open();
  };
  const write = (line: string) => {
    const bytes = encoder.encode(`${line}\n`);
    try {
      if (file === undefined) open();
      if (size > 0 && size + bytes.length > maxBytes) rotate();
      let offset = 0;
      for (let round = 0; offset < bytes.length && round < 1000; round++) {
        offset += file!.writeSync(bytes.subarray(offset));
      }
      size += bytes.length;
    } catch (error) {
      fallback(line, error);
    }
  };
  const close = () => {
    file?.close();
    file = undefined;
  };
  return Object.assign(write, { close });
}

/** A sink that opens `path` in append mode for each line (for worker threads). */
export function appendFileSink(
  path: string,
  fallback: LogFallback = ignore,
): (line: string) => void {
  return (line) => {
    try {
      ensureFolder(path);
      Deno.writeTextFileSync(path, `${line}\n`, { append: true, create: true });
    } catch (error) {
      fallback(line, error);
    }
  };
}
