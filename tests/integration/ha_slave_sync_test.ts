/**
 * A slave copies its master's metadata (Java `SlaveSynchronize`). Goal: what
 * the master holds when the slave starts reaches the slave at once (topic
 * config, subscription groups, a consumer offset, the delay-level cursor
 * after a delayed message was delivered); what changes on the master later
 * reaches the slave on the next periodic sync (10 s): a new offset, a group
 * deleted on the master is gone on the slave too, the cursor moves on; the
 * slave's cursor is also in its `config/delayOffset.json`. A slave with
 * `accessKey`/`secretKey` signs its sync requests, so a master with
 * `aclEnable` (which refuses unsigned ones) serves them.
 * Method: `namesrv/main.ts`, an ASYNC_MASTER and a SLAVE `broker/main.ts`
 * on 127.0.0.1 (free ports), raw Java-shaped frames to both.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { signRequest } from "../../common/acl/mod.ts";
import { RequestCode, ResponseCode } from "../../remoting/mod.ts";
import {
  javaRequest,
  type RunningProcess,
  startNameServer,
  waitFor,
  WireClient,
} from "../harness.ts";
import { sendRequest, startHaBroker } from "./_ha_cluster.ts";
import { sendOk } from "./semantics_wire.ts";

const TOPIC = "ha_sync_meta";
const GROUP = "ha_sync_cg";
const GONE = "ha_sync_gone";
const decoder = new TextDecoder();
const encoder = new TextEncoder();

async function ask(
  port: number,
  code: number,
  fields?: Record<string, string>,
  body?: Uint8Array,
): Promise<{ code: number; text: string; fields: Record<string, string> }> {
  const client = await WireClient.connect(port);
  try {
    const answer = await client.request(
      javaRequest(code, fields, body === undefined ? {} : { body }),
    );
    const ext = answer.extFields ?? {};
    return {
      code: answer.code,
      text: answer.body === undefined ? "" : decoder.decode(answer.body),
      fields: ext instanceof Map ? Object.fromEntries(ext) : { ...ext },
    };
  } finally {
    await client.close();
  }
}

function createGroup(port: number, groupName: string) {
  const body = encoder.encode(JSON.stringify({ groupName, retryMaxTimes: 5 }));
  return ask(port, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body);
}

function commitOffset(port: number, offset: number) {
  return ask(port, RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: GROUP,
    topic: TOPIC,
    queueId: "1",
    commitOffset: String(offset),
  });
}

async function offsetOn(port: number): Promise<number> {
  const answer = await ask(port, RequestCode.QUERY_CONSUMER_OFFSET, {
    consumerGroup: GROUP,
    topic: TOPIC,
    queueId: "1",
  });
  return answer.code === ResponseCode.SUCCESS ? Number(answer.fields.offset) : -1;
}

async function groupsOn(port: number): Promise<string[]> {
  const answer = await ask(port, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
  return Object.keys(JSON.parse(answer.text).subscriptionGroupTable ?? {});
}

/** The level-1 cursor in GET_ALL_DELAY_OFFSET (`{"offsetTable":{1:n,...}}`). */
async function delayCursorOn(port: number): Promise<number> {
  const answer = await ask(port, RequestCode.GET_ALL_DELAY_OFFSET);
  return Number(/[{,]"?1"?:(\d+)/.exec(answer.text)?.[1] ?? "-1");
}

async function sendDelayed(port: number, body: string): Promise<void> {
  const client = await WireClient.connect(port);
  try {
    await sendOk(client, { topic: TOPIC, queueId: 0, body, properties: { DELAY: "1" } });
  } finally {
    await client.close();
  }
}

Deno.test("slave copies topics, groups, offsets and delay progress at once and every 10 s", async () => {
  const namesrv = await startNameServer();
  const masterDir = await Deno.makeTempDir({ prefix: "ha_sync_meta_m_" });
  const slaveDir = await Deno.makeTempDir({ prefix: "ha_sync_meta_s_" });
  const master = await startHaBroker({
    namesrvPort: namesrv.port,
    storeDir: masterDir,
    role: "ASYNC_MASTER",
  });
  let slave: RunningProcess | undefined;
  try {
    const producer = await WireClient.connect(master.port);
    assert.equal((await producer.request(sendRequest(TOPIC, 1, "plain"))).code, 0);
    await producer.close();
    assert.equal((await createGroup(master.port, GROUP)).code, ResponseCode.SUCCESS);
    assert.equal((await createGroup(master.port, GONE)).code, ResponseCode.SUCCESS);
    assert.equal((await commitOffset(master.port, 1)).code, ResponseCode.SUCCESS);
    await sendDelayed(master.port, "later-1");
    await waitFor(async () => await delayCursorOn(master.port) === 1, {
      timeoutMs: 10_000,
      message: "level-1 delivery on the master",
    });

    slave = await startHaBroker({ namesrvPort: namesrv.port, storeDir: slaveDir, role: "SLAVE" });
    const slavePort = slave.port;
    // First sync: as soon as the slave learned its master. A sync pass copies topics, offsets,
    // delay progress, then groups (Java's order), so wait for its last step.
    await waitFor(async () => {
      const groups = await groupsOn(slavePort);
      return groups.includes(GROUP) && groups.includes(GONE);
    }, { timeoutMs: 8000, message: "groups on the slave" });
    assert.equal(await offsetOn(slavePort), 1);
    const topics = JSON.parse((await ask(slavePort, RequestCode.GET_ALL_TOPIC_CONFIG)).text);
    assert.ok(TOPIC in topics.topicConfigTable, "topic config on the slave");
    assert.equal(await delayCursorOn(slavePort), 1);

    // Later changes on the master reach the slave on a periodic sync.
    assert.equal((await commitOffset(master.port, 5)).code, ResponseCode.SUCCESS);
    const deleted = await ask(master.port, RequestCode.DELETE_SUBSCRIPTIONGROUP, {
      groupName: GONE,
    });
    assert.equal(deleted.code, ResponseCode.SUCCESS);
    await sendDelayed(master.port, "later-2");
    await waitFor(async () => await delayCursorOn(master.port) === 2, {
      timeoutMs: 10_000,
      message: "second level-1 delivery on the master",
    });
    await waitFor(async () => await offsetOn(slavePort) === 5, {
      timeoutMs: 25_000,
      intervalMs: 250,
      message: "new offset on the slave",
    });
    await waitFor(async () => !(await groupsOn(slavePort)).includes(GONE), {
      timeoutMs: 15_000,
      intervalMs: 250,
      message: "deleted group gone on the slave",
    });
    await waitFor(async () => await delayCursorOn(slavePort) === 2, {
      timeoutMs: 15_000,
      intervalMs: 250,
      message: "delay cursor on the slave",
    });
    assert.ok((await groupsOn(slavePort)).includes(GROUP));
    const file = await Deno.readTextFile(`${slaveDir}/config/delayOffset.json`);
    assert.match(file, /[{,]"?1"?:2[,}]/);
  } finally {
    await slave?.stop();
    await master.stop();
    await namesrv.stop();
    await Deno.remove(masterDir, { recursive: true }).catch(() => undefined);
    await Deno.remove(slaveDir, { recursive: true }).catch(() => undefined);
  }
});

const ADMIN = { accessKey: "rocketmq2", secretKey: "87654321" };
const ACL_FILE_TEXT = `accounts:
  - accessKey: ${ADMIN.accessKey}
    secretKey: "${ADMIN.secretKey}"
    admin: true
`;

Deno.test("a slave with accessKey/secretKey syncs from a master with aclEnable", async () => {
  const namesrv = await startNameServer();
  const masterDir = await Deno.makeTempDir({ prefix: "ha_sync_acl_m_" });
  const slaveDir = await Deno.makeTempDir({ prefix: "ha_sync_acl_s_" });
  const aclFile = `${masterDir}/plain_acl.yml`;
  await Deno.writeTextFile(aclFile, ACL_FILE_TEXT);
  const master = await startHaBroker({
    namesrvPort: namesrv.port,
    storeDir: masterDir,
    role: "ASYNC_MASTER",
    extra: { aclEnable: "true", plainAclFile: aclFile },
  });
  let slave: RunningProcess | undefined;
  try {
    const client = await WireClient.connect(master.port);
    try {
      // Unsigned admin traffic is refused; a signed group creation is served.
      const body = encoder.encode(JSON.stringify({ groupName: GROUP }));
      const request = () =>
        javaRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, { body });
      assert.equal((await client.request(request())).code, ResponseCode.NO_PERMISSION);
      assert.equal((await client.request(signRequest(request(), ADMIN))).code, 0);
    } finally {
      await client.close();
    }
    slave = await startHaBroker({
      namesrvPort: namesrv.port,
      storeDir: slaveDir,
      role: "SLAVE",
      extra: { accessKey: ADMIN.accessKey, secretKey: ADMIN.secretKey },
    });
    const slavePort = slave.port;
    await waitFor(async () => (await groupsOn(slavePort)).includes(GROUP), {
      timeoutMs: 8000,
      message: "group synced from the ACL master",
    });
  } finally {
    await slave?.stop();
    await master.stop();
    await namesrv.stop();
    await Deno.remove(masterDir, { recursive: true }).catch(() => undefined);
    await Deno.remove(slaveDir, { recursive: true }).catch(() => undefined);
  }
});
