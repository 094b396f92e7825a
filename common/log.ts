/**
 * Structured logging with levels. The only module allowed to write to the
 * console. One line per event: `time level [component] message key=value...`,
 * or JSON lines when the format is "json". Lines go to stderr, or to a
 * rotating file when one is configured (`configureLogging({ file })`, or the
 * `LOG_FILE`, `LOG_FILE_MAX_BYTES`, `LOG_FILE_COUNT` environment variables;
 * `LOG_LEVEL` and `LOG_FORMAT` set the level and format). Worker threads
 * append to the same file and never rotate it.
 *
 * Runs on: any
 * @module
 */

import { appendFileSink, type LogFileOptions, rotatingFileSink } from "./log_file.ts";

/** Log levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where formatted lines go. */
export type LogSink = (line: string, level: LogLevel) => void;

/** Context values attached to a log line. */
export type LogFields = Record<string, unknown>;

const stderrSink: LogSink = (line) => {
  // deno-lint-ignore no-console
  console.error(line);
};

interface LoggerSettings {
  level: LogLevel;
  format: "text" | "json";
  sink: LogSink;
}

const IN_WORKER = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !==
  "undefined";

const writeFailed = (line: string, error: unknown) =>
  stderrSink(`${line} (log file write failed: ${String(error)})`, "error");

let currentFile: { key: string; sink: LogSink } | undefined;

/** The sink for `file`; the same options again reuse the open file. */
function fileSink(file: LogFileOptions): LogSink {
  const key = JSON.stringify([file.path, file.maxBytes, file.count]);
  if (currentFile?.key !== key) {
    (currentFile?.sink as { close?: () => void } | undefined)?.close?.();
    currentFile = {
      key,
      sink: IN_WORKER
        ? appendFileSink(file.path, writeFailed)
        : rotatingFileSink(file, writeFailed),
    };
  }
  return currentFile.sink;
}

function envFile(): LogFileOptions | undefined {
  const path = envOr("LOG_FILE", "");
  if (path === "") return undefined;
  const maxBytes = Number(envOr("LOG_FILE_MAX_BYTES", ""));
  const count = Number(envOr("LOG_FILE_COUNT", ""));
  return {
    path,
    ...(Number.isSafeInteger(maxBytes) && maxBytes > 0 ? { maxBytes } : {}),
    ...(Number.isSafeInteger(count) && count > 0 ? { count } : {}),
  };
}

const startFile = envFile();
const settings: LoggerSettings = {
  level: parseLevel(envOr("LOG_LEVEL", "info")),
  format: envOr("LOG_FORMAT", "text") === "json" ? "json" : "text",
  sink: startFile === undefined ? stderrSink : fileSink(startFile),
};

function envOr(name: string, fallback: string): string {
  try {
    return Deno.env.get(name) ?? fallback;
  } catch {
    // No env permission (for example inside a restricted worker): use the default.
    return fallback;
  }
}

/** `debug`, `info`, `warn` or `error`; anything else is `info`. */
export function parseLevel(text: string): LogLevel {
  return text === "debug" || text === "warn" || text === "error" ? text : "info";
}

/** What `configureLogging` changes. */
export interface LoggingOptions extends Partial<LoggerSettings> {
  /** Log to this rotating file instead of stderr (ignored when `sink` is given). */
  file?: LogFileOptions;
}

/**
 * Changes the process-wide level, format or sink. With `file`, lines go to that rotating file,
 * and the `LOG_*` environment variables are set so worker threads started later follow.
 */
export function configureLogging(options: LoggingOptions): void {
  const { file, ...rest } = options;
  Object.assign(settings, rest);
  if (file !== undefined && rest.sink === undefined) {
    settings.sink = fileSink(file);
    setEnv("LOG_FILE", file.path);
    if (file.maxBytes !== undefined) setEnv("LOG_FILE_MAX_BYTES", String(file.maxBytes));
    if (file.count !== undefined) setEnv("LOG_FILE_COUNT", String(file.count));
  }
  if (rest.level !== undefined) setEnv("LOG_LEVEL", rest.level);
  if (rest.format !== undefined) setEnv("LOG_FORMAT", rest.format);
}

function setEnv(name: string, value: string): void {
  try {
    Deno.env.set(name, value);
  } catch {
    // No env permission: workers keep their defaults.
  }
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** A logger bound to one component name (such as "namesrv" or "store"). */
export class Logger {
  readonly #component: string;

  /** Creates a logger whose lines are tagged with `component`. */
  constructor(component: string) {
    this.#component = component;
  }

  /** Logs at debug level. */
  debug(message: string, fields?: LogFields): void {
    this.#write("debug", message, fields);
  }

  /** Logs at info level. */
  info(message: string, fields?: LogFields): void {
    this.#write("info", message, fields);
  }

  /** Logs at warn level. */
  warn(message: string, fields?: LogFields): void {
    this.#write("warn", message, fields);
  }

  /** Logs at error level. */
  error(message: string, fields?: LogFields): void {
    this.#write("error", message, fields);
  }

  #write(level: LogLevel, message: string, fields?: LogFields): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[settings.level]) return;
    const time = new Date().toISOString();
    if (settings.format === "json") {
      const entry: LogFields = { time, level, component: this.#component, message, ...fields };
      for (const [key, value] of Object.entries(entry)) {
        if (value instanceof Error) entry[key] = `${value.name}: ${value.message}`;
      }
      settings.sink(JSON.stringify(entry), level);
      return;
    }
    let line = `${time} ${level.toUpperCase().padEnd(5)} [${this.#component}] ${message}`;
    for (const [key, value] of Object.entries(fields ?? {})) {
      line += ` ${key}=${formatValue(value)}`;
    }
    settings.sink(line, level);
  }
}

/** Returns a logger for `component`. */
export function getLogger(component: string): Logger {
  return new Logger(component);
}
