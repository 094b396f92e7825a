/**
 * Requests the broker forwards to one live consumer client and answers with the client's
 * response, as Java's `AdminBrokerProcessor.callConsumer`: GET_CONSUMER_RUNNING_INFO (307) and
 * CONSUME_MESSAGE_DIRECTLY (309; the broker first loads the record named by the offset `msgId`
 * and sends its stored bytes as the body, with its own `brokerName` in the header).
 *
 * Runs on: main thread
 * @module
 */
import { decodeOffsetMessageId, TimeoutError } from "../../common/mod.ts";
import {
  createRequest,
  createResponse,
  type RemotingCommand,
  RequestCode,
  ResponseCode,
} from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { RequestHeader } from "../request_header.ts";
import { fail } from "./_reply.ts";

/** How long the broker waits for the client (Java `Broker2Client.callClient`: 10 s). */
export const CALL_CLIENT_TIMEOUT_MS = 10_000;

/** GET_CONSUMER_RUNNING_INFO: asks the consumer `clientId` of `consumerGroup` for its state. */
export function handleGetConsumerRunningInfo(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const header = new RequestHeader(ctx.request.extFields);
  const group = header.string("consumerGroup");
  const clientId = header.string("clientId");
  return callConsumer(rt, ctx.request, RequestCode.GET_CONSUMER_RUNNING_INFO, group, clientId);
}

/** CONSUME_MESSAGE_DIRECTLY: has the consumer `clientId` consume the message `msgId` now. */
export async function handleConsumeMessageDirectly(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand> {
  const { request } = ctx;
  const header = new RequestHeader(request.extFields);
  const group = header.string("consumerGroup");
  const clientId = header.string("clientId");
  const msgId = header.string("msgId");
  let offset: number;
  try {
    offset = decodeOffsetMessageId(msgId).offset;
  } catch (error) {
    return fail(request, ResponseCode.SYSTEM_ERROR, (error as Error).message);
  }
  const record = await rt.store.lookMessageByOffset(offset);
  if (record === undefined) {
    return fail(
      request,
      ResponseCode.SYSTEM_ERROR,
      `can not find message by the offset, ${offset}`,
    );
  }
  const forwarded: RemotingCommand = {
    ...request,
    extFields: { ...request.extFields, brokerName: rt.settings.brokerName },
    body: record,
  };
  return callConsumer(rt, forwarded, RequestCode.CONSUME_MESSAGE_DIRECTLY, group, clientId);
}

async function callConsumer(
  rt: BrokerRuntime,
  request: RemotingCommand,
  code: number,
  group: string,
  clientId: string,
): Promise<RemotingCommand> {
  const client = rt.consumers.findChannel(group, clientId);
  if (client === undefined || client.channel.closed) {
    return fail(
      request,
      ResponseCode.SYSTEM_ERROR,
      `The Consumer <${group}> <${clientId}> not online`,
    );
  }
  const outgoing = createRequest(code, { extFields: { ...request.extFields }, body: request.body });
  let answer: RemotingCommand;
  try {
    answer = await client.channel.invoke(outgoing, CALL_CLIENT_TIMEOUT_MS);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (error instanceof TimeoutError) {
      return fail(
        request,
        ResponseCode.CONSUME_MSG_TIMEOUT,
        `consumer <${group}> <${clientId}> Timeout: ${text}`,
      );
    }
    return fail(
      request,
      ResponseCode.SYSTEM_ERROR,
      `invoke consumer <${group}> <${clientId}> Exception: ${text}`,
    );
  }
  // The client's answer goes back as is, under the opaque of the caller's request.
  return createResponse(request, answer.code, {
    remark: answer.remark,
    extFields: answer.extFields ?? {},
    body: answer.body,
  });
}
