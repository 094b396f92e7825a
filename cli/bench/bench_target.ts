/**
 * Prepares the cluster for a run through `AdminClient`: checks that the name
 * server answers (a clear error when nothing listens), creates the topic on
 * every master when asked, waits for its route, and asks each master for its
 * flush mode (GET_BROKER_CONFIG `flushDiskType`).
 *
 * Runs on: main thread
 * @module
 */
import { AdminClient } from "../../client/mod.ts";
import { BrokerError } from "../../common/mod.ts";
import type { BenchOptions } from "./bench_args.ts";

/** One writable queue of the topic with its master's address. */
export interface TargetQueue {
  brokerName: string;
  queueId: number;
  addr: string;
}

/** What a run needs to know about the cluster. */
export interface BenchTarget {
  /** Master addresses serving the topic. */
  brokerAddrs: string[];
  /** Writable queues, sorted by broker name then queue id. */
  queues: TargetQueue[];
  flushMode: string;
  flushModeSource: "broker" | "flag" | "unknown";
  /** Problems that did not stop the run (a topic the broker refused to create, ...). */
  warnings: string[];
}

type Route = Awaited<ReturnType<AdminClient["topicRoute"]>>;

function routeQueues(route: Route): TargetQueue[] {
  const masters = new Map<string, string>();
  for (const data of route.brokerDatas) {
    const addr = data.brokerAddrs.get(0);
    if (addr !== undefined) masters.set(data.brokerName, addr);
  }
  const queues: TargetQueue[] = [];
  for (const data of [...route.queueDatas].sort((a, b) => a.brokerName < b.brokerName ? -1 : 1)) {
    const addr = masters.get(data.brokerName);
    if (addr === undefined || (data.perm & 2) === 0) continue;
    for (let queueId = 0; queueId < data.writeQueueNums; queueId++) {
      queues.push({ brokerName: data.brokerName, queueId, addr });
    }
  }
  return queues;
}

async function allMasters(admin: AdminClient): Promise<string[]> {
  const info = await admin.clusterInfo();
  const addrs: string[] = [];
  for (const data of info.brokerAddrTable.values()) {
    const addr = data.brokerAddrs.get(0);
    if (addr !== undefined) addrs.push(addr);
  }
  return addrs;
}

async function waitForRoute(
  admin: AdminClient,
  options: BenchOptions,
  wanted: number,
): Promise<TargetQueue[]> {
  const deadline = performance.now() + Math.max(options.timeoutMs, 10_000);
  let lastError: unknown;
  for (let round = 0; round < 1000 && performance.now() < deadline; round++) {
    try {
      const queues = routeQueues(await admin.topicRoute(options.topic));
      if (queues.length > 0 && queues.length >= wanted) return queues;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new BrokerError(`No route for topic "${options.topic}" after waiting`, {
    code: "NO_ROUTE",
    cause: lastError,
  });
}

async function flushModeOf(
  admin: AdminClient,
  addrs: string[],
  note: string | undefined,
): Promise<Pick<BenchTarget, "flushMode" | "flushModeSource">> {
  const modes = new Set<string>();
  for (const addr of addrs) {
    try {
      const mode = (await admin.brokerConfig(addr))["flushDiskType"];
      if (mode !== undefined && mode !== "") modes.add(mode);
    } catch {
      // Not every broker answers GET_BROKER_CONFIG; fall back to the flag below.
    }
  }
  if (modes.size > 0) return { flushMode: [...modes].join("+"), flushModeSource: "broker" };
  if (note !== undefined) return { flushMode: note, flushModeSource: "flag" };
  return { flushMode: "unknown", flushModeSource: "unknown" };
}

/**
 * Prepares the topic of `options` and describes the cluster. Throws
 * `BrokerError` (code `NAMESRV_UNREACHABLE`) when the name server does not
 * answer within `options.timeoutMs`.
 */
export async function prepareTarget(options: BenchOptions): Promise<BenchTarget> {
  const admin = new AdminClient({
    namesrvAddr: options.namesrvAddr,
    instanceName: `mqbench-admin-${Deno.pid}`,
    requestTimeoutMs: options.timeoutMs,
  });
  await admin.start();
  try {
    let masters: string[];
    try {
      masters = await allMasters(admin);
    } catch (error) {
      throw new BrokerError(
        `Cannot reach name server ${options.namesrvAddr}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { code: "NAMESRV_UNREACHABLE", cause: error },
      );
    }
    if (masters.length === 0) {
      throw new BrokerError(`No broker is registered with ${options.namesrvAddr}`, {
        code: "NO_BROKER",
      });
    }
    const warnings: string[] = [];
    let wanted = 0;
    if (options.queues > 0) {
      const settings = { readQueueNums: options.queues, writeQueueNums: options.queues };
      for (const addr of masters) {
        try {
          await admin.createTopic(options.topic, { brokerAddr: addr }, settings);
          wanted += options.queues;
        } catch (error) {
          // A Java broker refuses to update its system topics (BenchmarkTest, ...): use the route as is.
          warnings.push(error instanceof Error ? error.message : String(error));
        }
      }
    }
    const queues = await waitForRoute(admin, options, wanted);
    const brokerAddrs = [...new Set(queues.map((q) => q.addr))];
    return {
      brokerAddrs,
      queues,
      warnings,
      ...await flushModeOf(admin, brokerAddrs, options.flushModeNote),
    };
  } finally {
    await admin.shutdown();
  }
}
