/**
 * Structured logging with levels. The only module allowed to write to the
 * console. One line per event: `time level [component] message key=value...`,
 * or JSON lines when the format is "json".
 *
 * Runs on: any
 * @module
 */

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

const settings: LoggerSettings = {
  level: parseLevel(envOr("LOG_LEVEL", "info")),
  format: envOr("LOG_FORMAT", "text") === "json" ? "json" : "text",
  sink: stderrSink,
};

function envOr(name: string, fallback: string): string {
  try {
    return Deno.env.get(name) ?? fallback;
  } catch {
    // No env permission (for example inside a restricted worker): use the default.
    return fallback;
  }
}

function parseLevel(text: string): LogLevel {
  return text === "debug" || text === "warn" || text === "error" ? text : "info";
}

/** Changes the process-wide level, format or sink. */
export function configureLogging(options: Partial<LoggerSettings>): void {
  Object.assign(settings, options);
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
