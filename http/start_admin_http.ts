/**
 * `startAdminHttp`: serves the admin app on `hostname:port` with `Deno.serve` and runs the
 * stats sampler; `close()` stops both. Port 0 picks a free port; the broker's start-up calls
 * this only when `httpPort` is not -1.
 *
 * Runs on: main thread
 * @module
 */
import type { BrokerController } from "../broker/mod.ts";
import { getLogger } from "../common/mod.ts";
import type { BrokerInfo } from "./admin_views.ts";
import { createAdminApp } from "./app.ts";
import { StatsSampler } from "./stats_sampler.ts";
import { type AdminAuth, assertSafeExposure } from "./admin_auth.ts";

const log = getLogger("http");

/** Options of `startAdminHttp`. */
export interface StartAdminHttpOptions {
  controller: BrokerController;
  /** 0 = a free port. */
  port: number;
  /** Default `127.0.0.1`. */
  hostname?: string;
  brokerInfo?: BrokerInfo;
  /** Stats sampling period (default 5000 ms). */
  sampleIntervalMs?: number;
  /** Credentials required; without them only a loopback `hostname` is allowed. */
  auth?: AdminAuth | undefined;
}

/** A running admin HTTP server. */
export interface AdminHttp {
  /** The port bound. */
  readonly port: number;
  /** The sampler behind charts and metrics. */
  readonly sampler: StatsSampler;
  /** Stops serving and sampling. */
  close(): Promise<void>;
}

/**
 * Starts the admin HTTP server; resolves once it listens. Throws `ConfigError` when bound
 * beyond loopback without `auth`.
 */
export async function startAdminHttp(options: StartAdminHttpOptions): Promise<AdminHttp> {
  const hostname = options.hostname ?? "127.0.0.1";
  assertSafeExposure(hostname, options.auth);
  const sampler = new StatsSampler(options.controller, {
    ...(options.sampleIntervalMs === undefined ? {} : { intervalMs: options.sampleIntervalMs }),
  });
  const app = createAdminApp({
    controller: options.controller,
    sampler,
    ...(options.brokerInfo === undefined ? {} : { brokerInfo: options.brokerInfo }),
    auth: options.auth,
  });
  const { promise: listening, resolve } = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname,
    port: options.port,
    onListen: (addr) => resolve(addr.port),
  }, app.fetch);
  const port = await listening;
  sampler.start();
  log.info("Admin HTTP listening", { hostname, port });
  return {
    port,
    sampler,
    close: async () => {
      sampler.close();
      await server.shutdown();
    },
  };
}
