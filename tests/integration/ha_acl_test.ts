/**
 * Slave-to-master traffic with ACL on both brokers: the slave's metadata sync
 * (GET_ALL_TOPIC_CONFIG, GET_ALL_CONSUMER_OFFSET, GET_ALL_DELAY_OFFSET,
 * GET_ALL_SUBSCRIPTIONGROUP_CONFIG) is signed with the slave's
 * `accessKey`/`secretKey`, so a topic and a consumer offset created on the
 * master reach the slave, and the master refuses none of the slave's requests
 * while it still refuses an unsigned one.
 * Method: `namesrv/main.ts` and two `broker/main.ts` (ASYNC_MASTER, SLAVE) on
 * 127.0.0.1 with `aclEnable=true` and the same `plain_acl.yml`.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { signRequest } from "../../common/acl/mod.ts";
import { createRequest, RequestCode, ResponseCode } from "../../remoting/mod.ts";
import { startNameServer, waitFor, WireClient } from "../harness.ts";
import { startHaBroker } from "./_ha_cluster.ts";

const ACL = `globalWhiteRemoteAddresses:
accounts:
  - accessKey: brokerKey
    secretKey: brokerSecret12
    admin: true
  - accessKey: user
    secretKey: userSecret12
    admin: false
    defaultTopicPerm: PUB|SUB
    defaultGroupPerm: SUB
`;
const BROKER = { accessKey: "brokerKey", secretKey: "brokerSecret12" };
const USER = { accessKey: "user", secretKey: "userSecret12" };
const TOPIC = "acl_ha_topic";
const GROUP = "acl_ha_group";
const decoder = new TextDecoder();

async function slaveTables(port: number): Promise<{ topics: string; offsets: string }> {
  const client = await WireClient.connect(port);
  try {
    const topics = await client.request(
      signRequest(createRequest(RequestCode.GET_ALL_TOPIC_CONFIG), BROKER),
    );
    const offsets = await client.request(
      signRequest(createRequest(RequestCode.GET_ALL_CONSUMER_OFFSET), BROKER),
    );
    return { topics: decoder.decode(topics.body), offsets: decoder.decode(offsets.body) };
  } finally {
    await client.close();
  }
}

Deno.test("slave with ACL keys syncs topics and offsets from a master with aclEnable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rmq-ha-acl-" });
  const aclFile = `${dir}/plain_acl.yml`;
  await Deno.writeTextFile(aclFile, ACL);
  const acl = { aclEnable: "true", plainAclFile: aclFile, ...BROKER };
  const namesrv = await startNameServer();
  const master = await startHaBroker({
    namesrvPort: namesrv.port,
    storeDir: `${dir}/master`,
    role: "ASYNC_MASTER",
    extra: acl,
  });
  let slave: Awaited<ReturnType<typeof startHaBroker>> | undefined;
  const client = await WireClient.connect(master.port);
  try {
    const created = await client.request(signRequest(
      createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
        extFields: {
          topic: TOPIC,
          defaultTopic: "TBW102",
          readQueueNums: "2",
          writeQueueNums: "2",
          perm: "6",
          topicFilterType: "SINGLE_TAG",
          topicSysFlag: "0",
          order: "false",
        },
      }),
      BROKER,
    ));
    assert.equal(created.code, ResponseCode.SUCCESS, created.remark);
    const committed = await client.request(signRequest(
      createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
        extFields: { consumerGroup: GROUP, topic: TOPIC, queueId: "1", commitOffset: "7" },
      }),
      USER,
    ));
    assert.equal(committed.code, ResponseCode.SUCCESS, committed.remark);
    const unsigned = await client.request(createRequest(RequestCode.GET_ALL_TOPIC_CONFIG));
    assert.equal(unsigned.code, ResponseCode.NO_PERMISSION);

    slave = await startHaBroker({
      namesrvPort: namesrv.port,
      storeDir: `${dir}/slave`,
      role: "SLAVE",
      extra: acl,
    });
    const slavePort = slave.port;
    let last = { topics: "", offsets: "" };
    const synced = () =>
      last.topics.includes(`"${TOPIC}"`) &&
      /"acl_ha_topic@acl_ha_group":\{"?1"?:7\}/.test(last.offsets);
    await waitFor(async () => {
      last = await slaveTables(slavePort);
      return synced();
    }, { timeoutMs: 20_000, intervalMs: 200 }).catch(() => undefined);
    assert.ok(
      synced(),
      `slave tables: ${JSON.stringify(last)}\n${slave.stderrText()}\n${master.stderrText()}`,
    );
    const refusals = master.stderrText().match(/Request refused by ACL/g) ?? [];
    assert.equal(refusals.length, 1, "only the unsigned test request is refused");
    assert.doesNotMatch(slave.stderrText(), /Slave metadata sync failed/);
  } finally {
    await client.close();
    await slave?.stop();
    await master.stop();
    await namesrv.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => undefined);
  }
});
