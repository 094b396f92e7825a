/**
 * Live producers per group: channels that heartbeat with a producer group. Used for
 * GET_PRODUCER_CONNECTION_LIST and (later) transaction check-back. Channels leave on
 * UNREGISTER_CLIENT, on connection close, and after 120 s without a heartbeat.
 *
 * Runs on: main thread
 * @module
 */
import type { ClientChannelInfo } from "./consumer_manager.ts";

/** The producer table of one broker. */
export class ProducerManager<C> {
  readonly #groups = new Map<string, Map<C, ClientChannelInfo<C>>>();

  /** Registers or refreshes a producer channel in `group`. */
  register(group: string, client: ClientChannelInfo<C>): void {
    let channels = this.#groups.get(group);
    if (channels === undefined) {
      channels = new Map();
      this.#groups.set(group, channels);
    }
    channels.set(client.channel, { ...client });
  }

  /** Removes a channel from `group`; returns true when it was a member. */
  unregister(group: string, channel: C): boolean {
    const channels = this.#groups.get(group);
    if (channels === undefined || !channels.delete(channel)) return false;
    if (channels.size === 0) this.#groups.delete(group);
    return true;
  }

  /** Removes a closed channel from every group. */
  channelClosed(channel: C): void {
    for (const group of [...this.#groups.keys()]) this.unregister(group, channel);
  }

  /** Removes channels silent for longer than `timeoutMs`; returns how many. */
  scanExpired(nowMs: number, timeoutMs: number): number {
    let removed = 0;
    for (const [group, channels] of [...this.#groups]) {
      for (const [channel, client] of [...channels]) {
        if (nowMs - client.lastUpdateMs > timeoutMs) {
          this.unregister(group, channel);
          removed++;
        }
      }
    }
    return removed;
  }

  /** The live channels of `group`. */
  channels(group: string): ClientChannelInfo<C>[] {
    return [...(this.#groups.get(group)?.values() ?? [])];
  }

  /** Every producer group with at least one live channel. */
  groups(): string[] {
    return [...this.#groups.keys()];
  }
}
