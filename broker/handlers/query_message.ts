/**
 * QUERY_MESSAGE (12) by key or unique key, and VIEW_MESSAGE_BY_ID (33) by commit-log offset.
 *
 * Runs on: main thread
 * @module
 */
import { createResponse, type RemotingCommand, ResponseCode } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { RequestHeader } from "../request_header.ts";
import { fail } from "./_reply.ts";

/** QUERY_MESSAGE: stored records whose key matches, or QUERY_NOT_FOUND. */
export async function handleQueryMessage(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const h = new RequestHeader(ctx.request.extFields);
  const topic = h.string("topic");
  const key = h.string("key");
  let maxNum = h.int("maxNum");
  if (h.bool("_UNIQUE_KEY_QUERY", false)) maxNum = rt.settings.defaultQueryMaxNum;
  maxNum = Math.max(1, Math.min(maxNum, 64));
  const result = await rt.store.queryMessage(topic, key, {
    maxNum,
    begin: h.long("beginTimestamp"),
    end: h.long("endTimestamp"),
  });
  if (result.records.length === 0) {
    return fail(
      ctx.request,
      ResponseCode.QUERY_NOT_FOUND,
      "can not find message, maybe time range not correct",
    );
  }
  let size = 0;
  for (const r of result.records) size += r.length;
  const body = new Uint8Array(size);
  let pos = 0;
  for (const r of result.records) {
    body.set(r, pos);
    pos += r.length;
  }
  return createResponse(ctx.request, ResponseCode.SUCCESS, {
    extFields: {
      indexLastUpdatePhyoffset: String(result.indexLastUpdatePhyoffset),
      indexLastUpdateTimestamp: String(result.indexLastUpdateTimestamp),
    },
    body,
  });
}

/** VIEW_MESSAGE_BY_ID: the record at the physical offset, or SYSTEM_ERROR. */
export async function handleViewMessageById(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const offset = new RequestHeader(ctx.request.extFields).long("offset");
  const record = await rt.store.lookMessageByOffset(offset);
  if (record === undefined) {
    return fail(
      ctx.request,
      ResponseCode.SYSTEM_ERROR,
      `can not find message by the offset, ${offset}`,
    );
  }
  return createResponse(ctx.request, ResponseCode.SUCCESS, { body: record });
}
