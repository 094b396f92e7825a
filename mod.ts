/**
 * rocketmq-deno: a RocketMQ-compatible message broker and client for Deno.
 *
 * The TypeScript client (`Producer`, `PushConsumer`, `PullConsumer`, `AdminClient`) talks to
 * any RocketMQ 4.x/5.x remoting broker; `startNameServer` and `startBroker` run ours in-process,
 * on free ports with a temporary store, so a user's own tests need no other process.
 *
 * ```ts ignore
 * import { Producer, PushConsumer, startBroker, startNameServer } from "./mod.ts";
 *
 * const namesrv = await startNameServer({ overrides: { listenPort: "0", bindAddress: "127.0.0.1" } });
 * const broker = await startBroker({
 *   tempStore: true,
 *   config: { listenPort: 0, bindAddress: "127.0.0.1", brokerIP1: "127.0.0.1", namesrvAddr: namesrv.address },
 * });
 * const producer = new Producer({ groupName: "my_group", namesrvAddr: namesrv.address });
 * await producer.start();
 * const result = await producer.send({ topic: "TopicTest", body: "hi", tags: "TagA" });
 * const consumer = new PushConsumer({
 *   groupName: "my_consumers",
 *   namesrvAddr: namesrv.address,
 *   consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
 *   listener: (messages) => console.log(result.msgId, messages[0]?.body),
 * }).subscribe("TopicTest", "TagA");
 * await consumer.start();
 * // ...
 * await consumer.shutdown();
 * await producer.shutdown();
 * await broker.close();
 * await namesrv.close();
 * ```
 *
 * Runs on: main thread
 * @module
 */
export * from "./client/mod.ts";
export { startNameServer } from "./namesrv/mod.ts";
export type { RunningNameServer, StartNameServerOptions } from "./namesrv/mod.ts";
export { startBroker } from "./broker/mod.ts";
export type { RunningBroker, StartBrokerOptions } from "./broker/mod.ts";
