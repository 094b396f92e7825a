/**
 * Every bound in one place, with RocketMQ's defaults. Relations between them
 * are asserted when this module loads.
 *
 * Runs on: any
 * @module
 */
import { assert } from "./assert.ts";

/** Largest remoting frame accepted (the 4-byte length prefix value), 16 MiB. */
export const FRAME_MAX_BYTES = 16 * 1024 * 1024;
/** Smallest possible frame length value: the 4-byte header-length word. */
export const FRAME_MIN_BYTES = 4;
/** Largest message body plus properties a broker accepts (`maxMessageSize`), 4 MiB. */
export const MESSAGE_MAX_BYTES = 4 * 1024 * 1024;
/** Default commit-log segment size (`mappedFileSizeCommitLog`), 1 GiB. */
export const COMMIT_LOG_FILE_BYTES = 1024 * 1024 * 1024;
/** Size of one consume-queue entry: offset (8) + size (4) + tag hash (8). */
export const CONSUME_QUEUE_ENTRY_BYTES = 20;
/** Entries per consume-queue file (`mappedFileSizeConsumeQueue` / 20). */
export const CONSUME_QUEUE_FILE_ENTRIES = 300_000;
/** Longest topic name RocketMQ accepts. */
export const TOPIC_NAME_MAX_CHARS = 127;
/** Longest properties string a stored record can carry (a signed 16-bit length). */
export const PROPERTIES_MAX_BYTES = 32_767;
/** Messages returned by one pull at most (Java caps `maxMsgNums` at the broker). */
export const PULL_MAX_MESSAGES = 32 * 1024;
/** Default name-server broker expiry: a silent broker is dropped after this. */
export const BROKER_CHANNEL_EXPIRED_MS = 120_000;
/** Default number of delay levels in `messageDelayLevel`. */
export const DELAY_LEVELS = 18;

assert(FRAME_MAX_BYTES > MESSAGE_MAX_BYTES, "A frame must be able to carry the largest message");
assert(COMMIT_LOG_FILE_BYTES >= MESSAGE_MAX_BYTES, "A segment must hold the largest message");
assert(CONSUME_QUEUE_ENTRY_BYTES === 8 + 4 + 8, "A consume-queue entry is 20 bytes");
