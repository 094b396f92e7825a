/**
 * Bounds of the remoting transport (folder-private; frame size lives in
 * `common/limits.ts`).
 *
 * Runs on: any
 * @module
 */

/** Bytes read from a socket at once into each connection's reusable buffer. */
export const REMOTING_READ_BUFFER_BYTES = 64 * 1024;
/** Handler calls still running on one connection before it stops reading. */
export const REMOTING_IN_FLIGHT_MAX = 1024;
/** Requests one connection may have waiting for responses. */
export const REMOTING_PENDING_REQUESTS_MAX = 65_536;
/** Bytes queued for writing on one connection before it stops reading. */
export const REMOTING_WRITE_BACKLOG_MAX_BYTES = 64 * 1024 * 1024;
/** Connections one server accepts at once; more are closed right away. */
export const REMOTING_CONNECTIONS_MAX = 10_000;
/** Idle time after which a server closes a connection (`serverChannelMaxIdleTimeSeconds` 120). */
export const REMOTING_IDLE_TIMEOUT_MS = 120_000;
