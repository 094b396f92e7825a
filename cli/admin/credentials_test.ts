/**
 * Goal: mqadmin finds its credentials in flags, then the environment, then `conf/tools.yml`.
 * Method: `resolveCredentials` on fixed inputs (the ACL broker run is in
 * tests/integration/mqadmin_acl_test.ts).
 */
import assert from "node:assert/strict";
import { resolveCredentials } from "./_credentials.ts";

Deno.test("resolveCredentials() prefers flags, then environment, then conf/tools.yml", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  const tools = (path: string) =>
    path === "/mq/conf/tools.yml" ? "accessKey: rocketmq2\nsecretKey: 12345678\n" : undefined;
  assert.deepEqual(
    resolveCredentials({ accessKey: "a", secretKey: "s" }, {
      env: env({ ROCKETMQ_ACCESS_KEY: "x", ROCKETMQ_SECRET_KEY: "y" }),
    }),
    { accessKey: "a", secretKey: "s" },
  );
  assert.deepEqual(
    resolveCredentials({}, { env: env({ ROCKETMQ_ACCESS_KEY: "x", ROCKETMQ_SECRET_KEY: "y" }) }),
    { accessKey: "x", secretKey: "y" },
  );
  assert.deepEqual(
    resolveCredentials({}, { env: env({ ROCKETMQ_HOME: "/mq/" }), readFile: tools }),
    { accessKey: "rocketmq2", secretKey: "12345678" },
  );
  assert.equal(resolveCredentials({}, { env: env({}), readFile: tools }), undefined);
  assert.throws(() => resolveCredentials({ accessKey: "a" }), /give both/);
});
