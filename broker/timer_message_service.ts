/**
 * 5.x timer messages (`TIMER_DELIVER_MS`, `TIMER_DELAY_SEC`, `TIMER_DELAY_MS`): the send path
 * stores them in `rmq_sys_wheel_timer` queue 0 with `TIMER_OUT_MS`; this service reads that
 * queue in order (woken by the store's arrival events), adds each record's position to the
 * on-disk pending set of `store/timer/` (`TimerWheelStore`), and every `timerPrecisionMs`
 * re-stores the due ones in their `REAL_TOPIC` / `REAL_QID`. The wheel is checkpointed every
 * second and on shutdown together with the read position in the timer queue, so after a
 * restart what was added after the checkpoint is read again from the queue (nothing lost;
 * after a crash, deliveries since the checkpoint repeat). A timer due later than `rollMs`
 * (`timerRollWindowSlots`) is first due at now + `rollMs` as a "roll": its record is then stored
 * again in the timer queue (`TIMER_ROLL_TIMES` + 1) and read again, as Java 5.x does, so the
 * commit-log segment holding a pending timer is never older than `rollMs` and retention
 * (`fileReservedTime`, 72 h) cannot remove it.
 *
 * Runs on: main thread
 * @module
 */
import {
  type Clock,
  decodeStoredMessages,
  getLogger,
  type MessageExt,
  type SocketAddress,
} from "../common/mod.ts";
import { type TimerEntry, TimerWheelStore } from "../store/timer/mod.ts";
import type { BrokerMessageStore } from "./message_store_port.ts";
import { decodeRecord, rebuildMessage, TIMER_TOPIC } from "./message_transform.ts";

const log = getLogger("broker");

/** Time covered by the wheel; longer delays roll over laps. */
const TIMER_WINDOW_MS = 3_600_000;
/** Timers delivered per tick. */
const DELIVER_PER_TICK = 256;
/** Records read per store call when enqueuing. */
const BATCH_MAX = 32;
/** Checkpoint period. */
const CHECKPOINT_INTERVAL_MS = 1000;
/** Slow poll of the timer queue (arrival events normally wake it sooner). */
const ENQUEUE_POLL_MS = 1000;
/** Most refused deliveries kept for a retry. */
const RETRY_MAX = 10_000;

/** Settings of `TimerMessageService`. */
export interface TimerMessageServiceOptions {
  store: BrokerMessageStore;
  clock: Clock;
  /** Folder of the wheel files. */
  dir: string;
  precisionMs: number;
  /** A timer due later than this is stored again after this long, ms. */
  rollMs: number;
  /** This broker's address, written into re-stored messages. */
  storeHost: () => SocketAddress;
}

/** See the module comment. */
export class TimerMessageService {
  readonly #options: TimerMessageServiceOptions;
  #wheel: TimerWheelStore | undefined;
  #enqueueOffset = 0;
  readonly #retry: TimerEntry[] = [];
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #enqueueTimer: ReturnType<typeof setTimeout> | undefined;
  #tickTimer: ReturnType<typeof setTimeout> | undefined;
  #enqueuing: Promise<void> | undefined;
  #arrivedWhileEnqueuing = false;
  #ticking: Promise<void> | undefined;
  #closed = false;
  /** Timer messages re-stored in their real topic since start. */
  delivered = 0;
  /** Timer messages stored again in the timer queue (rolls) since start. */
  rolled = 0;

  /** Creates the service; `start()` opens the wheel. */
  constructor(options: TimerMessageServiceOptions) {
    this.#options = options;
  }

  /** Timers waiting in the wheel. */
  get pending(): number {
    return this.#wheel?.pending ?? 0;
  }

  /** Opens the wheel and starts reading and delivering. */
  start(): void {
    const o = this.#options;
    this.#wheel = TimerWheelStore.open({
      dir: o.dir,
      precisionMs: o.precisionMs,
      windowMs: Math.ceil(TIMER_WINDOW_MS / o.precisionMs) * o.precisionMs,
      nowMs: o.clock.now(),
    });
    if (this.#wheel.precisionMs !== o.precisionMs) {
      log.warn("The timer store keeps the precision it was made with", {
        timerPrecisionMs: o.precisionMs,
        inUse: this.#wheel.precisionMs,
      });
    }
    this.#enqueueOffset = this.#wheel.extra;
    this.#armTick();
    this.#timers.push(setInterval(() => this.#checkpoint(), CHECKPOINT_INTERVAL_MS));
    this.notifyArrived();
  }

  /** A record arrived in the timer queue: read it now. */
  notifyArrived(): void {
    if (this.#closed || this.#wheel === undefined) return;
    if (this.#enqueuing !== undefined) {
      // Read again as soon as the running pass ends (it may have missed this record).
      this.#arrivedWhileEnqueuing = true;
      return;
    }
    clearTimeout(this.#enqueueTimer);
    this.#arrivedWhileEnqueuing = false;
    this.#enqueuing = this.#enqueue()
      .catch((error) => log.error("Timer enqueue failed", { error }))
      .finally(() => {
        this.#enqueuing = undefined;
        if (this.#closed) return;
        if (this.#arrivedWhileEnqueuing) this.notifyArrived();
        else this.#enqueueTimer = setTimeout(() => this.notifyArrived(), ENQUEUE_POLL_MS);
      });
  }

  async #enqueue(): Promise<void> {
    const wheel = this.#wheel;
    if (wheel === undefined) return;
    for (let round = 0; round < 1000 && !this.#closed; round++) {
      const result = await this.#options.store.getMessage(TIMER_TOPIC, 0, {
        offset: this.#enqueueOffset,
        maxCount: BATCH_MAX,
      });
      if (result.status === "OFFSET_TOO_SMALL" || result.status === "OFFSET_OVERFLOW_BADLY") {
        this.#enqueueOffset = result.nextBeginOffset;
        continue;
      }
      if (result.status !== "FOUND") return;
      for (const message of decodeStoredMessages(result.messages, { readBody: false })) {
        const outMs = Number(message.properties.get("TIMER_OUT_MS") ?? "0");
        const rollAt = this.#options.clock.now() + this.#options.rollMs;
        const entry: TimerEntry = outMs > rollAt
          ? {
            deliverMs: rollAt,
            physicalOffset: message.commitLogOffset,
            size: message.storeSize,
            roll: true,
          }
          : { deliverMs: outMs, physicalOffset: message.commitLogOffset, size: message.storeSize };
        if (!wheel.add(entry)) await this.#deliverOrKeep(entry);
        this.#enqueueOffset = message.queueOffset + 1;
      }
    }
  }

  /** Ticks just after each bucket end, so a timer is at most one bucket late. */
  #armTick(): void {
    if (this.#closed) return;
    const p = this.#wheel?.precisionMs ?? this.#options.precisionMs;
    const now = this.#options.clock.now();
    const delay = (Math.floor(now / p) + 1) * p - now + 1;
    this.#tickTimer = setTimeout(() => this.#tick(), delay);
  }

  #tick(): void {
    if (this.#ticking !== undefined || this.#closed || this.#wheel === undefined) return;
    const wheel = this.#wheel;
    this.#ticking = (async () => {
      const due = this.#retry.splice(0, DELIVER_PER_TICK);
      due.push(...wheel.takeDue(this.#options.clock.now(), DELIVER_PER_TICK));
      for (const entry of due) await this.#deliverOrKeep(entry);
    })()
      .catch((error) => log.error("Timer delivery failed", { error }))
      .finally(() => {
        this.#ticking = undefined;
        this.#armTick();
      });
  }

  async #deliverOrKeep(entry: TimerEntry): Promise<void> {
    if (await this.#deliver(entry)) return;
    if (this.#retry.length < RETRY_MAX) this.#retry.push(entry);
    else log.error("Timer message dropped: too many refused deliveries", { ...entry });
  }

  /**
   * Re-stores one due timer message in its real topic (or, for a roll, in the timer queue);
   * false when the store refused it.
   */
  async #deliver(entry: TimerEntry): Promise<boolean> {
    const record = await this.#options.store.lookMessageByOffset(entry.physicalOffset);
    if (record === undefined) {
      log.warn("Timer message no longer in the commit log", { ...entry });
      return true;
    }
    const message: MessageExt = decodeRecord(record);
    const topic = message.properties.get("REAL_TOPIC");
    const queueId = Number(message.properties.get("REAL_QID"));
    if (topic === undefined || !Number.isInteger(queueId)) return true;
    const properties = new Map(message.properties);
    if (entry.roll === true) {
      properties.set(
        "TIMER_ROLL_TIMES",
        String(Number(properties.get("TIMER_ROLL_TIMES") ?? 0) + 1),
      );
    }
    const result = await this.#options.store.putMessages([rebuildMessage(message, {
      topic: entry.roll === true ? TIMER_TOPIC : topic,
      queueId: entry.roll === true ? 0 : queueId,
      properties,
      storeHost: this.#options.storeHost(),
    })]);
    if (result.stored.length === 0) return false;
    if (entry.roll === true) this.rolled++;
    else this.delivered++;
    return true;
  }

  /** Saves the wheel unless deliveries are in flight (they would be lost by a crash). */
  #checkpoint(): void {
    if (this.#wheel === undefined || this.#ticking !== undefined || this.#retry.length > 0) return;
    this.#wheel.checkpoint(this.#enqueueOffset);
  }

  /** Stops, waits for work in flight, checkpoints and closes the wheel. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    clearTimeout(this.#enqueueTimer);
    clearTimeout(this.#tickTimer);
    await this.#enqueuing;
    await this.#ticking;
    if (this.#wheel === undefined) return;
    if (this.#retry.length === 0) this.#wheel.checkpoint(this.#enqueueOffset);
    this.#wheel.close();
    this.#wheel = undefined;
  }
}
