/**
 * Logging keys shared by the broker and name-server schemas (none is RocketMQ's: Java
 * configures logging in logback XML). Without `logFile` lines go to stderr; with it, to that
 * file, rotated by size. `logLevel` and `logFormat` default to the `LOG_LEVEL` and
 * `LOG_FORMAT` environment variables, else `info` and `text`.
 *
 * Runs on: any
 * @module
 */
import { configureLogging, parseLevel } from "../log.ts";
import { checkedStringField, intKey, longKey, stringField } from "./_fields.ts";

const LEVELS = ["debug", "info", "warn", "error"];

/** Logging keys. */
export const LOG_FIELDS = {
  // Not RocketMQ: log file path; absent = stderr.
  logFile: stringField().optional(),
  // Not RocketMQ: rotate before the file passes this many bytes (RocketMQ's logback: 128 MiB).
  logFileMaxBytes: longKey(128 * 1024 * 1024, 1024),
  // Not RocketMQ: rotated files kept (`<logFile>.1` .. `<logFile>.N`).
  logFileCount: intKey(10, 1, 1000),
  // Not RocketMQ: debug, info, warn or error.
  logLevel: checkedStringField("debug, info, warn or error", (t) => LEVELS.includes(t)).optional(),
  // Not RocketMQ: text or json lines.
  logFormat: checkedStringField("text or json", (t) => t === "text" || t === "json").optional(),
};

/** The logging keys of a loaded configuration. */
export interface LogConfig {
  logFile?: string | undefined;
  logFileMaxBytes: number;
  logFileCount: number;
  logLevel?: string | undefined;
  logFormat?: string | undefined;
}

/** Applies the logging keys process-wide; a configuration without any changes nothing. */
export function applyLogConfig(config: LogConfig): void {
  const level = config.logLevel === undefined ? undefined : parseLevel(config.logLevel);
  const format = config.logFormat === "json" || config.logFormat === "text"
    ? config.logFormat
    : undefined;
  configureLogging({
    ...(level === undefined ? {} : { level }),
    ...(format === undefined ? {} : { format }),
    ...(config.logFile === undefined || config.logFile === "" ? {} : {
      file: {
        path: config.logFile,
        maxBytes: config.logFileMaxBytes,
        count: config.logFileCount,
      },
    }),
  });
}
