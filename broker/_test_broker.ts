/**
 * Test helper: a `BrokerController` over the in-memory store double with a manual clock and a
 * fresh config folder, plus a channel that collects what the broker sends to the client.
 * For handler-level tests that need no sockets.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { ManualClock } from "../common/mod.ts";
import type { RemotingCommand } from "../remoting/mod.ts";
import { BrokerController } from "./broker_controller.ts";
import { type BrokerSettings, defaultBrokerSettings } from "./broker_settings.ts";
import type { ClientChannel } from "./client_channel.ts";
import { MemoryMessageStore } from "./memory_message_store.ts";

/** The pieces of a test broker; `sent` holds what went to `channel`. */
export interface TestBroker<S extends MemoryMessageStore> {
  clock: ManualClock;
  dir: string;
  settings: BrokerSettings;
  store: S;
  broker: BrokerController;
  channel: ClientChannel;
  sent: RemotingCommand[];
}

/** Builds a test broker; `makeStore` lets a test use a subclass of the memory store. */
export function testBroker<S extends MemoryMessageStore = MemoryMessageStore>(
  prefix: string,
  options: {
    overrides?: Partial<BrokerSettings>;
    makeStore?: (o: ConstructorParameters<typeof MemoryMessageStore>[0]) => S;
  } = {},
): TestBroker<S> {
  const clock = new ManualClock();
  const dir = Deno.makeTempDirSync({ prefix });
  const settings = { ...defaultBrokerSettings(), storePathRootDir: dir, ...options.overrides };
  const storeOptions = { clock, maxMessageSize: settings.maxMessageSize, maxTransferCount: 32 };
  const store = options.makeStore?.(storeOptions) ??
    (new MemoryMessageStore(storeOptions) as S);
  const broker = new BrokerController({ settings, store, clock });
  const sent: RemotingCommand[] = [];
  const channel: ClientChannel = {
    id: 1,
    remoteAddress: "127.0.0.1:5555",
    send: (command) => sent.push(command),
    invoke: () => Promise.reject(new Error("the test channel answers no requests")),
    closed: false,
  };
  return { clock, dir, settings, store, broker, channel, sent };
}
