/**
 * Goal: the dashboard shows a running broker's data in a real browser. Method: name server,
 * broker and admin HTTP in this process on free ports; messages sent and a group's offsets
 * committed behind, stats sampled between sends so the charts have points; then Debian's
 * headless Chromium loads the page (`--dump-dom` after a virtual-time budget) and the DOM is
 * checked: overview, topics table, group lag, lag per queue of the group named in the address
 * hash, a message search by key with one message opened, both chart lines. A screenshot of
 * that page is taken too (to `docs/dashboard.png` when UPDATE_SCREENSHOT=1, else to a temp
 * folder).
 * Without Chromium (`apt-get install -y chromium`) the test is ignored and says so.
 */
import assert from "node:assert/strict";
import { startBroker } from "../../broker/mod.ts";
import { Producer } from "../../client/mod.ts";
import { startAdminHttp } from "../../http/mod.ts";
import { startNameServer } from "../../namesrv/mod.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false; // not installed at this path
  }
});

async function chromium(args: string[], profile: string): Promise<string> {
  const out = await new Deno.Command(CHROMIUM ?? "chromium", {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--virtual-time-budget=6000",
      "--window-size=1280,2100",
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

async function fillBroker(namesrvAddr: string, sample: () => Promise<unknown>): Promise<void> {
  const producer = new Producer({
    namesrvAddr,
    groupName: "DashProducer",
    instanceName: "dashboard-test",
  });
  await producer.start();
  try {
    await sample();
    for (let round = 1; round <= 4; round++) {
      for (let i = 0; i < round * 3; i++) {
        await producer.send({
          topic: "DashTopic",
          body: `dash-${round}-${i}`,
          keys: `order-${i}`,
          tags: "A",
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
      await sample();
    }
  } finally {
    await producer.shutdown();
  }
}

Deno.test({
  name: CHROMIUM === undefined
    ? "dashboard in headless Chromium (NOT RUN: chromium is not installed; apt-get install -y chromium)"
    : "dashboard in headless Chromium shows tables and charts of a running broker",
  ignore: CHROMIUM === undefined,
  fn: async () => {
    const namesrv = await startNameServer({
      overrides: { listenPort: "0", bindAddress: "127.0.0.1" },
    });
    const namesrvAddr = `127.0.0.1:${namesrv.port}`;
    const broker = await startBroker({
      config: {
        listenPort: 0,
        bindAddress: "127.0.0.1",
        brokerIP1: "127.0.0.1",
        brokerName: "broker-a",
        namesrvAddr,
      },
      tempStore: true,
    });
    const http = await startAdminHttp({
      controller: broker.controller,
      port: 0,
      sampleIntervalMs: 60_000,
    });
    const profile = await Deno.makeTempDir({ prefix: "dashboard-chromium-" });
    try {
      broker.controller.topics.upsert({
        topicName: "DashTopic",
        readQueueNums: 2,
        writeQueueNums: 2,
        perm: 6,
        topicFilterType: "SINGLE_TAG",
        topicSysFlag: 0,
        order: false,
      });
      const c = broker.controller;
      await fillBroker(namesrvAddr, async () => {
        const max0 = await c.store.getMaxOffset("DashTopic", 0);
        c.offsets.commitOffset("DashGroup", "DashTopic", 0, Math.floor(max0 / 2));
        c.offsets.commitOffset("DashGroup", "DashTopic", 1, 0);
        await http.sampler.sample();
      });
      const url = `http://127.0.0.1:${http.port}/dashboard/` +
        "#group=DashGroup&topic=DashTopic&key=order-1&view=0";
      const dom = await chromium(["--dump-dom", url], profile);
      assert.match(dom, /data-loaded="true"/, "the page finished loading its data");
      assert.match(dom, /<td>DashTopic<\/td>/, "topics table lists the topic");
      assert.match(
        dom,
        /<td>DashGroup<\/td>.*?<td class="num lag-high">\d+<\/td>/s,
        "group table shows lag",
      );
      assert.match(dom, /<b>broker-a \(id 0\)<\/b>/, "overview shows the broker");
      assert.match(dom, /<polyline class="put" data-points="[3-9]"/, "TPS chart has a put line");
      assert.match(dom, /<polyline class="lag" data-points="[3-9]"/, "lag chart has a line");
      assert.match(dom, /id="group-title"[^>]*>DashGroup: 0 consumer\(s\), lag [1-9]\d*</);
      const queues = dom.slice(
        dom.indexOf('id="group-queues"'),
        dom.indexOf('id="messages-table"'),
      );
      const queueRows = [...queues.matchAll(/<tr data-i="\d+"><td>DashTopic<\/td>/g)];
      assert.equal(queueRows.length, 2, "lag per queue lists both queues");
      assert.match(dom, /data-searched="true"/, "the search from the address ran");
      const found = [...dom.matchAll(/<td>DashTopic<\/td><td>A<\/td><td>order-1<\/td>/g)];
      assert.equal(found.length, 4, "message search by key finds the four order-1 messages");
      assert.match(
        dom,
        /id="message-view"[^>]*>[^<]*"keys"[^<]*\n\ndash-\d-1</,
        "a message is open",
      );
      const shot = Deno.env.get("UPDATE_SCREENSHOT") === "1"
        ? new URL("../../docs/dashboard.png", import.meta.url).pathname
        : `${profile}/dashboard.png`;
      await chromium([`--screenshot=${shot}`, url], profile);
      assert.ok((await Deno.stat(shot)).size > 10_000, "the screenshot was written");
    } finally {
      await http.close();
      await broker.close();
      await namesrv.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});
