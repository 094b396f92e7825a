/**
 * Live consumers per group: the channels (connections) that heartbeat for the group, their
 * client ids, and the group's subscriptions. Channels leave on UNREGISTER_CLIENT, on connection
 * close, and when silent for `channelExpiredTimeout`. Callers learn from the return values when
 * a group's membership changed, so they can send NOTIFY_CONSUMER_IDS_CHANGED.
 *
 * Runs on: main thread
 * @module
 */

/** One client connection known to the broker. `C` is the connection object. */
export interface ClientChannelInfo<C> {
  channel: C;
  clientId: string;
  language: string;
  version: number;
  remoteAddress: string;
  lastUpdateMs: number;
}

/** Java's `SubscriptionData` (bean names as in the heartbeat JSON). */
export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  classFilterMode: boolean;
}

/** How a consumer group consumes, from its heartbeat. */
export interface ConsumerGroupMode {
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
}

/** One consumer group as the broker sees it. */
export interface ConsumerGroupInfo<C> extends ConsumerGroupMode {
  groupName: string;
  channels: Map<C, ClientChannelInfo<C>>;
  subscriptions: Map<string, SubscriptionData>;
  lastUpdateMs: number;
}

/** The consumer table of one broker. */
export class ConsumerManager<C> {
  readonly #groups = new Map<string, ConsumerGroupInfo<C>>();

  /**
   * Registers (or refreshes) a consumer channel in `group` with its subscriptions; returns
   * whether the set of channels changed and whether the subscriptions changed.
   */
  register(
    group: string,
    client: ClientChannelInfo<C>,
    options: ConsumerGroupMode & { subscriptions: SubscriptionData[] },
  ): { channelsChanged: boolean; subscriptionsChanged: boolean } {
    let info = this.#groups.get(group);
    if (info === undefined) {
      info = {
        groupName: group,
        consumeType: options.consumeType,
        messageModel: options.messageModel,
        consumeFromWhere: options.consumeFromWhere,
        channels: new Map(),
        subscriptions: new Map(),
        lastUpdateMs: client.lastUpdateMs,
      };
      this.#groups.set(group, info);
    }
    info.consumeType = options.consumeType;
    info.messageModel = options.messageModel;
    info.consumeFromWhere = options.consumeFromWhere;
    info.lastUpdateMs = client.lastUpdateMs;
    const old = info.channels.get(client.channel);
    const channelsChanged = old === undefined;
    info.channels.set(client.channel, { ...client });
    const subscriptionsChanged = updateSubscriptions(info.subscriptions, options.subscriptions);
    return { channelsChanged, subscriptionsChanged };
  }

  /** Removes a channel from `group`; returns true when it was a member. */
  unregister(group: string, channel: C): boolean {
    const info = this.#groups.get(group);
    if (info === undefined || !info.channels.delete(channel)) return false;
    if (info.channels.size === 0) this.#groups.delete(group);
    return true;
  }

  /** Removes a closed channel from every group; returns the groups it left. */
  channelClosed(channel: C): string[] {
    const changed: string[] = [];
    for (const [group] of this.#groups) {
      if (this.unregister(group, channel)) changed.push(group);
    }
    return changed;
  }

  /** Removes channels silent for longer than `timeoutMs`; returns the groups that changed. */
  scanExpired(nowMs: number, timeoutMs: number): { group: string; channel: C }[] {
    const expired: { group: string; channel: C }[] = [];
    for (const [group, info] of this.#groups) {
      for (const [channel, client] of info.channels) {
        if (nowMs - client.lastUpdateMs > timeoutMs) expired.push({ group, channel });
      }
    }
    for (const { group, channel } of expired) this.unregister(group, channel);
    return expired;
  }

  /** The group's live view, if any consumer is registered. */
  get(group: string): ConsumerGroupInfo<C> | undefined {
    return this.#groups.get(group);
  }

  /** The live channel of `clientId` in `group` (Java `ConsumerManager.findChannel`). */
  findChannel(group: string, clientId: string): ClientChannelInfo<C> | undefined {
    const info = this.#groups.get(group);
    if (info === undefined) return undefined;
    for (const client of info.channels.values()) {
      if (client.clientId === clientId) return client;
    }
    return undefined;
  }

  /** The group's registered subscription of `topic`. */
  findSubscription(group: string, topic: string): SubscriptionData | undefined {
    return this.#groups.get(group)?.subscriptions.get(topic);
  }

  /** Client ids of the group's live channels (unsorted, as Java). */
  consumerIds(group: string): string[] {
    const info = this.#groups.get(group);
    if (info === undefined) return [];
    return [...info.channels.values()].map((client) => client.clientId);
  }

  /** Groups whose registered subscriptions include `topic`. */
  groupsOfTopic(topic: string): string[] {
    const groups: string[] = [];
    for (const [group, info] of this.#groups) {
      if (info.subscriptions.has(topic)) groups.push(group);
    }
    return groups;
  }

  /** Every registered group name. */
  groups(): string[] {
    return [...this.#groups.keys()];
  }
}

function updateSubscriptions(
  table: Map<string, SubscriptionData>,
  incoming: SubscriptionData[],
): boolean {
  let changed = false;
  const topics = new Set<string>();
  for (const sub of incoming) {
    topics.add(sub.topic);
    const old = table.get(sub.topic);
    if (old === undefined) {
      table.set(sub.topic, sub);
      changed = true;
    } else if (sub.subVersion > old.subVersion) {
      table.set(sub.topic, sub);
      if (old.subString !== sub.subString) changed = true;
    }
  }
  for (const topic of [...table.keys()]) {
    if (!topics.has(topic)) {
      table.delete(topic);
      changed = true;
    }
  }
  return changed;
}
