/**
 * Goal: the admin API refuses requests without the configured token or basic credentials
 * and refuses to start exposed beyond loopback without any. Method: a tiny hono app with the
 * middleware, and the real `createAdminApp` over an in-process broker, driven with
 * `app.request()`.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { startBroker } from "../broker/mod.ts";
import { ConfigError } from "../common/mod.ts";
import { adminAuth, assertSafeExposure, isAuthorized } from "./admin_auth.ts";
import { createAdminApp } from "./app.ts";
import { startAdminHttp } from "./start_admin_http.ts";
import { StatsSampler } from "./stats_sampler.ts";

const basic = (text: string) => `Basic ${btoa(text)}`;

Deno.test("isAuthorized() accepts the token or the basic pair and nothing else", () => {
  const auth = { token: "t0k", basic: "admin:pw" };
  assert.ok(isAuthorized("Bearer t0k", auth));
  assert.ok(isAuthorized(basic("admin:pw"), auth));
  assert.ok(!isAuthorized("Bearer t0K", auth));
  assert.ok(!isAuthorized(basic("admin:px"), auth));
  assert.ok(!isAuthorized("Basic %%%", auth));
  assert.ok(!isAuthorized(undefined, auth));
  assert.ok(!isAuthorized("Bearer ", { basic: "a:b" }));
});

Deno.test("assertSafeExposure() throws ConfigError when exposed without credentials", () => {
  assertSafeExposure("127.0.0.1", undefined);
  assertSafeExposure("0.0.0.0", { token: "x" });
  assertSafeExposure("10.0.0.5", { basic: "a:b" });
  assert.throws(() => assertSafeExposure("0.0.0.0", undefined), ConfigError);
  assert.throws(() => assertSafeExposure("10.0.0.5", { token: "" }), ConfigError);
});

Deno.test("adminAuth() answers 401 with a basic challenge and lets valid requests through", async () => {
  const app = new Hono();
  app.use("*", adminAuth({ basic: "admin:pw" }));
  app.get("/x", (c) => c.text("ok"));
  const refused = await app.request("/x");
  assert.equal(refused.status, 401);
  assert.match(refused.headers.get("www-authenticate") ?? "", /^Basic/);
  await refused.body?.cancel();
  const ok = await app.request("/x", { headers: { authorization: basic("admin:pw") } });
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), "ok");
});

Deno.test("createAdminApp() with auth protects the API, metrics and dashboard", async () => {
  const broker = await startBroker({
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerName: "b-auth",
    },
    tempStore: true,
  });
  const sampler = new StatsSampler(broker.controller);
  try {
    const app = createAdminApp({
      controller: broker.controller,
      sampler,
      auth: { token: "s3cret" },
    });
    for (const path of ["/api/topics", "/metrics", "/dashboard/", "/openapi.json"]) {
      const response = await app.request(path);
      assert.equal(response.status, 401, path);
      await response.body?.cancel();
    }
    const ok = await app.request("/api/topics", { headers: { authorization: "Bearer s3cret" } });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    await assert.rejects(
      () => startAdminHttp({ controller: broker.controller, port: 0, hostname: "0.0.0.0" }),
      ConfigError,
    );
  } finally {
    sampler.close();
    await broker.close();
  }
});
