/**
 * END_TRANSACTION (37): the producer's commit (8) or rollback (12) of a half message, sent
 * one-way after the local transaction and again (`fromTransactionCheck=true`) in answer to
 * CHECK_TRANSACTION_STATE. The work is in `transactional_message_service.ts`.
 *
 * Runs on: main thread
 * @module
 */
import { createResponse, type RemotingCommand } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { RequestHeader } from "../request_header.ts";

/** Handles code 37 (one-way requests get no answer, as in Java). */
export async function handleEndTransaction(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand | undefined> {
  const h = new RequestHeader(ctx.request.extFields);
  const outcome = await rt.transactions.endTransaction({
    producerGroup: h.string("producerGroup"),
    tranStateTableOffset: h.long("tranStateTableOffset"),
    commitLogOffset: h.long("commitLogOffset"),
    commitOrRollback: h.int("commitOrRollback"),
    fromTransactionCheck: h.bool("fromTransactionCheck", false),
    msgId: h.optString("msgId") ?? "",
  });
  if (outcome === undefined) return undefined;
  return createResponse(ctx.request, outcome.code, { remark: outcome.remark });
}
