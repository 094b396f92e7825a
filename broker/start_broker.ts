/**
 * `startBroker`: runs a broker in this process from a settings object or a properties file,
 * on the file store under `storePathRootDir` (or a temporary store folder that is removed on
 * `close()`). Used by `main.ts`, `cli/start.ts` and by users' own tests (free ports with
 * `listenPort: 0`).
 *
 * Runs on: main thread
 * @module
 */
import { type Clock, systemClock } from "../common/mod.ts";
import { applyLogConfig, type BrokerConfig, loadBrokerConfig } from "../common/config/mod.ts";
import { getLogger } from "../common/mod.ts";
import { BrokerController } from "./broker_controller.ts";
import { type BrokerSettings, defaultBrokerSettings } from "./broker_settings.ts";
import type { BrokerMessageStore } from "./message_store_port.ts";
import { StoreAdapter } from "./store_adapter.ts";
import { storeConfigFromSettings } from "./store_settings.ts";
import { learnMaster, ReplicatedStore, startReplication, startSlaveSync } from "./ha_wiring.ts";

const log = getLogger("broker");

/** Options of `startBroker`. */
export interface StartBrokerOptions {
  /** Settings (RocketMQ key names); missing keys take Java's defaults. Wins over `file`. */
  config?: Partial<BrokerSettings>;
  /** A `broker.properties` file to load first. */
  file?: string;
  /** Command-line style overrides for the file (such as `{ namesrvAddr }`). */
  overrides?: Record<string, string>;
  /** Put the store in a fresh temporary folder, deleted by `close()`. */
  tempStore?: boolean;
  /** Use this message store instead of the file store (tests; closed by `close()`). */
  store?: BrokerMessageStore;
  clock?: Clock;
}

/** A broker running in this process. */
export interface RunningBroker {
  /** Main remoting port. */
  port: number;
  /** VIP port (`listenPort - 2`, or free-chosen when `listenPort` is 0). */
  vipPort: number;
  /** `brokerIP1:port`. */
  address: string;
  /** The effective settings. */
  settings: BrokerSettings;
  /** The broker itself: tables and store, the admin surface for the HTTP layer. */
  controller: BrokerController;
  /** Clean shutdown (unregister, flush, checkpoint); removes a temporary store. */
  close(): Promise<void>;
}

/** Maps a validated `BrokerConfig` onto the settings the broker uses. */
export function settingsFromConfig(config: BrokerConfig): BrokerSettings {
  const settings = defaultBrokerSettings();
  const source = config as unknown as Record<string, unknown>;
  const target = settings as unknown as Record<string, unknown>;
  for (const key of Object.keys(settings)) {
    const value = source[key];
    if (value !== undefined) target[key] = value;
  }
  return settings;
}

/** Starts a broker and resolves once it listens and registered with its name servers. */
export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  let settings = defaultBrokerSettings();
  if (options.file !== undefined || options.overrides !== undefined) {
    const loaded = loadBrokerConfig({
      ...(options.file === undefined ? {} : { file: options.file }),
      ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    });
    applyLogConfig(loaded.config);
    for (const warning of loaded.warnings) log.warn(warning);
    settings = settingsFromConfig(loaded.config);
  }
  settings = { ...settings, ...options.config };
  if (options.config?.listenPort !== undefined && options.config.haListenPort === undefined) {
    // As the properties loader derives it: listenPort + 1, or a free port when listenPort is 0.
    settings.haListenPort = options.config.listenPort === 0 ? 0 : options.config.listenPort + 1;
  }
  let tempDir: string | undefined;
  if (options.tempStore === true) {
    tempDir = await Deno.makeTempDir({ prefix: "rocketmq-deno-broker-" });
    settings.storePathRootDir = tempDir;
  }
  const clock = options.clock ?? systemClock;
  let store: BrokerMessageStore;
  let replicated: ReplicatedStore | undefined;
  try {
    if (options.store !== undefined) store = options.store;
    else {
      const adapter = await StoreAdapter.open(storeConfigFromSettings(settings), { clock });
      store = replicated = await ReplicatedStore.wrap(adapter, settings).catch(async (error) => {
        await adapter.close();
        throw error;
      });
    }
  } catch (error) {
    if (tempDir !== undefined) await Deno.remove(tempDir, { recursive: true }).catch(() => {});
    throw error;
  }
  const controller = new BrokerController({
    settings,
    store,
    clock,
    ...(replicated === undefined ? {} : {
      onRegistered: (fields: Record<string, string>) => learnMaster(replicated, fields),
    }),
  });
  let stopSync: (() => Promise<void>) | undefined;
  try {
    if (replicated !== undefined) await startReplication(replicated, settings);
    await controller.start();
    if (replicated !== undefined && settings.brokerRole === "SLAVE") {
      stopSync = startSlaveSync(controller, replicated);
    }
  } catch (error) {
    await controller.shutdown().catch(() => {});
    if (tempDir !== undefined) await Deno.remove(tempDir, { recursive: true }).catch(() => {});
    throw error;
  }
  log.info("Broker started", {
    brokerName: settings.brokerName,
    brokerId: settings.brokerId,
    role: settings.brokerRole,
    address: controller.address,
    store: settings.storePathRootDir,
  });
  return {
    port: controller.port,
    vipPort: controller.vipPort,
    address: controller.address,
    settings,
    controller,
    close: async () => {
      await stopSync?.();
      await controller.shutdown();
      if (tempDir !== undefined) await Deno.remove(tempDir, { recursive: true }).catch(() => {});
    },
  };
}
