/**
 * Send flow control, as Java's send thread pool and `BrokerFastFailure` do it: sends
 * (SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE, CONSUMER_SEND_MSG_BACK) run at most
 * `maxRunning` at a time broker-wide; the others wait in a FIFO of at most `capacity` entries
 * (`sendThreadPoolQueueCapacity`; beyond it: SYSTEM_BUSY `[OVERLOAD]`). While something waits,
 * a sweep every 10 ms answers SYSTEM_BUSY to
 * - every waiting send when the store cannot keep up, i.e. the oldest running send started more
 *   than `osPageCacheBusyTimeOutMills` ago (Java: the commit-log lock held that long):
 *   `[PCBUSY_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: Nms,
 *   size of queue: N`;
 * - each send that waited longer than `waitTimeMillsInSendQueue` (default 200):
 *   `[TIMEOUT_CLEAN_QUEUE]broker busy, ...` with the same tail.
 * Java clients retry such a send on another broker. Each kind of refusal is logged (warn), at
 * most once a second per kind, with the count since the last line. `brokerFastFailureEnable=false`
 * turns the sweep off (sends then wait for their turn however long it takes).
 *
 * Runs on: main thread
 * @module
 */
import { type Clock, getLogger } from "../common/mod.ts";
import { RequestCode } from "../remoting/mod.ts";

const log = getLogger("broker");
const SWEEP_INTERVAL_MS = 10;
const LOG_INTERVAL_MS = 1000;

/** Request codes that go through the send queue (Java's send executor). */
export const SEND_CODES: ReadonlySet<number> = new Set([
  RequestCode.SEND_MESSAGE,
  RequestCode.SEND_MESSAGE_V2,
  RequestCode.SEND_BATCH_MESSAGE,
  RequestCode.CONSUMER_SEND_MSG_BACK,
]);

/** Settings of `SendFlowControl` (broker.properties keys in the comments). */
export interface SendFlowControlOptions {
  /** Sends running at once (ours: `sendMessageMaxInFlight`). */
  maxRunning: number;
  /** Most sends waiting (`sendThreadPoolQueueCapacity`). */
  capacity: number;
  /** A send waiting longer is refused (`waitTimeMillsInSendQueue`). */
  maxWaitMs: number;
  /** Store considered busy when a send runs longer (`osPageCacheBusyTimeOutMills`). */
  busyAfterMs: number;
  /** Sweep on (`brokerFastFailureEnable`). */
  fastFailure: boolean;
  /** Time source (monotonic). */
  clock: Clock;
}

/** Why a send was not run: the SYSTEM_BUSY remark. */
export class SendRefusal {
  /** The remark of the SYSTEM_BUSY answer. */
  readonly remark: string;

  /** A refusal with `remark`. */
  constructor(remark: string) {
    this.remark = remark;
  }
}

interface Slot {
  since: number;
}

interface Waiter {
  since: number;
  /** Called with the running slot the waiter now owns, or with its refusal. */
  start: (outcome: Slot | SendRefusal) => void;
}

type RefusalKind = "OVERLOAD" | "TIMEOUT_CLEAN_QUEUE" | "PCBUSY_CLEAN_QUEUE";

/** The broker-wide send queue. */
export class SendFlowControl {
  readonly #options: SendFlowControlOptions;
  readonly #queue: Waiter[] = [];
  /** Start times of running sends, oldest first (FIFO release keeps it nearly sorted). */
  readonly #running = new Set<Slot>();
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #refused = new Map<RefusalKind, { count: number; lastLog: number }>();

  /** Creates an empty queue. */
  constructor(options: SendFlowControlOptions) {
    this.#options = options;
  }

  /** Sends waiting now. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Sends running now. */
  get running(): number {
    return this.#running.size;
  }

  /** Refusals so far, per kind. */
  refusals(): Record<RefusalKind, number> {
    const get = (kind: RefusalKind) => this.#refused.get(kind)?.count ?? 0;
    return {
      OVERLOAD: get("OVERLOAD"),
      TIMEOUT_CLEAN_QUEUE: get("TIMEOUT_CLEAN_QUEUE"),
      PCBUSY_CLEAN_QUEUE: get("PCBUSY_CLEAN_QUEUE"),
    };
  }

  /**
   * Runs `send` when its turn comes; resolves to its result, or to the refusal when it was
   * swept out of the queue or the queue was full.
   */
  async run<T>(send: () => Promise<T>): Promise<T | SendRefusal> {
    const slot = await this.#admit();
    if (slot instanceof SendRefusal) return slot;
    try {
      return await send();
    } finally {
      this.#running.delete(slot);
      this.#next();
    }
  }

  #admit(): Slot | SendRefusal | Promise<Slot | SendRefusal> {
    if (this.#running.size < this.#options.maxRunning && this.#queue.length === 0) {
      return this.#take();
    }
    if (this.#queue.length >= this.#options.capacity) return this.#refuse("OVERLOAD", 0);
    return new Promise((start) => {
      this.#queue.push({ since: this.#options.clock.monotonic(), start });
      this.#arm();
    });
  }

  #take(): Slot {
    const slot = { since: this.#options.clock.monotonic() };
    this.#running.add(slot);
    return slot;
  }

  #next(): void {
    while (this.#running.size < this.#options.maxRunning && this.#queue.length > 0) {
      (this.#queue.shift() as Waiter).start(this.#take());
    }
    if (this.#queue.length === 0) this.#disarm();
  }

  /** One pass of the fast-failure sweep (every 10 ms while sends wait); exported for tests. */
  sweep(): void {
    if (!this.#options.fastFailure) return;
    const now = this.#options.clock.monotonic();
    let oldest = Infinity;
    for (const slot of this.#running) oldest = Math.min(oldest, slot.since);
    if (now - oldest > this.#options.busyAfterMs) {
      while (this.#queue.length > 0) this.#sweepOut("PCBUSY_CLEAN_QUEUE", now);
    } else {
      while (
        this.#queue.length > 0 && now - (this.#queue[0] as Waiter).since > this.#options.maxWaitMs
      ) {
        this.#sweepOut("TIMEOUT_CLEAN_QUEUE", now);
      }
    }
    if (this.#queue.length === 0) this.#disarm();
  }

  #sweepOut(kind: RefusalKind, now: number): void {
    const waiter = this.#queue.shift() as Waiter;
    waiter.start(this.#refuse(kind, now - waiter.since));
  }

  #refuse(kind: RefusalKind, waitedMs: number): SendRefusal {
    const remark = kind === "OVERLOAD"
      ? "[OVERLOAD]system busy, start flow control for a while"
      : `[${kind}]broker busy, start flow control for a while, period in queue: ${
        Math.round(waitedMs)
      }ms, size of queue: ${this.#queue.length}`;
    const stat = this.#refused.get(kind) ?? { count: 0, lastLog: -Infinity };
    stat.count++;
    this.#refused.set(kind, stat);
    const now = this.#options.clock.monotonic();
    if (now - stat.lastLog >= LOG_INTERVAL_MS) {
      stat.lastLog = now;
      log.warn("Send refused: broker busy", {
        kind,
        refusedSoFar: stat.count,
        waiting: this.#queue.length,
        running: this.#running.size,
        remark,
      });
    }
    return new SendRefusal(remark);
  }

  #arm(): void {
    if (this.#timer !== undefined || !this.#options.fastFailure) return;
    this.#timer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Refuses every waiting send (broker shutting down) and stops the sweep. */
  close(): void {
    while (this.#queue.length > 0) {
      const waiter = this.#queue.shift() as Waiter;
      waiter.start(new SendRefusal("[OVERLOAD]broker is shutting down"));
    }
    this.#disarm();
  }
}
