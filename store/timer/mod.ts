/**
 * The pending set of 5.x timer messages on disk: an append-only timer log plus a time-bucketed
 * wheel of slot heads, checkpointed so a restart resumes it (`timer_wheel_store.ts`). Knows
 * nothing of messages beyond a commit-log position, and nothing of the network.
 *
 * ```ts ignore
 * import { TimerWheelStore } from "./mod.ts";
 * const timers = TimerWheelStore.open({ dir: "/tmp/timer", precisionMs: 50, windowMs: 3_600_000, nowMs: Date.now() });
 * timers.add({ deliverMs: Date.now() + 5000, physicalOffset: 0, size: 100 });
 * const due = timers.takeDue(Date.now(), 256);
 * timers.checkpoint(0);
 * timers.close();
 * ```
 *
 * Runs on: main thread
 * @module
 */
export { TIMER_ENTRY_BYTES, TimerWheelStore } from "./timer_wheel_store.ts";
export type { TimerEntry, TimerWheelStoreOptions } from "./timer_wheel_store.ts";
