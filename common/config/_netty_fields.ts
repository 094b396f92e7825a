/**
 * Keys of RocketMQ's `NettyServerConfig` (and the broker's `NettyClientConfig`),
 * shared by the broker and name-server schemas because Java applies the same
 * properties file to those objects too.
 *
 * Runs on: any
 * @module
 */
import { boolKey, checkedStringKey, intKey } from "./_fields.ts";

const IPV4_OR_ANY = /^(?:\d{1,3}\.){3}\d{1,3}$|^::$|^[0-9A-Fa-f:]+$|^localhost$/;

/** `NettyServerConfig` keys with Java's defaults, except `listenPort` (differs per process). */
export const NETTY_SERVER_FIELDS = {
  /** Address the remoting server binds to (5.x key). */
  bindAddress: checkedStringKey("an IP address", (text) => IPV4_OR_ANY.test(text), "0.0.0.0"),
  serverWorkerThreads: intKey(8, 1, 1024),
  serverCallbackExecutorThreads: intKey(0, 0, 1024),
  serverSelectorThreads: intKey(3, 1, 1024),
  serverOnewaySemaphoreValue: intKey(256, 1),
  serverAsyncSemaphoreValue: intKey(64, 1),
  /** Idle remoting connections are closed after this many seconds. */
  serverChannelMaxIdleTimeSeconds: intKey(120, 0),
  serverSocketSndBufSize: intKey(0),
  serverSocketRcvBufSize: intKey(0),
  writeBufferHighWaterMark: intKey(0),
  writeBufferLowWaterMark: intKey(0),
  serverSocketBacklog: intKey(1024, 1),
  serverPooledByteBufAllocatorEnable: boolKey(true),
  useEpollNativeSelector: boolKey(false),
};

/** `NettyClientConfig` keys a broker reads from its properties file. */
export const NETTY_CLIENT_FIELDS = {
  clientWorkerThreads: intKey(4, 1, 1024),
  clientOnewaySemaphoreValue: intKey(65535, 1),
  clientAsyncSemaphoreValue: intKey(65535, 1),
  connectTimeoutMillis: intKey(3000, 1),
  channelNotActiveInterval: intKey(60_000, 0),
  clientChannelMaxIdleTimeSeconds: intKey(120, 0),
  clientSocketSndBufSize: intKey(0),
  clientSocketRcvBufSize: intKey(0),
  clientPooledByteBufAllocatorEnable: boolKey(false),
  clientCloseSocketIfTimeout: boolKey(true),
  useTLS: boolKey(false),
};
