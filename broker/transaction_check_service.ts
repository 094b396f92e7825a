/**
 * The transaction check-back (Java `TransactionalMessageCheckService` and
 * `TransactionalMessageServiceImpl.check`): every `transactionCheckInterval` it walks the half
 * queue from its saved offset, reading the op queue as far as needed to learn whether each half
 * message is done (a half message is never checked while unread op records remain: under load
 * its commit can sit thousands of records further on). A pending half message older (by born
 * time) than `transactionTimeOut` (or its `CHECK_IMMUNITY_TIME_IN_SECONDS`) is appended again
 * to the half queue with `TRANSACTION_CHECK_TIMES` + 1 and CHECK_TRANSACTION_STATE (one-way,
 * JSON, body = the copy with its real topic and queue) goes to one live channel of its producer
 * group; after
 * `transactionCheckMax` checks it moves to `TRANS_CHECK_MAX_TIME_TOPIC` and is logged. The
 * half and op offsets are kept as offsets of group `CID_RMQ_SYS_TRANS` (consumerOffset.json),
 * so the work survives a restart. Each run is bounded in records and time.
 *
 * Runs on: main thread
 * @module
 */
import {
  createOffsetMessageId,
  decodeStoredMessages,
  encodeProperties,
  encodeStoredMessage,
  getLogger,
  type MessageExt,
  type MessageToStore,
  storedRecordSize,
} from "../common/mod.ts";
import { createRequest, RequestCode } from "../remoting/mod.ts";
import type { BrokerRuntime } from "./broker_runtime.ts";
import {
  rebuildMessage,
  TRANS_CHECK_MAX_TIME_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
  TRANS_SYS_GROUP,
} from "./message_transform.ts";
import { parseOpBody } from "./transactional_message_service.ts";

const log = getLogger("broker");

/** Records read per store call. */
const BATCH_MAX = 32;
/**
 * Most half records handled in one run. Large: a broker taking thousands of transactional
 * sends a second must scan at least as fast, or checks fall behind for good (Java bounds a run
 * by time only, 60 s).
 */
const RECORDS_PER_RUN_MAX = 100_000;
/** Longest run (Java: 60 s). */
const RUN_TIME_MAX_MS = 10_000;

/** Most op records read in one run. */
const OPS_PER_RUN_MAX = 2 * RECORDS_PER_RUN_MAX;

/**
 * The op queue read on demand from `opStart`: `done` holds the half offsets at/after
 * `halfStart` that an op record names; `exhausted` once every stored op record has been read.
 */
class OpReader {
  readonly done = new Set<number>();
  /** Queue offset of each op record read, in order. */
  readonly opOffsets: number[] = [];
  /** The highest half offset each op record names (-1 for none), in the same order. */
  readonly opMaxHalf: number[] = [];
  exhausted = false;
  readonly #rt: BrokerRuntime;
  readonly #halfStart: number;
  #next: number;

  constructor(rt: BrokerRuntime, opStart: number, halfStart: number) {
    this.#rt = rt;
    this.#next = opStart;
    this.#halfStart = halfStart;
  }

  /** Whether an op names `halfOffset`, reading op records until one does or none are left. */
  async isDone(halfOffset: number): Promise<boolean> {
    while (!this.done.has(halfOffset) && !this.exhausted) {
      if (this.opOffsets.length >= OPS_PER_RUN_MAX) return false;
      await this.#readBatch();
    }
    return this.done.has(halfOffset);
  }

  async #readBatch(): Promise<void> {
    const result = await this.#rt.store.getMessage(TRANS_OP_HALF_TOPIC, 0, {
      offset: this.#next,
      maxCount: BATCH_MAX,
    });
    if (result.status !== "FOUND" || result.count === 0) {
      // A hole (a removed or unreadable record) is stepped over; the end of the queue is not.
      if (result.nextBeginOffset > this.#next && result.nextBeginOffset < result.maxOffset) {
        this.#next = result.nextBeginOffset;
      } else this.exhausted = true;
      return;
    }
    for (const op of decodeStoredMessages(result.messages)) {
      const halfOffsets = parseOpBody(op.body);
      this.opOffsets.push(op.queueOffset);
      this.opMaxHalf.push(halfOffsets.reduce((max, o) => Math.max(max, o), -1));
      for (const o of halfOffsets) if (o >= this.#halfStart) this.done.add(o);
    }
    this.#next = result.nextBeginOffset;
  }
}

/** A half-message copy as stored (offsets and store time filled in). */
type StoredCopy = MessageToStore & {
  queueOffset: number;
  commitLogOffset: number;
  storeTimestamp: number;
};

/** See the module comment. */
export class TransactionCheckService {
  readonly #rt: () => BrokerRuntime;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  /** CHECK_TRANSACTION_STATE requests sent since start. */
  checksSent = 0;
  /** Half messages discarded after `transactionCheckMax` checks. */
  discarded = 0;

  /** `rt` is read lazily (the controller builds this service in its constructor). */
  constructor(rt: () => BrokerRuntime) {
    this.#rt = rt;
  }

  /** Runs a check every `transactionCheckInterval` (masters only). */
  start(): void {
    if (this.#rt().settings.brokerRole === "SLAVE") return;
    this.#arm();
  }

  #arm(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#running = this.checkOnce()
        .catch((error) => log.error("Transaction check failed", { error }))
        .finally(() => {
          this.#running = undefined;
          this.#arm();
        });
    }, this.#rt().settings.transactionCheckInterval);
  }

  /** Stops the timer and waits for a running check. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One check run over the half queue. */
  async checkOnce(): Promise<void> {
    const rt = this.#rt();
    const started = rt.clock.now();
    const halfStart = await this.#progress(TRANS_HALF_TOPIC);
    const opStart = await this.#progress(TRANS_OP_HALF_TOPIC);
    const ops = new OpReader(rt, opStart, halfStart);
    const halfEnd = await rt.store.getMaxOffset(TRANS_HALF_TOPIC, 0);
    let offset = halfStart;
    let handled = 0;
    scan: while (offset < halfEnd && handled < RECORDS_PER_RUN_MAX && !this.#closed) {
      if (rt.clock.now() - started > RUN_TIME_MAX_MS) break;
      const result = await rt.store.getMessage(TRANS_HALF_TOPIC, 0, {
        offset,
        maxCount: BATCH_MAX,
      });
      if (result.status !== "FOUND") {
        if (result.nextBeginOffset > offset) offset = result.nextBeginOffset;
        else break;
        continue;
      }
      for (const half of decodeStoredMessages(result.messages)) {
        if (half.queueOffset >= halfEnd) break scan;
        handled++;
        // As Java does, a half message with no op yet is only checked once every op record in
        // the store has been read: its commit may sit further down the op queue.
        if (!(await ops.isDone(half.queueOffset))) {
          if (!ops.exhausted) break scan; // op reading budget spent: decide in the next run
          const verdict = await this.#checkHalf(half, started);
          if (verdict === "too-young") break scan;
        }
        offset = half.queueOffset + 1;
      }
    }
    rt.offsets.commitOffset(TRANS_SYS_GROUP, TRANS_HALF_TOPIC, 0, offset);
    // The op cursor only passes op records that name half offsets now behind the half cursor.
    let opOffset = opStart;
    for (let i = 0; i < ops.opOffsets.length; i++) {
      if ((ops.opMaxHalf[i] ?? -1) >= offset) break;
      opOffset = (ops.opOffsets[i] ?? opOffset) + 1;
    }
    rt.offsets.commitOffset(TRANS_SYS_GROUP, TRANS_OP_HALF_TOPIC, 0, opOffset);
  }

  async #progress(topic: string): Promise<number> {
    const rt = this.#rt();
    const saved = rt.offsets.queryOffset(TRANS_SYS_GROUP, topic, 0);
    const min = await rt.store.getMinOffset(topic, 0);
    return Math.max(saved, min);
  }

  /** Handles one pending half message. */
  async #checkHalf(
    half: MessageExt,
    nowMs: number,
  ): Promise<"checked" | "too-young" | "discarded"> {
    const rt = this.#rt();
    const { settings } = rt;
    const checkTimes = Number(half.properties.get("TRANSACTION_CHECK_TIMES") ?? "0");
    if (checkTimes >= settings.transactionCheckMax) {
      await this.#discard(half);
      return "discarded";
    }
    const immunitySec = Number(half.properties.get("CHECK_IMMUNITY_TIME_IN_SECONDS") ?? "0");
    const minAgeMs = Math.max(settings.transactionTimeOut, immunitySec * 1000 || 0);
    if (nowMs - half.bornTimestamp < minAgeMs) return "too-young";
    const properties = new Map(half.properties);
    properties.set("TRANSACTION_CHECK_TIMES", String(checkTimes + 1));
    const copy = rebuildMessage(half, {
      topic: TRANS_HALF_TOPIC,
      queueId: 0,
      properties,
      storeHost: rt.storeHost,
    });
    const put = await rt.store.putMessages([copy]);
    const stored = put.stored[0];
    if (stored === undefined) {
      log.warn("Cannot append half message copy for a check", {
        msgId: half.msgId,
        status: put.status,
      });
      return "too-young";
    }
    this.#sendCheck(half, {
      message: { ...copy, ...stored, commitLogOffset: stored.physicalOffset },
      properties,
    });
    return "checked";
  }

  /** CHECK_TRANSACTION_STATE to one live producer channel of the message's group. */
  #sendCheck(
    half: MessageExt,
    copied: { message: StoredCopy; properties: Map<string, string> },
  ): void {
    const { message: copy, properties } = copied;
    const rt = this.#rt();
    const group = half.properties.get("PGROUP") ?? "";
    const channel = rt.producers.channels(group).find((c) => !c.channel.closed)?.channel;
    if (channel === undefined) {
      log.warn("No live producer to check a half message", { group, msgId: half.msgId });
      return;
    }
    const real: MessageToStore = {
      ...copy,
      topic: properties.get("REAL_TOPIC") ?? half.topic,
      queueId: Number(properties.get("REAL_QID") ?? "0"),
      properties: encodeProperties(properties),
    };
    const body = new Uint8Array(storedRecordSize(real));
    encodeStoredMessage(real, body, 0);
    const uniqKey = properties.get("UNIQ_KEY") ?? "";
    channel.send(createRequest(RequestCode.CHECK_TRANSACTION_STATE, {
      extFields: {
        commitLogOffset: String(copy.commitLogOffset),
        msgId: uniqKey,
        tranStateTableOffset: String(copy.queueOffset),
        offsetMsgId: createOffsetMessageId(rt.storeHost, copy.commitLogOffset),
        transactionId: uniqKey,
      },
      body,
      oneway: true,
      serializeType: "JSON",
    }));
    this.checksSent++;
  }

  async #discard(half: MessageExt): Promise<void> {
    const rt = this.#rt();
    rt.topics.createIfMissing(TRANS_CHECK_MAX_TIME_TOPIC, 1, 6);
    const message = rebuildMessage(half, {
      topic: TRANS_CHECK_MAX_TIME_TOPIC,
      queueId: 0,
      properties: half.properties,
      storeHost: rt.storeHost,
    });
    const put = await rt.store.putMessages([message]);
    this.discarded++;
    log.warn("Half message discarded after too many checks", {
      msgId: half.properties.get("UNIQ_KEY"),
      producerGroup: half.properties.get("PGROUP"),
      stored: put.status,
    });
  }
}
