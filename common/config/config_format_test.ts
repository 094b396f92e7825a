/**
 * Tests of `formatConfig`: sorted `key=value` output, and a seeded property
 * test that formatted output parses back to the same values.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatConfig } from "./config_format.ts";
import { parsePropertiesText } from "./properties_parser.ts";
import { loadBrokerConfig, loadNamesrvConfig } from "./config_loader.ts";
import type { MachineInfo } from "./machine_info.ts";

const machine: MachineInfo = { hostname: "h", ipv4: "10.0.0.1", cores: 2, homeDir: "/home/x" };

Deno.test("formatConfig() prints key=value lines sorted by key", () => {
  const text = formatConfig({ b: 2, a: true, c: "x", d: null, e: undefined });
  assert.equal(text, "a=true\nb=2\nc=x\nd=\n");
});

Deno.test("formatConfig() output loads back to the same broker config", () => {
  const { config } = loadBrokerConfig({
    text: "namesrvAddr=127.0.0.1:9876\nbrokerName=b a\n",
    env: {},
    machine,
  });
  const again = loadBrokerConfig({ text: formatConfig(config), env: {}, machine });
  assert.deepEqual(again.warnings, []);
  assert.deepEqual(again.config, config);
});

Deno.test("formatConfig() output loads back to the same namesrv config", () => {
  const { config } = loadNamesrvConfig({ env: {}, machine });
  const text = formatConfig(config);
  assert.match(text, /^bindAddress=0\.0\.0\.0$/m);
  assert.match(text, /^listenPort=9876$/m);
  assert.deepEqual(loadNamesrvConfig({ text, env: {}, machine }).config, config);
});

Deno.test("formatConfig() escapes any string so parsePropertiesText() reads it back", () => {
  const seed = Number(Deno.env.get("FC_SEED") ?? 424242);
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), (key, value) => {
      fc.pre(key !== "");
      const entries = parsePropertiesText(formatConfig({ [key]: value }));
      assert.deepEqual(entries.map((e) => [e.key, e.value]), [[key, value]]);
    }),
    { seed, numRuns: 300 },
  );
});
