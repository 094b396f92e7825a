/**
 * Unit tests of KvConfigManager: namespaced put/get/delete, persistence in
 * Java's `{"configTable":…}` format with an atomic rename, reload, and a clear
 * ConfigError for a corrupt file. Uses a temp dir.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { ConfigError } from "../common/mod.ts";
import { KvConfigManager } from "./kv_config_manager.ts";

async function withTempDir(fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kv-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("KvConfigManager.putKvConfig() stores per namespace and getKvConfig() reads it back", () => {
  const kv = new KvConfigManager();
  kv.putKvConfig("ORDER_TOPIC_CONFIG", "t1", "broker-a:4");
  kv.putKvConfig("other", "t1", "x");
  assert.equal(kv.getKvConfig("ORDER_TOPIC_CONFIG", "t1"), "broker-a:4");
  assert.equal(kv.getKvConfig("other", "t1"), "x");
  assert.equal(kv.getKvConfig("missing", "t1"), undefined);
  assert.deepEqual([...(kv.getKvListByNamespace("other") ?? [])], [["t1", "x"]]);
  assert.equal(kv.deleteKvConfig("other", "t1"), true);
  assert.equal(kv.deleteKvConfig("other", "t1"), false);
  assert.equal(kv.getKvListByNamespace("other"), undefined);
});

Deno.test("KvConfigManager persists Java's kvConfig.json format and load() restores it", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/sub/kvConfig.json`;
    const kv = new KvConfigManager({ kvConfigPath: path });
    kv.putKvConfig("ORDER_TOPIC_CONFIG", "t1", "broker-a:4;broker-b:4");
    assert.equal(
      Deno.readTextFileSync(path),
      '{"configTable":{"ORDER_TOPIC_CONFIG":{"t1":"broker-a:4;broker-b:4"}}}',
    );
    assert.throws(() => Deno.statSync(`${path}.tmp`), Deno.errors.NotFound);
    const reloaded = new KvConfigManager({ kvConfigPath: path });
    reloaded.load();
    assert.equal(reloaded.getKvConfig("ORDER_TOPIC_CONFIG", "t1"), "broker-a:4;broker-b:4");
  });
});

Deno.test("KvConfigManager.load() starts empty without a file and throws ConfigError on a corrupt one", async () => {
  await withTempDir((dir) => {
    const missing = new KvConfigManager({ kvConfigPath: `${dir}/none.json` });
    missing.load();
    assert.equal(missing.toJson(), '{"configTable":{}}');
    Deno.writeTextFileSync(`${dir}/bad.json`, "{oops");
    const bad = new KvConfigManager({ kvConfigPath: `${dir}/bad.json` });
    assert.throws(
      () => bad.load(),
      (error) => error instanceof ConfigError && /bad\.json/.test(error.message),
    );
  });
});
