/**
 * SQL92 filters and ordered-consumption locks end to end. Goals: with
 * `enablePropertyFilter=true`, a SQL92 subscription registered by a heartbeat filters pulls by
 * message properties (also when the pull carries the expression itself); an invalid expression
 * gets Java's codes (FILTER_DATA_NOT_EXIST 27 on pull after the heartbeat,
 * SUBSCRIPTION_PARSE_FAILED 23 on CHECK_CLIENT_CONFIG and on a pull carrying it); with the
 * default `enablePropertyFilter=false` SQL92 is refused with SYSTEM_ERROR as Java does.
 * LOCK_BATCH_MQ grants a queue to one client only, renews it, and UNLOCK_BATCH_MQ frees it; a
 * send to `%RETRY%` of a group holding live locks goes to its DLQ (5.x), of another group (made
 * on demand, as Java's findSubscriptionGroupConfig) to the retry topic.
 * Method: real `broker/main.ts` processes and raw Java-shaped frames.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { decodeStoredMessages } from "../../common/mod.ts";
import { RequestCode, ResponseCode } from "../../remoting/mod.ts";
import { javaRequest, WireClient } from "../harness.ts";
import { heartbeat, pullAll, pullRequest, sendOk, startSemanticsBroker } from "./semantics_wire.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function pullRegistered(topic: string, group: string) {
  const request = pullRequest(topic, 0, { offset: 0, group });
  return { ...request, extFields: { ...request.extFields, sysFlag: "0", subscription: "" } };
}

function checkClientConfig(expression: string) {
  const body = {
    clientId: "127.0.0.1@sql",
    group: "sql_cg",
    subscriptionData: {
      classFilterMode: false,
      codeSet: [],
      expressionType: "SQL92",
      subString: expression,
      subVersion: Date.now(),
      tagsSet: [],
      topic: "sql_t",
    },
  };
  return javaRequest(RequestCode.CHECK_CLIENT_CONFIG, {}, {
    body: encoder.encode(JSON.stringify(body)),
  });
}

Deno.test("SQL92 subscriptions filter pulls by properties and refuse invalid expressions", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "semantics-sql-" });
  const broker = await startSemanticsBroker(storeDir, { enablePropertyFilter: "true" });
  const client = await WireClient.connect(broker.port);
  try {
    for (let a = 1; a <= 6; a++) {
      await sendOk(client, { topic: "sql_t", body: `m${a}`, properties: { a: String(a) } });
    }
    const consumers = [
      { group: "sql_cg", topic: "sql_t", subString: "a > 3 AND a <> 5", expressionType: "SQL92" },
      { group: "bad_cg", topic: "sql_t", subString: "a >", expressionType: "SQL92" },
    ];
    const beat = await client.request(heartbeat("127.0.0.1@sql", { consumers }));
    assert.equal(beat.code, ResponseCode.SUCCESS);
    const pulled = await client.request(pullRegistered("sql_t", "sql_cg"));
    assert.equal(pulled.code, ResponseCode.SUCCESS, pulled.remark);
    const bodies = decodeStoredMessages(pulled.body ?? new Uint8Array()).map((m) =>
      decoder.decode(m.body)
    );
    assert.deepEqual(bodies, ["m4", "m6"]);
    assert.equal(pulled.extFields?.["nextBeginOffset"], "6");

    const bad = await client.request(pullRegistered("sql_t", "bad_cg"));
    assert.equal(bad.code, ResponseCode.FILTER_DATA_NOT_EXIST);
    assert.match(bad.remark ?? "", /expression may be wrong/);

    const carried = await client.request(
      pullRequest("sql_t", 0, {
        offset: 0,
        subscription: "a IN ('1', '2')",
        expressionType: "SQL92",
      }),
    );
    assert.equal(carried.code, ResponseCode.SUCCESS, carried.remark);
    assert.equal(decodeStoredMessages(carried.body ?? new Uint8Array()).length, 2);
    const none = await client.request(
      pullRequest("sql_t", 0, { offset: 0, subscription: "a > 100", expressionType: "SQL92" }),
    );
    assert.equal(none.code, ResponseCode.PULL_RETRY_IMMEDIATELY);
    assert.equal(none.extFields?.["nextBeginOffset"], "6");
    const unparsable = await client.request(
      pullRequest("sql_t", 0, { offset: 0, subscription: "a >", expressionType: "SQL92" }),
    );
    assert.equal(unparsable.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);

    assert.equal((await client.request(checkClientConfig("a > 1"))).code, ResponseCode.SUCCESS);
    const refused = await client.request(checkClientConfig("a > > 1"));
    assert.equal(refused.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    assert.ok((refused.remark ?? "").length > 0);
  } finally {
    await client.close();
    await broker.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});

function lockBody(clientId: string, queueIds: number[]) {
  return encoder.encode(JSON.stringify({
    consumerGroup: "order_cg",
    clientId,
    onlyThisBroker: false,
    mqSet: queueIds.map((queueId) => ({ brokerName: "broker-s", queueId, topic: "order_t" })),
  }));
}

Deno.test("SQL92 is refused without enablePropertyFilter, and queue locks go to one client at a time", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "semantics-lock-" });
  const broker = await startSemanticsBroker(storeDir);
  const client = await WireClient.connect(broker.port);
  try {
    await sendOk(client, { topic: "sql_t", body: "m", properties: { a: "1" } });
    const sql = await client.request(
      pullRequest("sql_t", 0, { offset: 0, subscription: "a > 0", expressionType: "SQL92" }),
    );
    assert.equal(sql.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(sql.remark, "The broker does not support consumer to filter message by SQL92");
    assert.equal(
      (await client.request(checkClientConfig("a > 1"))).code,
      ResponseCode.SYSTEM_ERROR,
    );

    const lock = async (clientId: string, queueIds: number[]) => {
      const answer = await client.request(
        javaRequest(RequestCode.LOCK_BATCH_MQ, {}, { body: lockBody(clientId, queueIds) }),
      );
      assert.equal(answer.code, ResponseCode.SUCCESS);
      const parsed = JSON.parse(decoder.decode(answer.body)) as {
        lockOKMQSet: { queueId: number }[];
      };
      return parsed.lockOKMQSet.map((mq) => mq.queueId).sort();
    };
    assert.deepEqual(await lock("c1", [0, 1]), [0, 1]);
    assert.deepEqual(await lock("c2", [1, 2]), [2]);
    assert.deepEqual(await lock("c1", [0, 1, 2]), [0, 1], "renewal keeps only c1's own queues");
    const unlock = await client.request(
      javaRequest(RequestCode.UNLOCK_BATCH_MQ, {}, { body: lockBody("c1", [1]) }),
    );
    assert.equal(unlock.code, ResponseCode.SUCCESS);
    assert.deepEqual(await lock("c2", [1]), [1]);
    // 5.x: a group holding live locks sends its %RETRY% messages straight to its DLQ.
    await sendOk(client, { topic: "%RETRY%order_cg", body: "r1", reconsumeTimes: 1 });
    assert.equal((await pullAll(client, "%RETRY%order_cg", 0)).length, 0);
    const dead = await pullAll(client, "%DLQ%order_cg", 0);
    assert.deepEqual(dead.map((m) => [decoder.decode(m.body), m.reconsumeTimes]), [["r1", 1]]);
    await sendOk(client, { topic: "%RETRY%free_cg", body: "r2", reconsumeTimes: 1 });
    assert.equal((await pullAll(client, "%RETRY%free_cg", 0)).length, 1, "no locks: retried");
    const badBody = await client.request(
      javaRequest(RequestCode.LOCK_BATCH_MQ, {}, { body: encoder.encode("{}") }),
    );
    assert.notEqual(badBody.code, ResponseCode.SUCCESS);
  } finally {
    await client.close();
    await broker.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});
