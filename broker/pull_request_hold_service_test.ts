/**
 * Tests of long-poll parking: wake on a matching arrival, not on a filtered one, timeout,
 * shutdown and the bound on parked pulls.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { PullRequestHoldService, type WakeReason } from "./pull_request_hold_service.ts";

function request(offset: number, reasons: WakeReason[], matches = (_: number) => true) {
  return { topic: "t", queueId: 1, offset, matches, wake: (r: WakeReason) => reasons.push(r) };
}

Deno.test("PullRequestHoldService.notifyMessageArrived() wakes a pull when its offset is reached", () => {
  const service = new PullRequestHoldService({ maxHeld: 10 });
  const reasons: WakeReason[] = [];
  assert.equal(service.hold(request(3, reasons), 60_000), true);
  service.notifyMessageArrived("t", 1, { queueOffset: 2 });
  assert.deepEqual(reasons, []);
  service.notifyMessageArrived("t", 2, { queueOffset: 9 });
  assert.deepEqual(reasons, []);
  service.notifyMessageArrived("t", 1, { queueOffset: 3 });
  assert.deepEqual(reasons, ["arrived"]);
  assert.equal(service.size, 0);
  service.close();
});

Deno.test("PullRequestHoldService.notifyMessageArrived() skips pulls whose filter rejects the tag", () => {
  const service = new PullRequestHoldService({ maxHeld: 10 });
  const reasons: WakeReason[] = [];
  service.hold(request(0, reasons, (code) => code === 5), 60_000);
  service.notifyMessageArrived("t", 1, { queueOffset: 0, tagsCode: 4 });
  assert.deepEqual(reasons, []);
  service.notifyMessageArrived("t", 1, { queueOffset: 1, tagsCode: 5 });
  assert.deepEqual(reasons, ["arrived"]);
  service.close();
});

Deno.test("PullRequestHoldService.hold() times out and refuses pulls beyond maxHeld", async () => {
  const service = new PullRequestHoldService({ maxHeld: 1 });
  const reasons: WakeReason[] = [];
  assert.equal(service.hold(request(0, reasons), 5), true);
  assert.equal(service.hold(request(0, reasons), 5), false);
  for (let i = 0; i < 100 && reasons.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.deepEqual(reasons, ["timeout"]);
  service.close();
});

Deno.test("PullRequestHoldService.close() wakes parked pulls with shutdown", () => {
  const service = new PullRequestHoldService({ maxHeld: 4 });
  const reasons: WakeReason[] = [];
  service.hold(request(0, reasons), 60_000);
  service.hold(request(0, reasons), 60_000);
  service.close();
  assert.deepEqual(reasons, ["shutdown", "shutdown"]);
  assert.equal(service.hold(request(0, reasons), 10), false);
});

Deno.test("PullRequestHoldService.hold() wakes at once when a message was announced before the pull parked", async () => {
  const service = new PullRequestHoldService({ maxHeld: 10 });
  const reasons: WakeReason[] = [];
  service.notifyMessageArrived("t", 1, { queueOffset: 4 });
  assert.equal(service.hold(request(4, reasons), 60_000), true);
  assert.equal(service.size, 0, "not parked");
  await Promise.resolve();
  assert.deepEqual(reasons, ["arrived"]);
  const later: WakeReason[] = [];
  assert.equal(service.hold(request(5, later), 60_000), true);
  assert.equal(service.size, 1, "an offset past the announced one parks");
  service.forgetTopic("t");
  service.close();
  assert.deepEqual(later, ["shutdown"]);
});

Deno.test("PullRequestHoldService.announcedEnd() is one past the newest announced offset", () => {
  const service = new PullRequestHoldService({ maxHeld: 10 });
  assert.equal(service.announcedEnd("t", 1), undefined);
  service.notifyMessageArrived("t", 1, { queueOffset: 4 });
  service.notifyMessageArrived("t", 1, { queueOffset: 2 }); // late, older: ignored
  assert.equal(service.announcedEnd("t", 1), 5);
  assert.equal(service.announcedEnd("t", 2), undefined);
  service.forgetTopic("t");
  assert.equal(service.announcedEnd("t", 1), undefined);
  service.close();
});
