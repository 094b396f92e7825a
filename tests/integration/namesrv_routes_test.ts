/**
 * Integration: a real name-server process on a free port, driven over TCP
 * with frames exactly as Java brokers and clients send them. Goal: the route
 * behaviour real clients see. Method: replay the Java 4.9.4 master and slave
 * REGISTER_BROKER frames from the fixtures (when present) or build the same
 * frames, then query routes as a Java 4.9.4 client (version 401: standard
 * JSON) and as ali-ons (version 121: bare integer keys), the cluster info,
 * topic lists, KV config, delete topic, write permission, unknown codes, and
 * check that closing a broker's connection drops it.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import {
  javaRequest,
  registerBrokerRequest,
  type RunningProcess,
  startNameServer,
  waitFor,
  WireClient,
} from "../harness.ts";
import { decodeFrame, type RemotingCommand } from "../../remoting/mod.ts";

const FIXTURES = new URL("../../../shared/fixtures/java-4.9.4/", import.meta.url);
const decoder = new TextDecoder();

function fixtureFrame(file: string, predicate: (f: Record<string, unknown>) => boolean) {
  try {
    const text = Deno.readTextFileSync(new URL(`${file}.jsonl`, FIXTURES));
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      const frame = JSON.parse(line) as Record<string, unknown>;
      if (predicate(frame)) {
        return Uint8Array.from(atob(String(frame.raw)), (c) => c.charCodeAt(0));
      }
    }
  } catch {
    // Fixtures missing: the caller builds the frame instead.
  }
  return undefined;
}

/** Java's REGISTER_BROKER frame (master from 01, slave from 02), or an equivalent one. */
function javaRegisterFrame(brokerId: number): RemotingCommand {
  const raw = fixtureFrame(
    brokerId === 0 ? "01-broker-registration" : "02-master-slave",
    (f) =>
      f.codeName === "REGISTER_BROKER" && f.direction === "client->server" &&
      (f.extFields as Record<string, string>).brokerId === String(brokerId),
  );
  if (raw !== undefined) return decodeFrame(raw);
  return registerBrokerRequest(
    brokerId === 0 ? {} : {
      brokerId: 1,
      brokerAddr: "127.0.0.1:10921",
      haServerAddr: "127.0.0.1:10922",
    },
  );
}

const body = (cmd: RemotingCommand) => decoder.decode(cmd.body ?? new Uint8Array());

function route(client: WireClient, topic: string, version = 401) {
  return client.request(javaRequest(105, { topic }, { version }));
}

async function withNameServer(fn: (ns: RunningProcess) => Promise<void>): Promise<void> {
  const ns = await startNameServer();
  try {
    await fn(ns);
  } finally {
    const status = await ns.stop();
    assert.equal(status.code, 0, `name server exit code; stderr:\n${ns.stderrText()}`);
  }
}

Deno.test("mqnamesrv answers registration and route requests as a Java name server does", async (t) => {
  await withNameServer(async (ns) => {
    const master = await WireClient.connect(ns.port);
    const slave = await WireClient.connect(ns.port);
    const client = await WireClient.connect(ns.port);
    try {
      await t.step("REGISTER_BROKER from a master answers extFields {}", async () => {
        const response = await master.request(javaRegisterFrame(0));
        assert.equal(response.code, 0);
        assert.deepEqual(response.extFields, {});
      });
      await t.step("REGISTER_BROKER from a slave answers the master's addresses", async () => {
        const response = await slave.request(javaRegisterFrame(1));
        assert.deepEqual(response.extFields, {
          haServerAddr: "127.0.0.1:10912",
          masterAddr: "127.0.0.1:10911",
        });
      });
      await t.step("GET_ROUTEINFO_BY_TOPIC to version 401 is standard JSON", async () => {
        const response = await route(client, "TBW102");
        assert.equal(response.code, 0);
        assert.equal(response.extFields, undefined);
        assert.equal(
          body(response),
          '{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"},' +
            '"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},' +
            '"queueDatas":[{"brokerName":"broker-a","perm":7,"readQueueNums":8,' +
            '"topicSynFlag":0,"topicSysFlag":0,"writeQueueNums":8}]}',
        );
        const parsed = JSON.parse(body(response));
        assert.equal(parsed.brokerDatas[0].brokerAddrs["1"], "127.0.0.1:10921");
      });
      await t.step("GET_ROUTEINFO_BY_TOPIC to version 121 has bare integer keys", async () => {
        const response = await route(client, "TBW102", 121);
        assert.match(
          body(response),
          /"brokerAddrs":\{0:"127\.0\.0\.1:10911",1:"127\.0\.0\.1:10921"\}/,
        );
      });
      await t.step("acceptStandardJsonOnly=true gives standard JSON to old versions", async () => {
        const response = await client.request(
          javaRequest(105, { topic: "TBW102", acceptStandardJsonOnly: "true" }, { version: 121 }),
        );
        assert.doesNotThrow(() => JSON.parse(body(response)));
      });
      await t.step("an unknown topic gets TOPIC_NOT_EXIST with Java's remark", async () => {
        const response = await route(client, "NoSuchTopic");
        assert.equal(response.code, 17);
        assert.equal(
          response.remark,
          "No topic route info in name server for the topic: NoSuchTopic\n" +
            "See http://rocketmq.apache.org/docs/faq/ for further details.",
        );
      });
      await t.step("GET_BROKER_CLUSTER_INFO always uses bare integer keys", async () => {
        const response = await client.request(javaRequest(106));
        assert.equal(
          body(response),
          '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:10911",' +
            '1:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster"}},' +
            '"clusterAddrTable":{"DefaultCluster":["broker-a"]}}',
        );
      });
      await t.step("closing the master's connection drops it from routes", async () => {
        await master.close();
        await waitFor(async () => {
          const response = await route(client, "TBW102");
          return !body(response).includes('"0":"127.0.0.1:10911"');
        }, { timeoutMs: 3000, message: "master dropped" });
        const response = await route(client, "TBW102");
        assert.match(body(response), /"brokerAddrs":\{"1":"127\.0\.0\.1:10921"\}/);
      });
      await t.step("closing the slave's connection removes the topic entirely", async () => {
        await slave.close();
        await waitFor(async () => (await route(client, "TBW102")).code === 17, {
          timeoutMs: 3000,
          message: "route gone",
        });
      });
    } finally {
      await master.close();
      await slave.close();
      await client.close();
    }
  });
});

interface Cluster {
  ns: RunningProcess;
  broker: WireClient;
  admin: WireClient;
}

/** A name server with broker-a and broker-b in cluster c1 and broker-c in c2. */
async function withClusters(fn: (c: Cluster) => Promise<void>): Promise<void> {
  await withNameServer(async (ns) => {
    const broker = await WireClient.connect(ns.port);
    const admin = await WireClient.connect(ns.port);
    try {
      const register = async (name: string, cluster: string, port: number, topics: string[]) => {
        const response = await broker.request(registerBrokerRequest({
          brokerName: name,
          clusterName: cluster,
          brokerAddr: `127.0.0.1:${port}`,
          topics: topics.map((n) => ({ name: n })),
        }));
        assert.equal(response.code, 0);
      };
      await register("broker-a", "c1", 10911, ["Shared", "OnlyA"]);
      await register("broker-b", "c1", 20911, ["Shared", "OnlyB"]);
      await register("broker-c", "c2", 30911, ["Shared", "OnlyC"]);
      await fn({ ns, broker, admin });
    } finally {
      await broker.close();
      await admin.close();
    }
  });
}

const brokerNames = (json: string) =>
  JSON.parse(json).queueDatas.map((q: { brokerName: string }) => q.brokerName).sort();

Deno.test("mqnamesrv serves several brokers and clusters, topic lists and deletes", async (t) => {
  await withClusters(async ({ broker, admin }) => {
    await t.step("a shared topic routes to every broker group", async () => {
      const json = body(await route(admin, "Shared"));
      assert.deepEqual(brokerNames(json), ["broker-a", "broker-b", "broker-c"]);
      assert.equal(JSON.parse(json).brokerDatas.length, 3);
    });
    await t.step("GET_TOPICS_BY_CLUSTER and GET_ALL_TOPIC_LIST list the right topics", async () => {
      const byCluster = await admin.request(javaRequest(224, { cluster: "c2" }));
      assert.deepEqual(JSON.parse(body(byCluster)).topicList.sort(), ["OnlyC", "Shared"]);
      const all = await admin.request(javaRequest(206));
      const expected = ["OnlyA", "OnlyB", "OnlyC", "Shared"];
      assert.deepEqual(JSON.parse(body(all)).topicList.sort(), expected);
    });
    await t.step("DELETE_TOPIC_IN_NAMESRV with a cluster removes only its queues", async () => {
      await admin.request(javaRequest(216, { topic: "Shared", clusterName: "c1" }));
      assert.deepEqual(brokerNames(body(await route(admin, "Shared"))), ["broker-c"]);
      await admin.request(javaRequest(216, { topic: "OnlyA" }));
      assert.equal((await route(admin, "OnlyA")).code, 17);
    });
    await t.step("UNREGISTER_BROKER removes one broker group", async () => {
      const response = await broker.request(javaRequest(104, {
        brokerId: "0",
        clusterName: "c2",
        brokerAddr: "127.0.0.1:30911",
        brokerName: "broker-c",
      }));
      assert.equal(response.code, 0);
      assert.equal((await route(admin, "OnlyC")).code, 17);
    });
  });
});

Deno.test("mqnamesrv changes write permission and answers oneway and unknown requests", async (t) => {
  await withClusters(async ({ broker, admin }) => {
    await t.step("WIPE and ADD_WRITE_PERM_OF_BROKER change perm and count topics", async () => {
      const wiped = await admin.request(javaRequest(205, { brokerName: "broker-b" }));
      assert.deepEqual(wiped.extFields, { wipeTopicCount: "2" });
      assert.equal(JSON.parse(body(await route(admin, "OnlyB"))).queueDatas[0].perm, 4);
      const added = await admin.request(javaRequest(327, { brokerName: "broker-b" }));
      assert.deepEqual(added.extFields, { addTopicCount: "2" });
      assert.equal(JSON.parse(body(await route(admin, "OnlyB"))).queueDatas[0].perm, 6);
    });
    await t.step("an unknown request code gets REQUEST_CODE_NOT_SUPPORTED", async () => {
      const response = await admin.request(javaRequest(9999));
      assert.equal(response.code, 3);
      assert.equal(response.remark, " request type 9999 not supported");
    });
    await t.step("a oneway registration gets no answer but takes effect", async () => {
      await broker.send(registerBrokerRequest({
        brokerName: "broker-d",
        brokerAddr: "127.0.0.1:40911",
        topics: [{ name: "OnlyD" }, { name: "Other" }],
        oneway: true,
      }));
      await waitFor(async () => (await route(admin, "OnlyD")).code === 0, {
        timeoutMs: 3000,
        message: "oneway registration",
      });
      assert.equal(broker.received.length, 0);
    });
  });
});

Deno.test("mqnamesrv KV config put, get, list, persist and delete", async () => {
  await withNameServer(async (ns) => {
    const admin = await WireClient.connect(ns.port);
    try {
      const ns1 = "ORDER_TOPIC_CONFIG";
      const put = await admin.request(javaRequest(100, { namespace: ns1, key: "T", value: "b:4" }));
      assert.equal(put.code, 0);
      const got = await admin.request(javaRequest(101, { namespace: ns1, key: "T" }));
      assert.deepEqual(got.extFields, { value: "b:4" });
      const list = await admin.request(javaRequest(219, { namespace: ns1 }));
      assert.equal(body(list), '{"table":{"T":"b:4"}}');
      const kvFile = await Deno.readTextFile(`${ns.tempDir}/kvConfig.json`);
      assert.deepEqual(JSON.parse(kvFile), { configTable: { [ns1]: { T: "b:4" } } });
      await admin.request(javaRequest(102, { namespace: ns1, key: "T" }));
      const missing = await admin.request(javaRequest(101, { namespace: ns1, key: "T" }));
      assert.equal(missing.code, 22);
      assert.equal(missing.remark, "No config item, Namespace: ORDER_TOPIC_CONFIG Key: T");
    } finally {
      await admin.close();
    }
  });
});
