/**
 * Child process of `client_orderly_test.ts`: an orderly PushConsumer that
 * appends each consumed body as a line to a file (awaited before the
 * listener returns, so every committed message has its line) and takes 10 ms per message. Killed with
 * SIGKILL by the test, so it never unlocks or commits on the way out.
 * Arguments: namesrvAddr topic group outFile.
 *
 * Runs on: main thread
 * @module
 */
import { PushConsumer } from "../../client/mod.ts";

const [namesrvAddr, topic, group, outFile] = Deno.args;
if (outFile === undefined) throw new TypeError("usage: namesrvAddr topic group outFile");

const consumer = new PushConsumer({
  namesrvAddr: namesrvAddr!,
  instanceName: "orderly-child",
  groupName: group!,
  consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
  suspendTimeoutMs: 1000,
  rebalanceIntervalMs: 1000,
  persistConsumerOffsetIntervalMs: 200,
  orderlyListener: async (messages) => {
    for (const m of messages) {
      await Deno.writeTextFile(outFile, new TextDecoder().decode(m.body) + "\n", { append: true });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  },
}).subscribe(topic!);
await consumer.start();
