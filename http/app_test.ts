/**
 * Goal: every admin route validates, calls the broker and answers JSON as documented.
 * Method: a real broker controller started in this process (temporary store, no name
 * server), the hono app driven in memory with `app.request()`.
 */
import assert from "node:assert/strict";
import { startBroker } from "../broker/mod.ts";
import { createAdminApp } from "./app.ts";
import { StatsSampler } from "./stats_sampler.ts";

async function withApp(
  fn: (
    app: ReturnType<typeof createAdminApp>,
    broker: Awaited<ReturnType<typeof startBroker>>,
    sampler: StatsSampler,
  ) => Promise<void>,
) {
  const broker = await startBroker({
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerName: "broker-h",
    },
    tempStore: true,
  });
  const sampler = new StatsSampler(broker.controller);
  try {
    await fn(createAdminApp({ controller: broker.controller, sampler }), broker, sampler);
  } finally {
    sampler.close();
    await broker.close();
  }
}

const put = (body: unknown) => ({
  method: "PUT",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

Deno.test("createAdminApp() serves the cluster and broker overview", async () => {
  await withApp(async (app) => {
    const res = await app.request("/api/cluster");
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.clusterName, "DefaultCluster");
    assert.equal(body.brokers[0].brokerName, "broker-h");
    assert.equal((await (await app.request("/api/brokers")).json()).length, 1);
  });
});

Deno.test("createAdminApp() creates, reads and deletes a topic", async () => {
  await withApp(async (app, broker) => {
    const created = await app.request(
      "/api/topics/HttpTopic",
      put({ readQueueNums: 3, writeQueueNums: 3 }),
    );
    assert.equal(created.status, 200);
    assert.equal(broker.controller.topics.get("HttpTopic")?.writeQueueNums, 3);
    const list = await (await app.request("/api/topics")).json();
    assert.ok(list.some((t: { topicName: string }) => t.topicName === "HttpTopic"));
    const one = await (await app.request("/api/topics/HttpTopic")).json();
    assert.equal(one.queues.length, 3);
    assert.equal((await app.request("/api/topics/HttpTopic", { method: "DELETE" })).status, 200);
    assert.equal((await app.request("/api/topics/HttpTopic")).status, 404);
  });
});

Deno.test("createAdminApp() answers 400 with the field and reason on a bad body or name", async () => {
  await withApp(async (app) => {
    const bad = await app.request("/api/topics/T1", put({ readQueueNums: 0 }));
    assert.equal(bad.status, 400);
    const body = await bad.json();
    assert.equal(body.issues[0].field, "readQueueNums");
    assert.match(body.issues[0].reason, />=\s*1|too small/i);
    const badName = await app.request("/api/topics/a%20b", put({}));
    assert.equal(badName.status, 400);
    assert.equal((await badName.json()).issues[0].field, "topic");
    const extra = await app.request("/api/groups/G1", put({ nope: 1 }));
    assert.equal(extra.status, 400);
    const noQuery = await app.request("/api/messages");
    assert.equal(noQuery.status, 400);
    assert.equal((await noQuery.json()).issues[0].field, "topic");
  });
});

Deno.test("createAdminApp() maps a broker refusal to its HTTP status with the remark", async () => {
  await withApp(async (app) => {
    const res = await app.request("/api/topics/SELF_TEST_TOPIC", { method: "DELETE" });
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /conflict with system topic/);
  });
});

Deno.test("createAdminApp() reports group lag per queue and in /metrics", async () => {
  await withApp(async (app, broker, sampler) => {
    await app.request("/api/topics/LagTopic", put({ readQueueNums: 2, writeQueueNums: 2 }));
    assert.equal(
      (await app.request("/api/groups/LagGroup", put({ retryMaxTimes: 3 }))).status,
      200,
    );
    assert.equal(broker.controller.groups.get("LagGroup")?.retryMaxTimes, 3);
    broker.controller.offsets.commitOffset("LagGroup", "LagTopic", 0, 0);
    const detail = await (await app.request("/api/groups/LagGroup")).json();
    assert.deepEqual(detail.queues.map((q: { queueId: number }) => q.queueId), [0, 1]);
    assert.equal(detail.lag, 0);
    const groups = await (await app.request("/api/groups")).json();
    assert.ok(groups.some((g: { groupName: string }) => g.groupName === "LagGroup"));
    await sampler.sample();
    const metrics = await (await app.request("/metrics")).text();
    assert.match(metrics, /# TYPE rocketmq_group_diff gauge/);
    assert.match(metrics, /rocketmq_group_diff\{[^}]*group="LagGroup",topic="LagTopic"[^}]*\} 0/);
    assert.match(
      metrics,
      /rocketmq_producer_tps\{cluster="DefaultCluster",broker="broker-h",topic="LagTopic"\} 0/,
    );
    assert.match(metrics, /process_resident_memory_bytes \d+/);
    assert.equal(
      (await app.request("/api/groups/LagGroup?cleanOffset=true", { method: "DELETE" })).status,
      200,
    );
    assert.equal(broker.controller.groups.get("LagGroup"), undefined);
  });
});

Deno.test("createAdminApp() serves the OpenAPI description and the dashboard", async () => {
  await withApp(async (app) => {
    const doc = await (await app.request("/openapi.json")).json();
    assert.equal(doc.openapi, "3.1.0");
    assert.ok("/api/messages" in doc.paths);
    assert.equal(
      doc.paths["/api/topics/{topic}"].put.requestBody.content["application/json"].schema.type,
      "object",
    );
    const page = await app.request("/dashboard/");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /id="topics-table"/);
    assert.equal((await app.request("/dashboard/../../etc/passwd")).status, 404);
    assert.equal((await app.request("/")).status, 302);
    assert.equal((await app.request("/api/nothing")).status, 404);
  });
});
