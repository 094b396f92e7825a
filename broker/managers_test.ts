/**
 * Tests of the broker's tables: topic auto-creation from TBW102, system topics, persistence with
 * a .bak copy, subscription groups, consumer offsets (bare Java keys), consumers and producers.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { ManualClock } from "../common/mod.ts";
import {
  AUTO_CREATE_TOPIC,
  makeTopicConfig,
  PERM_INHERIT,
  TopicConfigManager,
} from "./topic_config_manager.ts";
import { SubscriptionGroupManager } from "./subscription_group_manager.ts";
import { ConsumerOffsetManager, parseOffsetTable } from "./consumer_offset_manager.ts";
import { ConsumerManager } from "./consumer_manager.ts";
import { ProducerManager } from "./producer_manager.ts";
import { ConfigFile } from "./config_file.ts";

function topics(configDir?: string, autoCreateTopicEnable = true, onChange?: (t: string) => void) {
  return new TopicConfigManager({
    ...(configDir === undefined ? {} : { configDir }),
    ...(onChange === undefined ? {} : { onChange }),
    clock: new ManualClock(),
    brokerClusterName: "DefaultCluster",
    brokerName: "broker-a",
    autoCreateTopicEnable,
    defaultTopicQueueNums: 8,
  });
}

Deno.test("TopicConfigManager creates the system topics Java creates at start-up", () => {
  const manager = topics();
  assert.equal(manager.get(AUTO_CREATE_TOPIC)?.perm, 7);
  assert.equal(manager.get(AUTO_CREATE_TOPIC)?.writeQueueNums, 8);
  assert.equal(manager.get("BenchmarkTest")?.readQueueNums, 1024);
  assert.equal(manager.get("DefaultCluster")?.perm, 7);
  assert.equal(manager.get("broker-a")?.readQueueNums, 1);
  assert.equal(manager.get("SCHEDULE_TOPIC_XXXX")?.writeQueueNums, 18);
  assert.equal(manager.isSystemTopic("OFFSET_MOVED_EVENT"), true);
  assert.equal(topics(undefined, false).get(AUTO_CREATE_TOPIC), undefined);
});

Deno.test("TopicConfigManager.createFromDefault() inherits TBW102 capped by the client's queue count", () => {
  const changed: string[] = [];
  const manager = topics(undefined, true, (t) => changed.push(t));
  const before = manager.dataVersion.counter;
  const config = manager.createFromDefault("fresh", AUTO_CREATE_TOPIC, {
    clientQueueNums: 4,
    topicSysFlag: 0,
  });
  assert.equal(config?.writeQueueNums, 4);
  assert.equal(config?.readQueueNums, 4);
  assert.equal((config?.perm ?? 0) & PERM_INHERIT, 0);
  assert.deepEqual(changed, ["fresh"]);
  assert.equal(manager.dataVersion.counter, before + 1);
  assert.equal(
    manager.createFromDefault("x", "missing", { clientQueueNums: 4, topicSysFlag: 0 }),
    undefined,
  );
});

Deno.test("TopicConfigManager.createFromDefault() refuses when auto-creation is off", () => {
  const manager = topics(undefined, false);
  manager.upsert(makeTopicConfig(AUTO_CREATE_TOPIC, { perm: 7 }));
  assert.equal(
    manager.createFromDefault("t", AUTO_CREATE_TOPIC, { clientQueueNums: 4, topicSysFlag: 0 }),
    undefined,
  );
});

Deno.test("TopicConfigManager.persist() writes topics.json and load() reads it back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = topics(dir);
    first.upsert(makeTopicConfig("orders", { readQueueNums: 3, writeQueueNums: 3 }));
    await first.persist();
    first.upsert(makeTopicConfig("orders2"));
    await first.persist();
    const bak = JSON.parse(await Deno.readTextFile(`${dir}/topics.json.bak`));
    assert.ok(bak.topicConfigTable.orders);
    const second = topics(dir);
    second.load();
    assert.equal(second.get("orders")?.readQueueNums, 3);
    assert.ok(second.get("orders2"));
    assert.equal(second.dataVersion.counter, first.dataVersion.counter);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ConfigFile.load() falls back to the .bak copy when the main file is corrupt", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = new ConfigFile(`${dir}/x.json`);
    await file.persist('{"a":1}');
    await file.persist('{"a":2}');
    await Deno.writeTextFile(`${dir}/x.json`, "{broken");
    assert.deepEqual(file.load((t) => JSON.parse(t)), { a: 1 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SubscriptionGroupManager.findOrCreate() auto-creates only when allowed", () => {
  const on = new SubscriptionGroupManager({
    clock: new ManualClock(),
    autoCreateSubscriptionGroup: true,
  });
  const off = new SubscriptionGroupManager({
    clock: new ManualClock(),
    autoCreateSubscriptionGroup: false,
  });
  assert.equal(on.findOrCreate("g1")?.retryMaxTimes, 16);
  assert.equal(off.findOrCreate("g1"), undefined);
  assert.ok(off.get("TOOLS_CONSUMER"));
  assert.equal(on.delete("g1"), true);
  assert.equal(on.get("g1"), undefined);
});

Deno.test("ConsumerOffsetManager persists offsets and reloads Java's bare integer keys", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const offsets = new ConsumerOffsetManager({ configDir: dir });
    assert.equal(offsets.queryOffset("g", "t", 0), -1);
    offsets.commitOffset("g", "t", 0, 12);
    offsets.commitOffset("g", "t", 0, 5);
    offsets.commitOffset("g2", "t", 3, 9);
    await offsets.persist();
    const reloaded = new ConsumerOffsetManager({ configDir: dir });
    reloaded.load();
    assert.equal(reloaded.queryOffset("g", "t", 0), 5);
    assert.deepEqual(reloaded.groupsOfTopic("t").sort(), ["g", "g2"]);
    assert.deepEqual(reloaded.topicsOfGroup("g2"), ["t"]);
    reloaded.deleteTopic("t");
    assert.equal(reloaded.queryOffset("g", "t", 0), -1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const java = parseOffsetTable('{"offsetTable":{"BenchmarkTest@c":{328:1,29:7}}}');
  assert.equal(java.get("BenchmarkTest@c")?.get(29), 7);
});

Deno.test("ConsumerManager.register() reports membership and subscription changes", () => {
  const consumers = new ConsumerManager<string>();
  const client = (channel: string, at: number) => ({
    channel,
    clientId: `id-${channel}`,
    language: "JAVA",
    version: 401,
    remoteAddress: "127.0.0.1:1",
    lastUpdateMs: at,
  });
  const mode = {
    consumeType: "CONSUME_PASSIVELY",
    messageModel: "CLUSTERING",
    consumeFromWhere: "X",
  };
  const sub = {
    topic: "t",
    subString: "*",
    tagsSet: [],
    codeSet: [],
    subVersion: 1,
    expressionType: "TAG",
    classFilterMode: false,
  };
  assert.deepEqual(consumers.register("g", client("a", 0), { ...mode, subscriptions: [sub] }), {
    channelsChanged: true,
    subscriptionsChanged: true,
  });
  assert.deepEqual(consumers.register("g", client("a", 5), { ...mode, subscriptions: [sub] }), {
    channelsChanged: false,
    subscriptionsChanged: false,
  });
  consumers.register("g", client("b", 100), { ...mode, subscriptions: [sub] });
  assert.deepEqual(consumers.consumerIds("g").sort(), ["id-a", "id-b"]);
  assert.deepEqual(consumers.groupsOfTopic("t"), ["g"]);
  assert.deepEqual(consumers.scanExpired(130, 100), [{ group: "g", channel: "a" }]);
  assert.deepEqual(consumers.channelClosed("b"), ["g"]);
  assert.equal(consumers.get("g"), undefined);
});

Deno.test("ProducerManager tracks channels per group and forgets closed ones", () => {
  const producers = new ProducerManager<string>();
  const info = {
    channel: "c",
    clientId: "p",
    language: "JAVA",
    version: 401,
    remoteAddress: "x",
    lastUpdateMs: 0,
  };
  producers.register("pg", info);
  assert.equal(producers.channels("pg").length, 1);
  producers.channelClosed("c");
  assert.deepEqual(producers.groups(), []);
});
