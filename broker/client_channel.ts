/**
 * The broker's view of one client connection: its address and a way to send it a frame
 * (responses, late long-poll answers, NOTIFY_CONSUMER_IDS_CHANGED) or a request whose answer it
 * awaits (GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY forwarded to a consumer).
 * Transport-agnostic so the handlers and tables can be tested without sockets.
 *
 * Runs on: main thread
 * @module
 */
import type { RemotingCommand } from "../remoting/mod.ts";

/** One client connection. */
export interface ClientChannel {
  /** Unique id per connection (for logs). */
  readonly id: number;
  /** Peer address `ip:port`. */
  readonly remoteAddress: string;
  /** Sends a command; dropped silently when the connection is closed. */
  send(cmd: RemotingCommand): void;
  /**
   * Sends request `cmd` to the client and resolves with its response; rejects with
   * `TimeoutError` after `timeoutMs`, or when the connection closes first.
   */
  invoke(cmd: RemotingCommand, timeoutMs: number): Promise<RemotingCommand>;
  /** True after the connection closed. */
  readonly closed: boolean;
}
