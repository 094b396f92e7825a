/**
 * `createAdminApp`: the hono app of the admin API, `/metrics`, `/openapi.json` and the
 * dashboard. Each route validates with zod, calls one function of `admin_views.ts` /
 * `admin_actions.ts` / `metrics.ts`, and returns JSON.
 *
 * Runs on: main thread
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { zValidator } from "@hono/zod-validator";
import type { BrokerController } from "../broker/mod.ts";
import {
  deleteGroup,
  deleteTopic,
  messageById,
  messagesByKey,
  messagesByTime,
  upsertGroup,
  upsertTopic,
} from "./admin_actions.ts";
import {
  type BrokerInfo,
  brokerView,
  groupDetail,
  groupsView,
  topicQueues,
  topicsView,
} from "./admin_views.ts";
import { dashboardAsset } from "./dashboard_assets.ts";
import { handleError } from "./errors.ts";
import { renderMetrics } from "./metrics.ts";
import { OPENAPI_DOCUMENT } from "./openapi.ts";
import {
  deleteGroupQuery,
  groupBody,
  groupParam,
  messageQuery,
  topicBody,
  topicParam,
  validationHook,
} from "./schemas.ts";
import type { StatsSampler } from "./stats_sampler.ts";
import { type AdminAuth, adminAuth, authEnabled } from "./admin_auth.ts";

/** What the app needs. */
export interface AdminAppOptions {
  controller: BrokerController;
  sampler: StatsSampler;
  brokerInfo?: BrokerInfo;
  /** Credentials every route requires; absent = open. */
  auth?: AdminAuth | undefined;
}

function chartSeries(sampler: StatsSampler) {
  const points = sampler.points();
  return points.slice(1).map((p, i) => {
    const prev = points[i] ?? p;
    const seconds = Math.max(0.001, (p.t - prev.t) / 1000);
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    return {
      t: p.t,
      putTps: Math.max(0, sum(p.topicOffsets) - sum(prev.topicOffsets)) / seconds,
      consumeTps: Math.max(0, sum(p.groupOffsets) - sum(prev.groupOffsets)) / seconds,
      lag: sum(p.groupLag),
    };
  });
}

function apiRoutes(app: Hono, options: AdminAppOptions): void {
  const { controller } = options;
  const info = options.brokerInfo ?? {};
  app.get("/api/cluster", (c) => {
    const broker = brokerView(controller, info);
    return c.json({ clusterName: broker.clusterName, brokers: [broker] });
  });
  app.get("/api/brokers", (c) => c.json([brokerView(controller, info)]));
  app.get("/api/topics", async (c) => c.json(await topicsView(controller)));
  app.get("/api/topics/:topic", zValidator("param", topicParam, validationHook), async (c) => {
    const { topic } = c.req.valid("param");
    const queues = await topicQueues(controller, topic);
    if (queues === undefined) {
      throw new HTTPException(404, { message: `Topic "${topic}" does not exist` });
    }
    return c.json({
      config: controller.topics.get(topic),
      queues,
      consumerGroups: controller.offsets.groupsOfTopic(topic),
    });
  });
  app.put(
    "/api/topics/:topic",
    zValidator("param", topicParam, validationHook),
    zValidator("json", topicBody, validationHook),
    async (c) => {
      const { topic } = c.req.valid("param");
      await upsertTopic(controller, topic, c.req.valid("json"));
      return c.json({ ok: true, config: controller.topics.get(topic) });
    },
  );
  app.delete("/api/topics/:topic", zValidator("param", topicParam, validationHook), async (c) => {
    const { topic } = c.req.valid("param");
    if (controller.topics.get(topic) === undefined) {
      throw new HTTPException(404, { message: `Topic "${topic}" does not exist` });
    }
    await deleteTopic(controller, topic);
    return c.json({ ok: true });
  });
}

function groupRoutes(app: Hono, controller: BrokerController): void {
  app.get("/api/groups", async (c) => c.json(await groupsView(controller)));
  app.get("/api/groups/:group", zValidator("param", groupParam, validationHook), async (c) => {
    return c.json(await groupDetail(controller, c.req.valid("param").group));
  });
  app.put(
    "/api/groups/:group",
    zValidator("param", groupParam, validationHook),
    zValidator("json", groupBody, validationHook),
    async (c) => {
      const { group } = c.req.valid("param");
      await upsertGroup(controller, group, c.req.valid("json"));
      return c.json({ ok: true, config: controller.groups.get(group) });
    },
  );
  app.delete(
    "/api/groups/:group",
    zValidator("param", groupParam, validationHook),
    zValidator("query", deleteGroupQuery, validationHook),
    async (c) => {
      const { group } = c.req.valid("param");
      if (controller.groups.get(group) === undefined) {
        throw new HTTPException(404, { message: `Group "${group}" does not exist` });
      }
      await deleteGroup(controller, group, c.req.valid("query").cleanOffset === "true");
      return c.json({ ok: true });
    },
  );
}

function messageRoutes(app: Hono, options: AdminAppOptions): void {
  const { controller } = options;
  app.get("/api/messages", zValidator("query", messageQuery, validationHook), async (c) => {
    const q = c.req.valid("query");
    const window = { maxNum: q.max, begin: q.begin, end: q.end };
    if (q.id !== undefined) {
      const found = await messageById(controller, q.id, q.topic);
      if (found === undefined) {
        throw new HTTPException(404, { message: `Message "${q.id}" not found` });
      }
      return c.json([found]);
    }
    const topic = q.topic ?? "";
    if (q.key !== undefined) return c.json(await messagesByKey(controller, topic, q.key, window));
    return c.json(await messagesByTime(controller, topic, window));
  });
  app.get("/api/stats", (c) => c.json({ intervalPoints: chartSeries(options.sampler) }));
}

/** Builds the app (no port is opened; `app.request()` works in memory). */
export function createAdminApp(options: AdminAppOptions): Hono {
  const app = new Hono();
  app.onError(handleError);
  if (authEnabled(options.auth)) app.use("*", adminAuth(options.auth));
  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}` }, 404));
  apiRoutes(app, options);
  groupRoutes(app, options.controller);
  messageRoutes(app, options);
  app.get("/openapi.json", (c) => c.json(OPENAPI_DOCUMENT));
  app.get(
    "/metrics",
    async (c) =>
      c.body(await renderMetrics(options.controller, options.sampler), 200, {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
      }),
  );
  app.get("/", (c) => c.redirect("/dashboard/"));
  app.get("/dashboard/:file{.*}", async (c) => {
    const asset = await dashboardAsset(c.req.param("file") || "index.html");
    if (asset === undefined) return c.json({ error: "No such file" }, 404);
    return c.body(asset.body, 200, { "content-type": asset.contentType });
  });
  return app;
}
