/**
 * Routes a request to its handler by code, and turns every failure into a response: unknown
 * codes get REQUEST_CODE_NOT_SUPPORTED, malformed headers INVALID_PARAMETER with a remark,
 * anything else SYSTEM_ERROR. One-way requests are processed but never answered.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/mod.ts";
import {
  createResponse,
  isOneway,
  type RemotingCommand,
  RequestCode,
  ResponseCode,
} from "../remoting/mod.ts";
import type { BrokerRuntime, RequestContext, RequestHandler } from "./broker_runtime.ts";
import { errorToResponse } from "./response_codes.ts";
import { turnMonotonic } from "./_turn_clock.ts";
import { handleSendMessage } from "./handlers/send_message.ts";
import { handlePullMessage } from "./handlers/pull_message.ts";
import {
  handleCheckClientConfig,
  handleGetConsumerList,
  handleHeartbeat,
  handleQueryConsumerOffset,
  handleUnregisterClient,
  handleUpdateConsumerOffset,
} from "./handlers/client_manage.ts";
import {
  handleGetEarliestMsgStoreTime,
  handleGetMaxOffset,
  handleGetMinOffset,
  handleSearchOffsetByTimestamp,
} from "./handlers/queue_offsets.ts";
import { handleQueryMessage, handleViewMessageById } from "./handlers/query_message.ts";
import {
  handleDeleteSubscriptionGroup,
  handleDeleteTopic,
  handleGetAllConsumerOffset,
  handleGetAllDelayOffset,
  handleGetAllSubscriptionGroups,
  handleGetAllTopicConfig,
  handleQueryTopicConsumeByWho,
  handleUpdateAndCreateTopic,
  handleUpdateSubscriptionGroup,
} from "./handlers/admin.ts";
import {
  handleGetBrokerConfig,
  handleGetBrokerRuntimeInfo,
  handleGetConsumerConnectionList,
  handleGetConsumeStats,
  handleGetProducerConnectionList,
  handleGetTopicStats,
  handleViewBrokerStatsData,
} from "./handlers/broker_info.ts";

import { handleUpdateBrokerConfig } from "./handlers/broker_config.ts";
import { handleConsumerSendMsgBack } from "./handlers/send_back.ts";
import { handleEndTransaction } from "./handlers/end_transaction.ts";
import { handleLockBatchMq, handleUnlockBatchMq } from "./handlers/queue_lock.ts";
import {
  handleConsumeMessageDirectly,
  handleGetConsumerRunningInfo,
} from "./handlers/call_consumer.ts";

const log = getLogger("broker");

/** Request code -> handler, for every code the broker serves. */
export const BROKER_HANDLERS: ReadonlyMap<number, RequestHandler> = new Map<number, RequestHandler>(
  [
    [RequestCode.SEND_MESSAGE, handleSendMessage],
    [RequestCode.SEND_MESSAGE_V2, handleSendMessage],
    [RequestCode.SEND_BATCH_MESSAGE, handleSendMessage],
    [RequestCode.PULL_MESSAGE, handlePullMessage],
    [RequestCode.LITE_PULL_MESSAGE, handlePullMessage],
    [RequestCode.QUERY_MESSAGE, handleQueryMessage],
    [RequestCode.VIEW_MESSAGE_BY_ID, handleViewMessageById],
    [RequestCode.QUERY_CONSUMER_OFFSET, handleQueryConsumerOffset],
    [RequestCode.UPDATE_CONSUMER_OFFSET, handleUpdateConsumerOffset],
    [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, handleSearchOffsetByTimestamp],
    [RequestCode.GET_MAX_OFFSET, handleGetMaxOffset],
    [RequestCode.GET_MIN_OFFSET, handleGetMinOffset],
    [RequestCode.GET_EARLIEST_MSG_STORETIME, handleGetEarliestMsgStoreTime],
    [RequestCode.HEART_BEAT, handleHeartbeat],
    [RequestCode.UNREGISTER_CLIENT, handleUnregisterClient],
    [RequestCode.GET_CONSUMER_LIST_BY_GROUP, handleGetConsumerList],
    [RequestCode.UPDATE_AND_CREATE_TOPIC, handleUpdateAndCreateTopic],
    [RequestCode.DELETE_TOPIC_IN_BROKER, handleDeleteTopic],
    [RequestCode.GET_ALL_TOPIC_CONFIG, handleGetAllTopicConfig],
    [RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, handleUpdateSubscriptionGroup],
    [RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, handleGetAllSubscriptionGroups],
    [RequestCode.DELETE_SUBSCRIPTIONGROUP, handleDeleteSubscriptionGroup],
    [RequestCode.GET_CONSUME_STATS, handleGetConsumeStats],
    [RequestCode.GET_TOPIC_STATS_INFO, handleGetTopicStats],
    [RequestCode.GET_BROKER_RUNTIME_INFO, handleGetBrokerRuntimeInfo],
    [RequestCode.GET_BROKER_CONFIG, handleGetBrokerConfig],
    [RequestCode.UPDATE_BROKER_CONFIG, handleUpdateBrokerConfig],
    [RequestCode.VIEW_BROKER_STATS_DATA, handleViewBrokerStatsData],
    [RequestCode.GET_CONSUMER_CONNECTION_LIST, handleGetConsumerConnectionList],
    [RequestCode.GET_PRODUCER_CONNECTION_LIST, handleGetProducerConnectionList],
    [RequestCode.GET_ALL_CONSUMER_OFFSET, handleGetAllConsumerOffset],
    [RequestCode.GET_ALL_DELAY_OFFSET, handleGetAllDelayOffset],
    [RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, handleQueryTopicConsumeByWho],
    [RequestCode.CONSUMER_SEND_MSG_BACK, handleConsumerSendMsgBack],
    [RequestCode.END_TRANSACTION, handleEndTransaction],
    [RequestCode.LOCK_BATCH_MQ, handleLockBatchMq],
    [RequestCode.UNLOCK_BATCH_MQ, handleUnlockBatchMq],
    [RequestCode.CHECK_CLIENT_CONFIG, handleCheckClientConfig],
    [RequestCode.GET_CONSUMER_RUNNING_INFO, handleGetConsumerRunningInfo],
    [RequestCode.CONSUME_MESSAGE_DIRECTLY, handleConsumeMessageDirectly],
  ],
);

const SEND_CODES: ReadonlySet<number> = new Set([
  RequestCode.SEND_MESSAGE,
  RequestCode.SEND_MESSAGE_V2,
  RequestCode.SEND_BATCH_MESSAGE,
]);
const PULL_CODES: ReadonlySet<number> = new Set([
  RequestCode.PULL_MESSAGE,
  RequestCode.LITE_PULL_MESSAGE,
]);

function recordLatency(rt: BrokerRuntime, code: number, ms: number): void {
  if (SEND_CODES.has(code)) rt.stats.recordSendLatency(ms);
  else if (PULL_CODES.has(code)) rt.stats.recordPullLatency(ms);
}

/** Runs one request; resolves to the response to send, or `undefined` for none. */
export async function dispatchRequest(
  rt: BrokerRuntime,
  ctx: RequestContext,
): Promise<RemotingCommand | undefined> {
  const { request } = ctx;
  const handler = BROKER_HANDLERS.get(request.code);
  let response: RemotingCommand | undefined;
  if (handler === undefined) {
    response = createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, {
      remark: ` request type ${request.code} not supported`,
    });
  } else {
    const started = turnMonotonic();
    try {
      response = await handler(rt, ctx);
      if (response !== undefined) recordLatency(rt, request.code, turnMonotonic() - started);
    } catch (error) {
      const mapped = errorToResponse(error);
      log.warn("Request failed", { code: request.code, peer: ctx.channel.remoteAddress, error });
      response = createResponse(request, mapped.code, { remark: mapped.remark });
    }
  }
  return isOneway(request) ? undefined : response;
}
