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
  readonly broker: RunningProcess;
  /** `127.0.0.1:<namesrv port>`. */
  readonly namesrvAddr: string;
  /** `127.0.0.1:<broker port>`. */
  readonly brokerAddr: string;
  /** Client options with fast periodic tasks and a unique instance name. */
  options(instanceName: string): ClientOptions;
  /** Creates `topic` with `queues` queues through the admin client and waits for its route. */
  createTopic(topic: string, queues?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a name server and a broker (`brokerName` broker-a) on free ports. */
export async function startClientCluster(
  brokerProperties: Record<string, string> = {},
): Promise<ClientCluster> {
  const namesrv = await startNameServer();
  let broker: RunningProcess;
  try {
    broker = await startProcess({
      entry: "broker/main.ts",
      properties: {
        brokerName: "broker-a",
        brokerIP1: "127.0.0.1",
        bindAddress: "127.0.0.1",
        listenPort: "0",
        namesrvAddr: `127.0.0.1:${namesrv.port}`,
        storePathRootDir: "${tempDir}/store",
        ...brokerProperties,
      },
      readyPattern: BROKER_READY,
    });
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
    broker,
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
    async stop() {
      await broker.stop();
      await namesrv.stop();
    },
  };
}

const decoder = new TextDecoder();

/** A message body as text. */
export function text(body: Uint8Array): string {
  return decoder.decode(body);
}
