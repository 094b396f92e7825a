/**
 * The broker's HTTP side: JSON admin API (hono + zod), OpenAPI description at
 * `/openapi.json`, Prometheus `/metrics`, and the dashboard at `/dashboard/`.
 *
 * ```ts ignore
 * import { startAdminHttp } from "./mod.ts";
 * const http = await startAdminHttp({ controller: broker.controller, port: 0 });
 * // ... http://127.0.0.1:${http.port}/dashboard/
 * await http.close();
 * ```
 *
 * @module
 */
export { startAdminHttp } from "./start_admin_http.ts";
export type { AdminHttp, StartAdminHttpOptions } from "./start_admin_http.ts";
export { createAdminApp } from "./app.ts";
export { adminAuth, assertSafeExposure, isAuthorized } from "./admin_auth.ts";
export type { AdminAuth } from "./admin_auth.ts";
export type { AdminAppOptions } from "./app.ts";
export { StatsSampler } from "./stats_sampler.ts";
export type { StatsPoint, StatsSamplerOptions } from "./stats_sampler.ts";
export type { BrokerInfo } from "./admin_views.ts";
export { renderMetrics } from "./metrics.ts";
export { RESPONSE_CODE_STATUS, statusForResponseCode } from "./errors.ts";
