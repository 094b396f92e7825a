/**
 * ACL tests: golden signatures recomputed from mqadmin frames captured from
 * Java 4.9.4 (fixture 05, secret of `conf/tools.yml`), the YAML subset on
 * the distribution's `plain_acl.yml` layout, whitelist patterns, permission
 * rules, and `AclValidator` decisions and reload.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import {
  AclValidator,
  calculateSignature,
  checkPermission,
  compileRemoteAddress,
  parsePlainAclConfig,
  Permission,
  signatureContent,
  signRequest,
} from "./mod.ts";

const FIXTURE = new URL("../../../shared/fixtures/java-4.9.4/05-mqadmin.jsonl", import.meta.url);
let fixtureText: string | undefined;
try {
  fixtureText = Deno.readTextFileSync(FIXTURE);
} catch {
  fixtureText = undefined;
}

/** Decodes header fields and body of a JSON-header frame (length prefix included). */
function frameParts(raw: Uint8Array): { extFields: Record<string, string>; body: Uint8Array } {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const headerLength = view.getUint32(4) & 0xffffff;
  const header = JSON.parse(new TextDecoder().decode(raw.subarray(8, 8 + headerLength)));
  return { extFields: header.extFields ?? {}, body: raw.subarray(8 + headerLength) };
}

Deno.test({
  name: "calculateSignature() matches every signed mqadmin request of Java 4.9.4",
  ignore: fixtureText === undefined,
  fn: () => {
    let checked = 0;
    for (const line of (fixtureText ?? "").split("\n")) {
      if (line.trim() === "") continue;
      const record = JSON.parse(line) as { raw: string; isResponse: boolean };
      if (record.isResponse) continue;
      const raw = Uint8Array.from(atob(record.raw), (c) => c.charCodeAt(0));
      const request = frameParts(raw);
      if (request.extFields["Signature"] === undefined) continue;
      assert.equal(
        calculateSignature(signatureContent(request), "12345678"),
        request.extFields["Signature"],
      );
      checked++;
    }
    assert.ok(checked >= 50, `only ${checked} signed frames`);
  },
});

const ACL_YML = `# demo
globalWhiteRemoteAddresses:
  - 10.10.103.*
  - 192.168.0.*

accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - topicA=DENY
      - topicB=PUB|SUB
      - topicC=SUB
    groupPerms:
      # the group should convert to retry topic
      - groupA=DENY
      - groupB=PUB|SUB
  - accessKey: rocketmq2
    secretKey: "12345678"
    whiteRemoteAddress: 192.168.1.*
    admin: true
`;

Deno.test("parsePlainAclConfig() reads accounts, perms and whitelists of plain_acl.yml", () => {
  const config = parsePlainAclConfig(ACL_YML);
  assert.deepEqual(config.globalWhiteRemoteAddresses, ["10.10.103.*", "192.168.0.*"]);
  assert.equal(config.accounts.length, 2);
  assert.deepEqual(config.accounts[0]?.topicPerms, ["topicA=DENY", "topicB=PUB|SUB", "topicC=SUB"]);
  assert.equal(config.accounts[0]?.whiteRemoteAddress, "");
  assert.equal(config.accounts[1]?.admin, true);
  assert.equal(config.accounts[1]?.secretKey, "12345678");
  assert.throws(() => parsePlainAclConfig("accounts:\n  - accessKey: x\n"), /secretKey/);
});

Deno.test("compileRemoteAddress() handles wildcard, range, list, brace and blank forms", () => {
  assert.ok(compileRemoteAddress("192.168.1.*")("192.168.1.77"));
  assert.ok(!compileRemoteAddress("192.168.1.*")("192.168.2.1"));
  assert.ok(compileRemoteAddress("192.168.1.1-10")("192.168.1.10"));
  assert.ok(!compileRemoteAddress("192.168.1.1-10")("192.168.1.11"));
  assert.ok(compileRemoteAddress("10.*.*.*")("10.9.8.7"));
  assert.ok(compileRemoteAddress("1.2.3.4,1.2.3.5")("1.2.3.5"));
  assert.ok(compileRemoteAddress("192.168.1.{1,2}")("192.168.1.2"));
  assert.ok(!compileRemoteAddress("192.168.1.{1,2}")("192.168.1.3"));
  assert.ok(compileRemoteAddress("*")("8.8.8.8"));
  assert.ok(!compileRemoteAddress("")("8.8.8.8"));
  assert.throws(() => compileRemoteAddress("1.*.3.4"), /Invalid remote address/);
});

Deno.test("checkPermission() lets DENY win and PUB|SUB cover both", () => {
  assert.ok(checkPermission(Permission.PUB, Permission.PUB | Permission.SUB));
  assert.ok(!checkPermission(Permission.PUB, Permission.SUB));
  assert.ok(!checkPermission(Permission.SUB, Permission.DENY));
  assert.ok(checkPermission(Permission.ANY, Permission.SUB));
});

Deno.test("AclValidator.validate() allows, denies and reloads as RocketMQ's plain validator", () => {
  const acl = new AclValidator({ text: ACL_YML });
  const user = { accessKey: "RocketMQ", secretKey: "12345678" };
  const send = (topic: string) => ({ code: 310, extFields: { a: "pg", b: topic } });
  const pull = (group: string) => ({
    code: 11,
    extFields: { topic: "topicB", consumerGroup: group },
  });
  assert.equal(acl.validate(signRequest(send("topicB"), user), "1.1.1.1").status, "allowed");
  assert.equal(acl.validate(signRequest(send("topicA"), user), "1.1.1.1").status, "denied");
  assert.equal(acl.validate(signRequest(send("other"), user), "1.1.1.1").status, "denied");
  assert.equal(acl.validate(signRequest(send("topicC"), user), "1.1.1.1").status, "denied");
  assert.equal(acl.validate(signRequest(pull("groupB"), user), "1.1.1.1").status, "allowed");
  assert.equal(acl.validate(signRequest(pull("groupA"), user), "1.1.1.1").status, "denied");
  assert.equal(acl.validate(signRequest(pull("any"), user), "1.1.1.1").status, "allowed");
  const forged = { ...signRequest(send("topicB"), user), body: new Uint8Array([1]) };
  assert.deepEqual(acl.validate(forged, "1.1.1.1"), {
    status: "denied",
    remark: "Check signature failed for accessKey=RocketMQ",
  });
  assert.equal(acl.validate(send("topicA"), "10.10.103.5").status, "allowed");
  assert.equal(acl.validate(send("topicB"), "1.1.1.1").status, "denied");
  const admin = signRequest({ code: 17, extFields: { topic: "x" } }, user);
  assert.match((acl.validate(admin, "1.1.1.1") as { remark: string }).remark, /Need admin/);
  const root = signRequest({ code: 17, extFields: { topic: "x" } }, {
    accessKey: "rocketmq2",
    secretKey: "12345678",
  });
  assert.equal(acl.validate(root, "1.1.1.1").status, "allowed");
  assert.equal(acl.reload("accounts: ["), false, "a bad file keeps the old rules");
  assert.equal(acl.validate(root, "1.1.1.1").status, "allowed");
  assert.equal(acl.reload("accounts:\n  - accessKey: other\n    secretKey: s\n"), true);
  assert.equal(acl.validate(root, "1.1.1.1").status, "denied");
});
