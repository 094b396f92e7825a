/**
 * TransactionProducer (Java `TransactionMQProducer`): sends a half message
 * (`TRAN_MSG`, `PGROUP`, prepared sysFlag), runs the local transaction, and
 * ends it with a one-way END_TRANSACTION (commit 8, rollback 12, unknown 0).
 * When the broker asks about an unresolved half message
 * (CHECK_TRANSACTION_STATE), the check listener answers with
 * END_TRANSACTION `fromTransactionCheck=true`. Headers are Java's, key for
 * key.
 *
 * Runs on: main thread
 * @module
 */
import { decodeOffsetMessageId, getLogger } from "../common/mod.ts";
import { MQClientError } from "./errors.ts";
import type { Message, MessageView } from "./message.ts";
import { Producer, producerInternals } from "./producer.ts";
import type { ProducerOptions, SendOptions, SendResult } from "./producer.ts";
import type { EndTransactionHeader } from "./request_headers.ts";

const log = getLogger("client.transaction");

/** What the local transaction (or a check) decided. `UNKNOW` is Java's spelling. */
export type LocalTransactionState = "COMMIT_MESSAGE" | "ROLLBACK_MESSAGE" | "UNKNOW";

/** `commitOrRollback` values of END_TRANSACTION (`MessageSysFlag` transaction types). */
export const TRANSACTION_STATE_CODE: Readonly<Record<LocalTransactionState, number>> = {
  COMMIT_MESSAGE: 8,
  ROLLBACK_MESSAGE: 12,
  UNKNOW: 0,
};

/** What `executeLocalTransaction` is told about the half message. */
export interface LocalTransactionContext {
  /** The transaction id (the message's UNIQ_KEY). */
  readonly transactionId: string;
  /** The stored half message. */
  readonly sendResult: SendResult;
  /** The argument given to `sendMessageInTransaction`. */
  readonly arg: unknown;
}

/** The two callbacks of a transactional producer (Java `TransactionListener`). */
export interface TransactionListener {
  /** Runs the local transaction after the half message was stored; throwing means `UNKNOW`. */
  executeLocalTransaction(
    message: Message,
    context: LocalTransactionContext,
  ): LocalTransactionState | Promise<LocalTransactionState>;
  /** Answers the broker's check of a half message left unresolved; throwing means `UNKNOW`. */
  checkLocalTransaction(
    message: MessageView,
  ): LocalTransactionState | Promise<LocalTransactionState>;
}

/** Transactional producer settings. */
export interface TransactionProducerOptions extends ProducerOptions {
  /** The local-transaction executor and check listener. */
  transactionListener: TransactionListener;
}

/** A send in a transaction and its local outcome. */
export interface TransactionSendResult extends SendResult {
  /** What the local transaction decided (`ROLLBACK_MESSAGE` when the half send was not SEND_OK). */
  readonly localTransactionState: LocalTransactionState;
}

/** Per-send choices of `sendMessageInTransaction`. */
export interface TransactionSendOptions extends Pick<SendOptions, "timeoutMs"> {
  /** Passed to `executeLocalTransaction`. */
  arg?: unknown;
}

/** Commit offset of the half message, from its offset message id (Java decodes the same). */
function halfCommitLogOffset(result: SendResult): number {
  const id = result.offsetMsgId !== "" ? result.offsetMsgId : result.msgId;
  return decodeOffsetMessageId(id.split(",")[0]!).offset;
}

/** Sends transactional messages; `start()`, `sendMessageInTransaction()`, `shutdown()`. */
export class TransactionProducer extends Producer {
  readonly #listener: TransactionListener;
  readonly #checks = new Set<Promise<void>>();

  /** Validates options; nothing connects until `start()`. */
  constructor(options: TransactionProducerOptions) {
    super(options);
    this.#listener = options.transactionListener;
    producerInternals(this).extendRegistration({
      checkTransactionState: (addr, message, header) => this.#track(addr, message, header),
    });
  }

  /**
   * Sends `message` as a half message, runs the local transaction, and ends
   * the transaction one-way with its outcome. Throws when the half message
   * cannot be sent; a local transaction that throws is reported `UNKNOW`
   * (left to the broker's check).
   */
  async sendMessageInTransaction(
    message: Message,
    options: TransactionSendOptions = {},
  ): Promise<TransactionSendResult> {
    const internals = producerInternals(this);
    const sendOptions = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
    const sendResult = await internals.sendHalf(message, sendOptions);
    let state: LocalTransactionState = "ROLLBACK_MESSAGE";
    if (sendResult.status === "SEND_OK") {
      try {
        state = await this.#listener.executeLocalTransaction(message, {
          transactionId: sendResult.msgId,
          sendResult,
          arg: options.arg,
        });
      } catch (cause) {
        log.warn("Local transaction threw, its state is unknown", {
          msgId: sendResult.msgId,
          cause,
        });
        state = "UNKNOW";
      }
    }
    try {
      await this.#endTransaction(sendResult, state);
    } catch (cause) {
      // Java logs and returns: the broker's check resolves the half message later.
      log.warn("Cannot end transaction, the broker will check it", {
        msgId: sendResult.msgId,
        cause,
      });
    }
    return { ...sendResult, localTransactionState: state };
  }

  async #endTransaction(result: SendResult, state: LocalTransactionState): Promise<void> {
    const instance = producerInternals(this).instance();
    const addr = await instance.findBrokerAddrOrRefresh(
      result.messageQueue.brokerName,
      result.messageQueue.topic,
    );
    const header: EndTransactionHeader = {
      producerGroup: this.groupName,
      commitLogOffset: halfCommitLogOffset(result),
      msgId: result.msgId,
      tranStateTableOffset: result.queueOffset,
      commitOrRollback: TRANSACTION_STATE_CODE[state],
      transactionId: result.transactionId,
      fromTransactionCheck: false,
    };
    await instance.api.endTransactionOneway(addr, header);
  }

  #track(
    addr: string,
    message: MessageView,
    header: Readonly<Record<string, string>>,
  ): Promise<void> {
    const check = this.#answerCheck(addr, message, header);
    this.#checks.add(check);
    void check.finally(() => this.#checks.delete(check)).catch(() => undefined);
    return check;
  }

  async #answerCheck(
    addr: string,
    message: MessageView,
    header: Readonly<Record<string, string>>,
  ): Promise<void> {
    let state: LocalTransactionState = "UNKNOW";
    try {
      state = await this.#listener.checkLocalTransaction(message);
    } catch (cause) {
      log.warn("Transaction check listener threw, answering unknown", {
        msgId: message.msgId,
        cause,
      });
    }
    const instance = producerInternals(this).instance();
    const commitLogOffset = Number(header.commitLogOffset);
    const tranStateTableOffset = Number(header.tranStateTableOffset);
    if (!Number.isSafeInteger(commitLogOffset) || !Number.isSafeInteger(tranStateTableOffset)) {
      throw new MQClientError(
        `Cannot answer transaction check: bad offsets in the header from "${addr}"`,
        "ILLEGAL_MESSAGE",
      );
    }
    await instance.api.endTransactionOneway(addr, {
      producerGroup: this.groupName,
      commitLogOffset,
      msgId: message.properties.get("UNIQ_KEY") ?? message.offsetMsgId,
      tranStateTableOffset,
      commitOrRollback: TRANSACTION_STATE_CODE[state],
      transactionId: header.transactionId,
      fromTransactionCheck: true,
    });
  }

  /** Waits for checks being answered, then shuts down as `Producer.shutdown()`. */
  override async shutdown(): Promise<void> {
    await Promise.allSettled([...this.#checks]);
    await super.shutdown();
  }
}
