/**
 * Registration with every name server in `namesrvAddr`: REGISTER_BROKER with the whole topic
 * table (body as the Java broker sends it, `bodyCrc32` with the sign bit cleared) at start-up,
 * every `registerNameServerPeriod` (clamped to 10..60 s as Java does), one-way after a topic is
 * created, and UNREGISTER_BROKER on shutdown. Connections are kept open by `RemotingClient`.
 *
 * Runs on: main thread
 * @module
 */
import { crc32, getLogger } from "../common/mod.ts";
import { createRequest, RemotingClient, RequestCode, ResponseCode } from "../remoting/mod.ts";
import type { BrokerSettings } from "./broker_settings.ts";
import type { TopicConfigManager } from "./topic_config_manager.ts";
import { PERM_READ, PERM_WRITE } from "./topic_config_manager.ts";
import { brokerCredentials, clientTls, signIfConfigured } from "./broker_security.ts";

const log = getLogger("broker");

/** Settings of `NameServerRegistrar`. */
export interface NameServerRegistrarOptions {
  settings: BrokerSettings;
  topics: TopicConfigManager;
  /** `brokerIP1:actualPort`. */
  brokerAddr: string;
  /** `brokerIP2:haListenPort`. */
  haServerAddr: string;
  /** Called with the header fields of each successful answer (a slave learns its master). */
  onRegistered?: ((fields: Record<string, string>) => void) | undefined;
}

/** Splits `host:port;host:port` into addresses. */
export function nameServerList(namesrvAddr: string | null): string[] {
  if (namesrvAddr === null) return [];
  return namesrvAddr.split(";").map((a) => a.trim()).filter((a) => a !== "");
}

/** Registers one broker with its name servers. */
export class NameServerRegistrar {
  readonly #options: NameServerRegistrarOptions;
  readonly #client: RemotingClient;
  readonly #addresses: string[];
  readonly #credentials: ReturnType<typeof brokerCredentials>;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Name servers whose last registration succeeded (a change of state is logged at info). */
  readonly #registered = new Set<string>();

  /** Creates a registrar; nothing is sent until `start()`. */
  constructor(options: NameServerRegistrarOptions) {
    this.#options = options;
    this.#client = new RemotingClient({
      connectTimeoutMs: 3000,
      tls: clientTls(options.settings),
    });
    this.#credentials = brokerCredentials(options.settings);
    this.#addresses = nameServerList(options.settings.namesrvAddr);
  }

  /** Registers now and then periodically. */
  async start(): Promise<void> {
    if (this.#addresses.length === 0) return;
    await this.registerAll(false);
    const period = Math.max(
      10_000,
      Math.min(this.#options.settings.registerNameServerPeriod, 60_000),
    );
    this.#timer = setInterval(() => void this.registerAll(false), period);
  }

  /** The REGISTER_BROKER body. */
  body(): Uint8Array {
    const wrapper = this.#options.topics.toWrapper();
    const brokerPerm = this.#options.settings.brokerPermission;
    if ((brokerPerm & (PERM_READ | PERM_WRITE)) !== (PERM_READ | PERM_WRITE)) {
      // Copies: the table's own configs keep their permission for when the broker opens again.
      for (const [name, config] of Object.entries(wrapper.topicConfigTable)) {
        wrapper.topicConfigTable[name] = { ...config, perm: config.perm & brokerPerm };
      }
    }
    return new TextEncoder().encode(
      JSON.stringify({ filterServerList: [], topicConfigSerializeWrapper: wrapper }),
    );
  }

  /** Sends REGISTER_BROKER to every name server (one-way when `oneway`). Never throws. */
  async registerAll(oneway: boolean): Promise<void> {
    const { settings } = this.#options;
    const body = this.body();
    const extFields = {
      brokerId: String(settings.brokerId),
      bodyCrc32: String(crc32(body) & 0x7fffffff),
      clusterName: settings.brokerClusterName,
      brokerAddr: this.#options.brokerAddr,
      haServerAddr: this.#options.haServerAddr,
      compressed: "false",
      brokerName: settings.brokerName,
    };
    await Promise.all(this.#addresses.map(async (addr) => {
      const cmd = signIfConfigured(
        createRequest(RequestCode.REGISTER_BROKER, { extFields, body }),
        this.#credentials,
      );
      try {
        if (oneway) await this.#client.invokeOneway(addr, cmd);
        else {
          const response = await this.#client.invoke(
            addr,
            cmd,
            settings.registerBrokerTimeoutMills,
          );
          if (response.code !== ResponseCode.SUCCESS) {
            this.#registered.delete(addr);
            log.warn("Name server refused registration", {
              addr,
              code: response.code,
              remark: response.remark,
            });
          } else {
            this.#noteRegistered(addr);
            this.#options.onRegistered?.(response.extFields ?? {});
          }
        }
      } catch (error) {
        this.#registered.delete(addr);
        log.warn("Cannot register with name server", { addr, error });
      }
    }));
  }

  #noteRegistered(addr: string): void {
    const fields = {
      namesrv: addr,
      brokerName: this.#options.settings.brokerName,
      brokerAddr: this.#options.brokerAddr,
    };
    if (this.#registered.has(addr)) log.debug("Registered with name server", fields);
    else log.info("Registered with name server", fields);
    this.#registered.add(addr);
  }

  /** Stops the timer, sends UNREGISTER_BROKER to every name server and closes connections. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const { settings } = this.#options;
    await Promise.all(this.#addresses.map(async (addr) => {
      const cmd = signIfConfigured(
        createRequest(RequestCode.UNREGISTER_BROKER, {
          extFields: {
            brokerName: settings.brokerName,
            brokerAddr: this.#options.brokerAddr,
            clusterName: settings.brokerClusterName,
            brokerId: String(settings.brokerId),
          },
        }),
        this.#credentials,
      );
      try {
        await this.#client.invoke(addr, cmd, 3000);
      } catch (error) {
        log.warn("Cannot unregister from name server", { addr, error });
      }
    }));
    await this.#client.close();
  }
}
