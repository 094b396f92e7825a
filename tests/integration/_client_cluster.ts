/**
 * A name server and one broker as real child processes for the client
 * integration tests, plus small helpers (decode bodies, wait for counts).
 *
 * Runs on: main thread
 * @module
 */
import { AdminClient } from "../../client/mod.ts";
import type { ClientOptions } from "../../client/mod.ts";
import { type RunningProcess, startNameServer, startProcess } from "../harness.ts";

/** Ready line of `broker/main.ts`; group 1 is the port. */
export const BROKER_READY = /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/;

/** A running name server and broker. */
export interface ClientCluster {
  readonly namesrv: RunningProcess;
  /** The broker process (a new one after `restartBroker()`). */
  readonly broker: RunningProcess;
  /** `127.0.0.1:<namesrv port>`. */
  readonly namesrvAddr: string;
  /** `127.0.0.1:<broker port>`. */
  readonly brokerAddr: string;
  /** Client options with fast periodic tasks and a unique instance name. */
  options(instanceName: string): ClientOptions;
  /** Creates `topic` with `queues` queues through the admin client and waits for its route. */
  createTopic(topic: string, queues?: number): Promise<void>;
  /**
   * Stops the broker (SIGTERM) and starts it again with the same properties; needs an explicit
   * `storePathRootDir` and `listenPort` (the store and the address must survive).
   */
  restartBroker(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a name server and a broker (`brokerName` broker-a) on free ports. */
export async function startClientCluster(
  brokerProperties: Record<string, string> = {},
): Promise<ClientCluster> {
  const namesrv = await startNameServer();
  const properties = {
    brokerName: "broker-a",
    brokerIP1: "127.0.0.1",
    bindAddress: "127.0.0.1",
    listenPort: "0",
    namesrvAddr: `127.0.0.1:${namesrv.port}`,
    storePathRootDir: "${tempDir}/store",
    ...brokerProperties,
  };
  const startBroker = () =>
    startProcess({ entry: "broker/main.ts", properties, readyPattern: BROKER_READY });
  let broker: RunningProcess;
  try {
    broker = await startBroker();
  } catch (error) {
    await namesrv.stop();
    throw error;
  }
  const namesrvAddr = `127.0.0.1:${namesrv.port}`;
  const options = (instanceName: string): ClientOptions => ({
    namesrvAddr,
    instanceName,
    pollNameServerIntervalMs: 1000,
    rebalanceIntervalMs: 1000,
    heartbeatBrokerIntervalMs: 2000,
    persistConsumerOffsetIntervalMs: 500,
  });
  return {
    namesrv,
    get broker() {
      return broker;
    },
    namesrvAddr,
    brokerAddr: `127.0.0.1:${broker.port}`,
    options,
    async createTopic(topic, queues = 4) {
      const admin = new AdminClient(options(`admin-${topic}`));
      await admin.start();
      try {
        await admin.createTopic(topic, { brokerAddr: `127.0.0.1:${broker.port}` }, {
          readQueueNums: queues,
          writeQueueNums: queues,
        });
        // The broker re-registers with the name server after a topic change; wait for the route.
        for (let i = 0; i < 100; i++) {
          try {
            const route = await admin.topicRoute(topic);
            if (route.queueDatas.some((q) => q.writeQueueNums === queues)) return;
          } catch {
            // Not registered yet.
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`Route of "${topic}" did not appear`);
      } finally {
        await admin.shutdown();
      }
    },
    async restartBroker() {
      if (properties.listenPort === "0" || properties.storePathRootDir.includes("${tempDir}")) {
        throw new Error("restartBroker() needs storePathRootDir and listenPort");
      }
      await broker.stop();
      broker = await startBroker();
    },
    async stop() {
      await broker.stop();
      await namesrv.stop();
    },
  };
}

function portFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/** A port whose VIP (port - 2) and HA (port + 1) neighbours are free too. */
export function freeBrokerPort(): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    if (port > 1026 && port < 65_000 && portFree(port - 2) && portFree(port + 1)) return port;
  }
  throw new Error("no free port triple");
}

const decoder = new TextDecoder();

/** A message body as text. */
export function text(body: Uint8Array): string {
  return decoder.decode(body);
}
