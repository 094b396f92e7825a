/**
 * Public surface of `common/`: invariants, errors, clock, randomness,
 * logging, limits, and the pure Java-compatible codecs (stored message
 * records, properties, message ids, CRC, compression, hashes, addresses).
 * Other folders import only this file.
 *
 * Runs on: any
 * @module
 */
export * from "./assert.ts";
export * from "./errors.ts";
export * from "./clock.ts";
export * from "./random.ts";
export * from "./log.ts";
export type { LogFileOptions } from "./log_file.ts";
export * from "./limits.ts";
export * from "./latency_histogram.ts";
export * from "./java_hash.ts";
export * from "./crc32.ts";
export * from "./compression.ts";
export * from "./socket_address.ts";
export * from "./message_properties.ts";
export * from "./message_sys_flag.ts";
export * from "./message_id.ts";
export * from "./message_codec.ts";
export * from "./message_decoder.ts";
export * from "./batch_codec.ts";
export * from "./topic_validator.ts";
export * from "./shard_count.ts";
export * from "./bytes.ts";
export * from "./process_io.ts";
