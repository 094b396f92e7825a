/**
 * Transactional messages on the broker (Java `TransactionalMessageServiceImpl`,
 * `TransactionalMessageBridge`, `EndTransactionProcessor`): END_TRANSACTION commit re-stores a
 * half message in its real topic (visible to consumers, transaction bits COMMIT,
 * `preparedTransactionOffset` = half record's physical offset) and marks it done with an op
 * record; rollback writes only the op record. Op records go to `RMQ_SYS_TRANS_OP_HALF_TOPIC`
 * queue 0, tag `d`, body = the half record's queue offset (4.9 form; `12,13,` is also read).
 * The periodic check-back lives in `transaction_check_service.ts`.
 *
 * Runs on: main thread
 * @module
 */
import {
  encodeProperties,
  getLogger,
  type MessageExt,
  MessageSysFlag,
  resetTransactionValue,
} from "../common/mod.ts";
import { ResponseCode } from "../remoting/mod.ts";
import type { BrokerRuntime } from "./broker_runtime.ts";
import {
  decodeRecord,
  type MessageDraft,
  rebuildMessage,
  routeDelayLevel,
  TRANS_OP_HALF_TOPIC,
} from "./message_transform.ts";
import { putStatusToResponse } from "./response_codes.ts";

const log = getLogger("broker");
const encoder = new TextEncoder();

/** The END_TRANSACTION header fields the broker uses. */
export interface EndTransactionRequest {
  producerGroup: string;
  tranStateTableOffset: number;
  commitLogOffset: number;
  /** 0 unknown, 8 commit, 12 rollback. */
  commitOrRollback: number;
  fromTransactionCheck: boolean;
  msgId: string;
}

/** What END_TRANSACTION answers (Java answers even one-way requests internally). */
export interface EndTransactionOutcome {
  code: number;
  remark?: string;
}

/** See the module comment. */
export class TransactionalMessageService {
  readonly #rt: () => BrokerRuntime;
  /** Commits since start. */
  committed = 0;
  /** Rollbacks since start. */
  rolledBack = 0;

  /** `rt` is read lazily (the controller builds this service in its constructor). */
  constructor(rt: () => BrokerRuntime) {
    this.#rt = rt;
  }

  /** Handles one END_TRANSACTION. */
  async endTransaction(request: EndTransactionRequest): Promise<EndTransactionOutcome | undefined> {
    const rt = this.#rt();
    if (rt.settings.brokerRole === "SLAVE") {
      return {
        code: ResponseCode.SLAVE_NOT_AVAILABLE,
        remark: "Store is slave mode, so end transaction is forbidden. ",
      };
    }
    const commit = request.commitOrRollback === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
    const rollback = request.commitOrRollback === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
    if (!commit && !rollback) {
      if (request.fromTransactionCheck) {
        log.warn("Transaction state still unknown after check", { msgId: request.msgId });
      }
      return undefined;
    }
    const record = await rt.store.lookMessageByOffset(request.commitLogOffset);
    if (record === undefined) {
      return {
        code: ResponseCode.SYSTEM_ERROR,
        remark: "Find prepared transaction message failed",
      };
    }
    const half = decodeRecord(record);
    const wrong = checkPrepareMessage(half, request);
    if (wrong !== undefined) return { code: ResponseCode.SYSTEM_ERROR, remark: wrong };
    if (commit) {
      const stored = await this.#storeCommitted(half, request.commitLogOffset);
      if (stored !== undefined) return stored;
      this.committed++;
    } else {
      this.rolledBack++;
    }
    await this.putOpRecord(half.queueOffset);
    return { code: ResponseCode.SUCCESS };
  }

  async #storeCommitted(
    half: MessageExt,
    halfOffset: number,
  ): Promise<EndTransactionOutcome | undefined> {
    const rt = this.#rt();
    const properties = new Map(half.properties);
    const topic = properties.get("REAL_TOPIC") ?? "";
    const queueId = Number(properties.get("REAL_QID") ?? "0");
    for (const key of ["REAL_TOPIC", "REAL_QID", "TRAN_MSG"]) properties.delete(key);
    const draft: MessageDraft = {
      topic,
      queueId,
      properties,
      sysFlag: resetTransactionValue(half.sysFlag, MessageSysFlag.TRANSACTION_COMMIT_TYPE),
    };
    routeDelayLevel(draft, rt.delayLevels.length);
    const message = rebuildMessage(half, {
      ...draft,
      preparedTransactionOffset: halfOffset,
      storeHost: rt.storeHost,
    });
    const result = await rt.store.putMessages([message]);
    if (result.stored.length > 0) {
      rt.stats.putMessageCount++;
      return undefined;
    }
    const mapped = putStatusToResponse(result.status);
    return { code: ResponseCode.SYSTEM_ERROR, remark: mapped.remark ?? result.status };
  }

  /** Marks the half message at `halfQueueOffset` done (commit or rollback). */
  async putOpRecord(halfQueueOffset: number): Promise<void> {
    const rt = this.#rt();
    const result = await rt.store.putMessages([{
      topic: TRANS_OP_HALF_TOPIC,
      queueId: 0,
      flag: 0,
      body: encoder.encode(String(halfQueueOffset)),
      properties: encodeProperties(new Map([["TAGS", "d"], ["WAIT", "false"]])),
      sysFlag: 0,
      bornTimestamp: rt.clock.now(),
      bornHost: rt.storeHost,
      storeHost: rt.storeHost,
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
    }]);
    if (result.stored.length === 0) {
      log.error("Cannot store transaction op record", { halfQueueOffset, status: result.status });
    }
  }
}

/** Java `checkPrepareMessage`: the remark of the first mismatch, or `undefined`. */
function checkPrepareMessage(half: MessageExt, request: EndTransactionRequest): string | undefined {
  if (half.properties.get("PGROUP") !== request.producerGroup) return "The producer group wrong";
  if (half.queueOffset !== request.tranStateTableOffset) {
    return "The transaction state table offset wrong";
  }
  if (half.commitLogOffset !== request.commitLogOffset) return "The commit log offset wrong";
  return undefined;
}

/** Half-queue offsets named by an op record body (`12` or `12,13,`). */
export function parseOpBody(body: Uint8Array): number[] {
  const offsets: number[] = [];
  for (const part of new TextDecoder().decode(body).split(",")) {
    const value = Number(part.trim());
    if (part.trim() !== "" && Number.isSafeInteger(value)) offsets.push(value);
  }
  return offsets;
}
