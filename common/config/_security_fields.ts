/**
 * TLS and remoting-limit keys shared by the broker and name-server schemas.
 * TLS keys use RocketMQ's names (`tlsEnable`, `tlsTestModeEnable`, and the
 * `tls.server.*` / `tls.client.*` names of Java's `tls.properties`, which we
 * read from the process's own properties file). The limit keys are ours and
 * marked "Not RocketMQ", except `com.rocketmq.remoting.frameMaxLength`
 * (a Java system property there).
 *
 * Runs on: any
 * @module
 */
import { FRAME_MAX_BYTES } from "../limits.ts";
import { boolKey, intKey, stringField } from "./_fields.ts";

/** TLS keys of the remoting port(s). */
export const TLS_FIELDS = {
  /** TLS on the remoting port(s) (Java `tls.enable` / `tlsEnable`); ours is enforcing only. */
  tlsEnable: boolKey(false),
  /**
   * Java: the server serves a generated self-signed certificate and clients
   * trust any. Ours: without `tls.server.certPath`/`keyPath` the server makes
   * a self-signed one with openssl (given paths win); clients still verify,
   * trusting `tls.client.trustCertPath` (or the system store).
   */
  tlsTestModeEnable: boolKey(true),
  /** PEM certificate chain of the remoting server. */
  "tls.server.certPath": stringField().optional(),
  /** PEM private key of the remoting server (unencrypted). */
  "tls.server.keyPath": stringField().optional(),
  /** Java: CA for client certificates (`tls.server.authClient`); read but not used by us. */
  "tls.server.trustCertPath": stringField().optional(),
  /** PEM CA certificate(s) outgoing TLS connections trust. */
  "tls.client.trustCertPath": stringField().optional(),
};

/** Remoting-server bounds; every refusal is answered SYSTEM_BUSY or closed, and logged. */
export const SERVER_LIMIT_FIELDS = {
  /** Largest accepted frame, bytes (Java system property of the same name, 16 MiB). */
  "com.rocketmq.remoting.frameMaxLength": intKey(FRAME_MAX_BYTES, 1024),
  // Not RocketMQ: open connections per listener; more are closed on accept.
  serverMaxConnections: intKey(10_000, 1),
  // Not RocketMQ: requests handled at once per connection; more get SYSTEM_BUSY [OVERLOAD].
  serverMaxInFlight: intKey(1024, 1),
  // Not RocketMQ: bytes queued for a client that stops reading before it is disconnected.
  serverMaxWriteBacklogBytes: intKey(64 * 1024 * 1024, 65_536),
};

/** Broker flow control: send queue (Java `BrokerFastFailure`) and long-poll bound. */
export const FLOW_CONTROL_FIELDS = {
  /** A send that waited longer in the send queue gets SYSTEM_BUSY `[TIMEOUT_CLEAN_QUEUE]`. */
  waitTimeMillsInSendQueue: intKey(200, 1),
  /** Store busy when a send runs longer: queued sends get SYSTEM_BUSY `[PCBUSY_CLEAN_QUEUE]`. */
  osPageCacheBusyTimeOutMills: intKey(1000, 1),
  /** The send-queue sweep that answers the two above. */
  brokerFastFailureEnable: boolKey(true),
  /** Most sends waiting for their turn; more get SYSTEM_BUSY `[OVERLOAD]`. */
  sendThreadPoolQueueCapacity: intKey(10_000, 1),
  // Not RocketMQ: sends running at once broker-wide (Java: send threads); more wait in the queue.
  sendMessageMaxInFlight: intKey(1024, 1),
  // Not RocketMQ: most pulls suspended (long polling) at once; more get SYSTEM_BUSY.
  maxSuspendedPulls: intKey(100_000, 1),
};
