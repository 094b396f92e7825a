/**
 * Delivery of delay-level messages (Java `ScheduleMessageService`): one cursor per level reads
 * its queue of `SCHEDULE_TOPIC_XXXX` in order; when the head record's time (store time +
 * level delay) has come it is re-stored in its `REAL_TOPIC` / `REAL_QID` (same body,
 * properties, born time; new offsets), and the cursor moves on. A head not yet due sets a
 * timer for exactly its time; an empty queue waits for the store's arrival event (or a slow
 * poll). Cursors persist in `config/delayOffset.json` (`{"offsetTable":{1:0,2:15}}`, bare
 * integer keys as Java writes them) every `flushDelayOffsetInterval` and on shutdown, so a
 * clean restart neither loses nor repeats a delivery (after a crash, deliveries since the
 * last flush repeat, as in Java).
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
import type { BrokerMessageStore } from "./message_store_port.ts";
import { ConfigFile } from "./config_file.ts";
import { rebuildMessage, SCHEDULE_TOPIC, TRANS_HALF_TOPIC } from "./message_transform.ts";

const log = getLogger("broker");

/** Records read per store call. */
const BATCH_MAX = 32;
/** Store calls per tick before yielding to other work. */
const BATCHES_PER_TICK = 16;
/** First run after start (Java: 1000 ms). */
const FIRST_DELAY_MS = 100;
/** Slow poll of an empty queue (arrival events normally wake it sooner). */
const IDLE_POLL_MS = 1000;
/** Retry after the store refused a re-put (Java: 100 ms). */
const REFUSED_RETRY_MS = 100;
/** Retry after an unexpected failure (Java: 10 s). */
const FAILURE_RETRY_MS = 1000;

/** Settings of `ScheduleMessageService`. */
export interface ScheduleMessageServiceOptions {
  store: BrokerMessageStore;
  clock: Clock;
  /** Delay of each level in ms (index 0 = level 1). */
  delayLevels: readonly number[];
  /** Folder of `delayOffset.json`; none = memory only. */
  configDir?: string;
  /** Period of the offset file write, ms. */
  flushIntervalMs: number;
  /** This broker's address, written into re-stored messages. */
  storeHost: () => SocketAddress;
}

interface LevelState {
  offset: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  idle: boolean;
  running: boolean;
}

/** See the module comment. */
export class ScheduleMessageService {
  readonly #options: ScheduleMessageServiceOptions;
  readonly #file: ConfigFile | undefined;
  readonly #levels: LevelState[];
  #flushTimer: ReturnType<typeof setInterval> | undefined;
  #dirty = false;
  #started = false;
  #closed = false;
  /** Messages re-stored since start. */
  delivered = 0;

  /** Creates the service; `load()` reads the saved cursors, `start()` runs it. */
  constructor(options: ScheduleMessageServiceOptions) {
    this.#options = options;
    this.#file = options.configDir === undefined
      ? undefined
      : new ConfigFile(`${options.configDir}/delayOffset.json`);
    this.#levels = options.delayLevels.map(() => ({
      offset: 0,
      timer: undefined,
      idle: false,
      running: false,
    }));
  }

  /** Reads `delayOffset.json` (or its `.bak`). */
  load(): void {
    const table = this.#file?.load((text) => parseDelayOffsetTable(text));
    if (table === undefined) return;
    for (const [level, offset] of table) {
      const state = this.#levels[level - 1];
      if (state !== undefined) state.offset = offset;
    }
  }

  /**
   * A slave takes its master's cursors (Java `SlaveSynchronize.syncDelayOffset`):
   * they replace the ones in memory and are written to `delayOffset.json`, so a
   * slave restarted as master resumes delivery where its master was. Ignored
   * once the service runs (a master's own cursors win).
   */
  async replaceOffsets(table: ReadonlyMap<number, number>): Promise<void> {
    if (this.#started) return;
    for (const [level, offset] of table) {
      const state = this.#levels[level - 1];
      if (state !== undefined && state.offset !== offset) {
        state.offset = offset;
        this.#dirty = true;
      }
    }
    await this.persist();
  }

  /** Starts one cursor per level and the periodic offset write. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#levels.forEach((_, i) => this.#schedule(i, FIRST_DELAY_MS));
    this.#flushTimer = setInterval(() => void this.persist(), this.#options.flushIntervalMs);
  }

  /** The saved cursor of a level (1-based), for tests and admin. */
  offsetOf(level: number): number {
    return this.#levels[level - 1]?.offset ?? 0;
  }

  /** A new message arrived in `SCHEDULE_TOPIC_XXXX` queue `queueId`: wake an idle cursor. */
  notifyArrived(queueId: number): void {
    const state = this.#levels[queueId];
    if (state === undefined || !state.idle || !this.#started) return;
    this.#schedule(queueId, 0);
  }

  /** `{"offsetTable":{1:0,...}}` as Java writes it (GET_ALL_DELAY_OFFSET, the file). */
  toJson(): string {
    const parts = this.#levels.map((s, i) => `${i + 1}:${s.offset}`);
    return `{"offsetTable":{${parts.join(",")}}}`;
  }

  /** Writes the cursors when they moved. */
  async persist(): Promise<void> {
    if (this.#file === undefined || !this.#dirty) return;
    this.#dirty = false;
    await this.#file.persist(this.toJson()).catch((error) => {
      this.#dirty = true;
      log.error("Cannot persist delay offsets", { error });
    });
  }

  /** Stops the cursors and writes the file; waits for a running delivery to end. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#flushTimer);
    for (const state of this.#levels) clearTimeout(state.timer);
    for (let i = 0; i < 200 && this.#levels.some((s) => s.running); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (this.#file !== undefined && this.#dirty) this.#file.persistSync(this.toJson());
    this.#dirty = false;
  }

  #schedule(index: number, delayMs: number, idle = false): void {
    const state = this.#levels[index];
    if (state === undefined || this.#closed) return;
    clearTimeout(state.timer);
    state.idle = idle;
    state.timer = setTimeout(() => void this.#tick(index), Math.max(0, delayMs));
  }

  async #tick(index: number): Promise<void> {
    const state = this.#levels[index];
    if (state === undefined || this.#closed || state.running) return;
    state.running = true;
    state.idle = false;
    let next: { delayMs: number; idle: boolean } = { delayMs: 0, idle: false };
    try {
      next = await this.#deliverDue(index, state);
    } catch (error) {
      log.error("Delay-level delivery failed", { level: index + 1, error });
      next = { delayMs: FAILURE_RETRY_MS, idle: false };
    } finally {
      state.running = false;
    }
    this.#schedule(index, next.delayMs, next.idle);
  }

  /** Delivers what is due; returns when to look again. */
  async #deliverDue(
    index: number,
    state: LevelState,
  ): Promise<{ delayMs: number; idle: boolean }> {
    const delayMs = this.#options.delayLevels[index] ?? 0;
    for (let round = 0; round < BATCHES_PER_TICK && !this.#closed; round++) {
      const result = await this.#options.store.getMessage(SCHEDULE_TOPIC, index, {
        offset: state.offset,
        maxCount: BATCH_MAX,
      });
      if (result.status === "OFFSET_TOO_SMALL" || result.status === "OFFSET_OVERFLOW_BADLY") {
        log.warn("Delay cursor out of range, moved", {
          level: index + 1,
          to: result.nextBeginOffset,
        });
        this.#move(state, result.nextBeginOffset);
        continue;
      }
      if (result.status !== "FOUND") return { delayMs: IDLE_POLL_MS, idle: true };
      for (const message of decodeStoredMessages(result.messages)) {
        const now = this.#options.clock.now();
        let dueMs = message.storeTimestamp + delayMs;
        // A time further away than the level's delay means the clock moved back: due now.
        if (dueMs > now + delayMs) dueMs = now;
        if (dueMs > now) return { delayMs: dueMs - now, idle: false };
        if (!await this.#deliver(message)) return { delayMs: REFUSED_RETRY_MS, idle: false };
        this.#move(state, message.queueOffset + 1);
      }
    }
    return { delayMs: 0, idle: false };
  }

  #move(state: LevelState, offset: number): void {
    if (state.offset === offset) return;
    state.offset = offset;
    this.#dirty = true;
  }

  /** Re-stores one due message in its real topic; false when the store refused it. */
  async #deliver(message: MessageExt): Promise<boolean> {
    const topic = message.properties.get("REAL_TOPIC");
    const queueId = Number(message.properties.get("REAL_QID"));
    if (topic === undefined || !Number.isInteger(queueId) || topic === TRANS_HALF_TOPIC) {
      log.warn("Delayed message without a deliverable real topic skipped", {
        msgId: message.msgId,
        topic,
      });
      return true;
    }
    // 4.9 keeps DELAY, REAL_TOPIC and REAL_QID in the delivered message's properties.
    const rebuilt = rebuildMessage(message, {
      topic,
      queueId,
      properties: message.properties,
      storeHost: this.#options.storeHost(),
    });
    const result = await this.#options.store.putMessages([rebuilt]);
    if (result.stored.length === 0) {
      log.warn("Store refused a due delayed message", {
        msgId: message.msgId,
        status: result.status,
      });
      return false;
    }
    this.delivered++;
    return true;
  }
}

/** Parses `{"offsetTable":{1:0,2:15}}` (bare or quoted integer keys) into level -> offset. */
export function parseDelayOffsetTable(text: string): Map<number, number> {
  const quoted = text.replace(/([{,]\s*)(\d+)(\s*:)/g, '$1"$2"$3');
  const parsed = JSON.parse(quoted) as { offsetTable?: Record<string, unknown> };
  const table = new Map<number, number>();
  for (const [key, value] of Object.entries(parsed.offsetTable ?? {})) {
    const level = Number(key);
    const offset = Number(value);
    if (Number.isSafeInteger(level) && Number.isSafeInteger(offset) && offset >= 0) {
      table.set(level, offset);
    }
  }
  return table;
}
