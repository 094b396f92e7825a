/**
 * Where a message is really stored, as Java's `CommitLog.putMessage` / `HookUtils` and
 * `TransactionalMessageBridge` decide it: a delayed message (`DELAY` > 0) goes to
 * `SCHEDULE_TOPIC_XXXX` queue level-1, a 5.x timer message (`TIMER_DELIVER_MS`,
 * `TIMER_DELAY_SEC`, `TIMER_DELAY_MS`) to `rmq_sys_wheel_timer` queue 0, a transactional half
 * message to `RMQ_SYS_TRANS_HALF_TOPIC` queue 0; each keeps its real topic and queue in
 * `REAL_TOPIC` / `REAL_QID`. Plus the rebuild of a stored record into a new message (re-put
 * of a due delayed message, send-back, commit).
 *
 * Runs on: main thread
 * @module
 */
import {
  decodeStoredMessage,
  encodeProperties,
  type MessageExt,
  MessageSysFlag,
  type MessageToStore,
  resetTransactionValue,
  type SocketAddress,
} from "../common/mod.ts";

/** Delayed messages wait here, queue = level - 1. */
export const SCHEDULE_TOPIC = "SCHEDULE_TOPIC_XXXX";
/** Transactional half messages. */
export const TRANS_HALF_TOPIC = "RMQ_SYS_TRANS_HALF_TOPIC";
/** Commit/rollback marks of half messages. */
export const TRANS_OP_HALF_TOPIC = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
/** Half messages discarded after too many checks. */
export const TRANS_CHECK_MAX_TIME_TOPIC = "TRANS_CHECK_MAX_TIME_TOPIC";
/** 5.x timer messages wait here. */
export const TIMER_TOPIC = "rmq_sys_wheel_timer";
/** The internal group whose offsets track the half and op queues. */
export const TRANS_SYS_GROUP = "CID_RMQ_SYS_TRANS";

/** A message on its way to the store, before its properties are encoded. */
export interface MessageDraft {
  topic: string;
  queueId: number;
  properties: Map<string, string>;
  sysFlag: number;
}

/** What `routeTimer` decided. */
export type TimerRoute = "none" | "timer" | "too-long";

/** The `DELAY` level of a property map (0 when absent or not a number). */
export function delayLevelOf(properties: ReadonlyMap<string, string>): number {
  const level = Number.parseInt(properties.get("DELAY") ?? "0", 10);
  return Number.isFinite(level) ? level : 0;
}

function isNotOrCommit(sysFlag: number): boolean {
  const tx = sysFlag & MessageSysFlag.TRANSACTION_TYPE_MASK;
  return tx === MessageSysFlag.TRANSACTION_NOT_TYPE ||
    tx === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}

/**
 * Java `CommitLog.putMessage`: a message with `DELAY` > 0 (transaction type NOT or COMMIT)
 * goes to `SCHEDULE_TOPIC_XXXX` queue `level - 1`, level capped at `levelCount`. Timer
 * properties of such a message are dropped (`DELAY` wins, as in 5.x). True when rerouted.
 */
export function routeDelayLevel(draft: MessageDraft, levelCount: number): boolean {
  if (!isNotOrCommit(draft.sysFlag)) return false;
  let level = delayLevelOf(draft.properties);
  if (level <= 0) return false;
  if (level > levelCount) level = levelCount;
  draft.properties.set("DELAY", String(level));
  for (const key of ["TIMER_DELIVER_MS", "TIMER_DELAY_SEC", "TIMER_DELAY_MS"]) {
    draft.properties.delete(key);
  }
  draft.properties.set("REAL_TOPIC", draft.topic);
  draft.properties.set("REAL_QID", String(draft.queueId));
  draft.topic = SCHEDULE_TOPIC;
  draft.queueId = level - 1;
  return true;
}

/** The requested delivery time of a timer message, or `undefined` when it is not one. */
export function timerDeliverMs(
  properties: ReadonlyMap<string, string>,
  nowMs: number,
): number | undefined {
  const deliver = properties.get("TIMER_DELIVER_MS");
  if (deliver !== undefined) return Number(deliver);
  const sec = properties.get("TIMER_DELAY_SEC");
  if (sec !== undefined) return nowMs + Number(sec) * 1000;
  const ms = properties.get("TIMER_DELAY_MS");
  if (ms !== undefined) return nowMs + Number(ms);
  return undefined;
}

/**
 * 5.x `HookUtils.transformTimerMessage`: a timer message due later than now goes to
 * `rmq_sys_wheel_timer` queue 0 with `TIMER_OUT_MS` = its delivery time; one due now or in
 * the past is stored directly; one further away than `maxDelayMs` is refused.
 */
export function routeTimer(
  draft: MessageDraft,
  options: { nowMs: number; maxDelayMs: number },
): TimerRoute {
  if (!isNotOrCommit(draft.sysFlag)) return "none";
  const deliverMs = timerDeliverMs(draft.properties, options.nowMs);
  if (deliverMs === undefined) return "none";
  if (!Number.isFinite(deliverMs)) return "too-long";
  if (deliverMs - options.nowMs > options.maxDelayMs) return "too-long";
  if (deliverMs <= options.nowMs) return "none";
  draft.properties.set("TIMER_OUT_MS", String(Math.trunc(deliverMs)));
  draft.properties.set("REAL_TOPIC", draft.topic);
  draft.properties.set("REAL_QID", String(draft.queueId));
  draft.topic = TIMER_TOPIC;
  draft.queueId = 0;
  return "timer";
}

/**
 * Java 4.9 `TransactionalMessageBridge.parseHalfMessageInner`: `REAL_TOPIC` / `REAL_QID` added,
 * transaction bits reset to NOT_TYPE (so the half queue indexes it), topic = half topic, queue 0.
 */
export function routeHalfMessage(draft: MessageDraft): void {
  draft.properties.set("REAL_TOPIC", draft.topic);
  draft.properties.set("REAL_QID", String(draft.queueId));
  draft.sysFlag = resetTransactionValue(draft.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE);
  draft.topic = TRANS_HALF_TOPIC;
  draft.queueId = 0;
}

/** Decodes one stored record (a `lookMessageByOffset` / pull record). */
export function decodeRecord(record: Uint8Array): MessageExt {
  return decodeStoredMessage(record, 0).message;
}

/** Fields of a rebuilt message that differ from the stored one. */
export interface RebuildChanges {
  topic: string;
  queueId: number;
  properties: ReadonlyMap<string, string>;
  sysFlag?: number;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  /** This broker's address; default the stored record's (differs when the port changed). */
  storeHost?: SocketAddress;
}

/**
 * A new message from a stored one: same body, flag, born time and hosts, sysFlag and
 * reconsume count unless changed; the store assigns new offsets and store time.
 */
export function rebuildMessage(stored: MessageExt, changes: RebuildChanges): MessageToStore {
  return {
    topic: changes.topic,
    queueId: changes.queueId,
    flag: stored.flag,
    body: stored.body,
    properties: encodeProperties(changes.properties),
    sysFlag: changes.sysFlag ?? stored.sysFlag,
    bornTimestamp: stored.bornTimestamp,
    bornHost: stored.bornHost,
    storeHost: changes.storeHost ?? stored.storeHost,
    reconsumeTimes: changes.reconsumeTimes ?? stored.reconsumeTimes,
    preparedTransactionOffset: changes.preparedTransactionOffset ?? 0,
  };
}
