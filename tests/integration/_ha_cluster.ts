/**
 * Helpers for the replication tests: start a master or slave broker process
 * (two shards, small segments, fast HA heartbeats), send and pull over the
 * raw wire, read GET_BROKER_RUNTIME_INFO, fixed ports for a master that
 * restarts, client options with fast periodic tasks, a consumed-body counter.
 *
 * Runs on: main thread
 * @module
 */
import { type RemotingCommand, RequestCode } from "../../remoting/mod.ts";
import type { ClientOptions, MessageView } from "../../client/mod.ts";
import { concatBytes } from "../../common/mod.ts";
import {
  freePort,
  javaRequest,
  type RunningProcess,
  startProcess,
  WireClient,
} from "../harness.ts";

/** Ready line of `broker/main.ts`; group 1 is the port. */
export const BROKER_READY = /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Starts a broker process of `role` on `storeDir`. */
export function startHaBroker(options: {
  /** The name server's port (or give `namesrvAddr`). */
  namesrvPort?: number;
  /** Name server list `ip:port;ip:port` (default `127.0.0.1:<namesrvPort>`). */
  namesrvAddr?: string;
  storeDir: string;
  role: "ASYNC_MASTER" | "SYNC_MASTER" | "SLAVE";
  brokerName?: string;
  extra?: Record<string, string>;
  /** Extra `deno run` flags (e.g. `--cpu-prof`). */
  denoFlags?: string[] | undefined;
}): Promise<RunningProcess> {
  return startProcess({
    entry: "broker/main.ts",
    properties: {
      brokerName: options.brokerName ?? "broker-ha",
      brokerId: options.role === "SLAVE" ? "1" : "0",
      brokerRole: options.role,
      brokerIP1: "127.0.0.1",
      brokerIP2: "127.0.0.1",
      bindAddress: "127.0.0.1",
      listenPort: "0",
      haListenPort: "0",
      namesrvAddr: options.namesrvAddr ?? `127.0.0.1:${options.namesrvPort}`,
      storePathRootDir: options.storeDir,
      shardCount: "2",
      maxMessageSize: "4096",
      mappedFileSizeCommitLog: "65536",
      haSendHeartbeatInterval: "500",
      syncFlushTimeout: "2000",
      ...options.extra,
    },
    readyPattern: BROKER_READY,
    denoFlags: options.denoFlags,
  });
}

/** A SEND_MESSAGE_V2 request. */
export function sendRequest(topic: string, queueId: number, body: string): RemotingCommand {
  return javaRequest(RequestCode.SEND_MESSAGE_V2, {
    a: "pg",
    b: topic,
    c: "TBW102",
    d: "4",
    e: String(queueId),
    f: "0",
    g: String(Date.now()),
    h: "0",
    i: `KEYS\u0001${body}\u0002WAIT\u0001true\u0002TAGS\u0001TagA`,
    j: "0",
    k: "false",
    m: "false",
  }, { body: encoder.encode(body) });
}

/** A PULL_MESSAGE request (subscription in the request, no suspend, no commit). */
export function pullRequest(topic: string, queueId: number, offset: number): RemotingCommand {
  return javaRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: "ha_cg",
    topic,
    queueId: String(queueId),
    queueOffset: String(offset),
    maxMsgNums: "32",
    sysFlag: "4",
    commitOffset: "0",
    suspendTimeoutMillis: "1000",
    subscription: "*",
    subVersion: "0",
    expressionType: "TAG",
  });
}

/** Every stored record of `queues` queues of `topic`, pulled from the broker on `port`. */
export async function pullAll(port: number, topic: string, queues: number): Promise<Uint8Array[]> {
  const client = await WireClient.connect(port);
  const out: Uint8Array[] = [];
  try {
    for (let q = 0; q < queues; q++) {
      let offset = 0;
      for (let round = 0; round < 1000; round++) {
        const response = await client.request(pullRequest(topic, q, offset));
        if (response.code !== 0 || response.body === undefined) break;
        out.push(response.body);
        offset = Number(response.extFields?.nextBeginOffset ?? offset);
      }
    }
  } finally {
    await client.close();
  }
  return out;
}

/** Total bytes of `parts`, joined. */
export function joined(parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/** GET_BROKER_RUNTIME_INFO's table. */
export async function runtimeInfo(port: number): Promise<Record<string, string>> {
  const client = await WireClient.connect(port);
  try {
    const response = await client.request(javaRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}));
    return (JSON.parse(decoder.decode(response.body)) as { table: Record<string, string> }).table;
  } finally {
    await client.close();
  }
}

/** Whether `port` on 127.0.0.1 can be bound right now. */
function portFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Fixed ports for a master that must come back on the same address: the
 * main port (its VIP port is main − 2, so that must be free too) and the HA
 * port. Bounded attempts.
 */
export function fixedMasterPorts(): { listenPort: string; haListenPort: string } {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = freePort();
    if (port < 1100 || !portFree(port - 2)) continue;
    const ha = freePort();
    if (ha === port || ha === port - 2) continue;
    return { listenPort: String(port), haListenPort: String(ha) };
  }
  throw new Error("No free port pair for a fixed-port master");
}

/** Client options with fast periodic tasks for the replication tests. */
export function haClientOptions(namesrvAddr: string, instanceName: string): ClientOptions {
  return {
    namesrvAddr,
    instanceName,
    requestTimeoutMs: 2000,
    pollNameServerIntervalMs: 500,
    rebalanceIntervalMs: 1000,
    heartbeatBrokerIntervalMs: 1000,
    persistConsumerOffsetIntervalMs: 300,
  };
}

/** Counts consumed message bodies per text. */
export function bodyCounter(): {
  seen: Map<string, number>;
  listener: (messages: MessageView[]) => void;
  duplicates: () => string[];
} {
  const seen = new Map<string, number>();
  return {
    seen,
    listener: (messages) => {
      for (const m of messages) {
        const body = decoder.decode(m.body);
        seen.set(body, (seen.get(body) ?? 0) + 1);
      }
    },
    duplicates: () => [...seen].filter(([, n]) => n > 1).map(([body]) => body),
  };
}

/** Pull answer code of queue 0 of `topic` on the broker at `port` (17 = unknown topic). */
export async function pullCode(port: number, topic: string): Promise<number> {
  const client = await WireClient.connect(port);
  try {
    return (await client.request(pullRequest(topic, 0, 0))).code;
  } finally {
    await client.close();
  }
}
