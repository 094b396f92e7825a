/**
 * Goal: what the Java 4.9.4 client relies on right after a request that creates a topic
 * (docs/java-compat.md): once the broker has answered a consumer's HEART_BEAT, the name server
 * already knows `%RETRY%<group>`, and once it has answered a send to a new topic, it knows that
 * topic. The Java consumer rebalances on the group-change notice and looks the retry topic up
 * at once; before this was so, it missed the route and its retry queue waited 20 s for the next
 * rebalance. Frames are the Java client's: a JSON heartbeat body, SEND_MESSAGE_V2 short names.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { startBroker, startNameServer } from "../../mod.ts";
import { createRequest, RemotingClient, RequestCode, ResponseCode } from "../../remoting/mod.ts";

const ROUNDS = 5;

function heartbeat(clientId: string, group: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({
    clientID: clientId,
    consumerDataSet: [{
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      consumeType: "CONSUME_PASSIVELY",
      groupName: group,
      messageModel: "CLUSTERING",
      subscriptionDataSet: [{
        classFilterMode: false,
        codeSet: [],
        expressionType: "TAG",
        subString: "*",
        subVersion: 1796229713969,
        tagsSet: [],
        topic: `%RETRY%${group}`,
      }],
      unitMode: false,
    }],
    producerDataSet: [{ groupName: "CLIENT_INNER_PRODUCER" }],
  }));
}

Deno.test("a retry topic made by a heartbeat and a topic made by a send are routable as soon as the broker answers", async () => {
  const namesrv = await startNameServer({
    overrides: { listenPort: "0", bindAddress: "127.0.0.1" },
  });
  const namesrvAddr = `127.0.0.1:${namesrv.port}`;
  const broker = await startBroker({
    tempStore: true,
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerIP2: "127.0.0.1",
      brokerName: "route-order-a",
      namesrvAddr,
    },
  });
  const client = new RemotingClient({});
  const route = (topic: string) =>
    client.invoke(
      namesrvAddr,
      createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, {
        extFields: { topic },
      }),
      3000,
    );
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const group = `route_order_cg_${round}`;
      const hb = await client.invoke(
        broker.address,
        createRequest(RequestCode.HEART_BEAT, { body: heartbeat(`127.0.0.1@r${round}`, group) }),
        3000,
      );
      assert.equal(hb.code, ResponseCode.SUCCESS);
      assert.equal((await route(`%RETRY%${group}`)).code, ResponseCode.SUCCESS, group);

      const topic = `RouteOrderTopic_${round}`;
      const sent = await client.invoke(
        broker.address,
        createRequest(RequestCode.SEND_MESSAGE_V2, {
          extFields: {
            a: "route_order_pg",
            b: topic,
            c: "TBW102",
            d: "4",
            e: "0",
            f: "0",
            g: "1796229713969",
            h: "0",
            i: "WAIT\u0001true\u0002",
            j: "0",
            k: "false",
            m: "false",
          },
          body: new Uint8Array([1]),
        }),
        3000,
      );
      assert.equal(sent.code, ResponseCode.SUCCESS);
      assert.equal((await route(topic)).code, ResponseCode.SUCCESS, topic);
    }
  } finally {
    client.close();
    await broker.close();
    await namesrv.close();
  }
});
