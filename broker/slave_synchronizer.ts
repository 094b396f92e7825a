/**
 * `SlaveSynchronizer`: a slave copies the master's metadata over remoting, as
 * Java's `SlaveSynchronize` does every 10 s: topic configs (only when the
 * master's DataVersion changed), consumer offsets, delay-queue progress
 * (written to `config/delayOffset.json`) and subscription groups. Ours runs
 * once as soon as the master's address is known, then every 10 s. All four
 * requests go to the master's main port (Java sends GET_ALL_TOPIC_CONFIG to
 * its VIP port, which a free-port master does not make computable).
 * With `accessKey`/`secretKey` set, every request is ACL-signed, so a master
 * with `aclEnable` serves it.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/mod.ts";
import {
  createRequest,
  type RemotingClient,
  type RemotingCommand,
  RequestCode,
  ResponseCode,
} from "../remoting/mod.ts";
import type { BrokerController } from "./broker_controller.ts";
import { brokerCredentials, signIfConfigured } from "./broker_security.ts";
import type { TopicConfig } from "./topic_config_manager.ts";
import type { SubscriptionGroupConfig } from "./subscription_group_manager.ts";

const log = getLogger("broker");
/** Java's period. */
export const SLAVE_SYNC_INTERVAL_MS = 10_000;
const SYNC_TIMEOUT_MS = 3000;
const decoder = new TextDecoder();

/** See the module comment. */
export class SlaveSynchronizer {
  readonly #controller: BrokerController;
  readonly #client: RemotingClient;
  readonly #masterAddr: () => string | undefined;
  #lastTopicVersion = "";
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;

  /** `masterAddr` gives the master's remoting address when known. */
  constructor(
    controller: BrokerController,
    client: RemotingClient,
    masterAddr: () => string | undefined,
  ) {
    this.#controller = controller;
    this.#client = client;
    this.#masterAddr = masterAddr;
  }

  /** Starts the periodic sync. */
  start(): void {
    this.#timer = setInterval(() => this.syncNow(), SLAVE_SYNC_INTERVAL_MS);
  }

  /** Runs one sync now unless one is running; never throws. */
  syncNow(): Promise<void> {
    this.#running ??= this.#syncAll().finally(() => this.#running = undefined);
    return this.#running;
  }

  async #syncAll(): Promise<void> {
    const addr = this.#masterAddr();
    if (addr === undefined) return;
    try {
      await this.#syncTopics(addr);
      await this.#syncOffsets(addr);
      await this.#syncDelayOffsets(addr);
      await this.#syncGroups(addr);
    } catch (error) {
      log.warn("Slave metadata sync failed", { master: addr, error });
    }
  }

  /** Sends request `code` to the master, signed when the broker has credentials. */
  #invoke(addr: string, code: number): Promise<RemotingCommand> {
    const credentials = brokerCredentials(this.#controller.settings);
    const request = signIfConfigured(createRequest(code), credentials);
    return this.#client.invoke(addr, request, SYNC_TIMEOUT_MS);
  }

  async #get(addr: string, code: number): Promise<unknown> {
    const response = await this.#invoke(addr, code);
    if (response.code !== ResponseCode.SUCCESS || response.body === undefined) {
      throw new RangeError(`Master answered code ${response.code} to request ${code}`);
    }
    return JSON.parse(decoder.decode(response.body));
  }

  async #syncTopics(addr: string): Promise<void> {
    const body = await this.#get(addr, RequestCode.GET_ALL_TOPIC_CONFIG) as {
      dataVersion?: unknown;
      topicConfigTable?: Record<string, Partial<TopicConfig>>;
    };
    const version = JSON.stringify(body.dataVersion ?? null);
    if (version === this.#lastTopicVersion) return;
    const topics = this.#controller.topics;
    const wanted = body.topicConfigTable ?? {};
    let changed = false;
    for (const [name, config] of Object.entries(wanted)) {
      changed = topics.upsert({ ...config, topicName: name } as TopicConfig) || changed;
    }
    for (const config of topics.all()) {
      if (!(config.topicName in wanted)) changed = topics.delete(config.topicName) || changed;
    }
    this.#lastTopicVersion = version;
    if (changed) await topics.persist();
  }

  async #syncOffsets(addr: string): Promise<void> {
    const body = await this.#get(addr, RequestCode.GET_ALL_CONSUMER_OFFSET) as {
      offsetTable?: Record<string, Record<string, number>>;
    };
    const offsets = this.#controller.offsets;
    for (const [key, queues] of Object.entries(body.offsetTable ?? {})) {
      const at = key.lastIndexOf("@");
      if (at <= 0) continue;
      const [topic, group] = [key.slice(0, at), key.slice(at + 1)];
      for (const [queueId, offset] of Object.entries(queues)) {
        if (typeof offset === "number") offsets.commitOffset(group, topic, Number(queueId), offset);
      }
    }
  }

  async #syncDelayOffsets(addr: string): Promise<void> {
    const response = await this.#invoke(addr, RequestCode.GET_ALL_DELAY_OFFSET);
    if (response.code !== ResponseCode.SUCCESS || response.body === undefined) return;
    const dir = `${this.#controller.settings.storePathRootDir}/config`;
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeFile(`${dir}/delayOffset.json.tmp`, response.body);
    await Deno.rename(`${dir}/delayOffset.json.tmp`, `${dir}/delayOffset.json`);
  }

  async #syncGroups(addr: string): Promise<void> {
    const body = await this.#get(addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG) as {
      subscriptionGroupTable?: Record<string, SubscriptionGroupConfig>;
    };
    const groups = this.#controller.groups;
    for (const config of Object.values(body.subscriptionGroupTable ?? {})) {
      if (typeof config.groupName === "string") groups.upsert(config);
    }
    await groups.persist();
  }

  /** Stops the timer and waits for a running sync. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
  }
}
