/**
 * Handlers of the requests brokers send to the name server: REGISTER_BROKER,
 * UNREGISTER_BROKER, BROKER_HEARTBEAT and QUERY_DATA_VERSION.
 *
 * Runs on: main thread
 * @module
 */
import { bodyCrc, DecodeError } from "../common/mod.ts";
import { parseJavaJson, type RemotingCommand, ResponseCode } from "../remoting/mod.ts";
import { type NamesrvContext, reply, type RequestSource } from "./_context.ts";
import { RequestError, RequestHeader } from "./_request_header.ts";
import { decodeRegisterBrokerBody, parseDataVersion } from "./register_broker_body.ts";
import { NAMESPACE_ORDER_TOPIC_CONFIG } from "./route_data.ts";
import type { RegisterBrokerInput } from "./route_info_manager.ts";
import { encodeDataVersion, encodeKvTable } from "./route_json.ts";

function registerInput(request: RemotingCommand, source: RequestSource): RegisterBrokerInput {
  const header = new RequestHeader(request);
  const input: RegisterBrokerInput = {
    brokerName: header.string("brokerName"),
    brokerAddr: header.string("brokerAddr"),
    clusterName: header.string("clusterName"),
    haServerAddr: header.string("haServerAddr"),
    brokerId: header.integer("brokerId"),
    connectionId: source.id,
  };
  const timeout = header.optionalInteger("heartbeatTimeoutMillis");
  if (timeout !== undefined && timeout > 0) input.heartbeatTimeoutMillis = timeout;
  const actingMaster = header.optionalBoolean("enableActingMaster");
  if (actingMaster !== undefined) input.enableActingMaster = actingMaster;
  const zoneName = header.optionalString("zoneName");
  if (zoneName !== undefined) input.zoneName = zoneName;
  return input;
}

/** REGISTER_BROKER (103): checks the body CRC, decodes topics, registers. */
export function registerBroker(
  request: RemotingCommand,
  ctx: NamesrvContext,
  source: RequestSource,
): RemotingCommand {
  const header = new RequestHeader(request);
  const input = registerInput(request, source);
  const expectedCrc = header.optionalInteger("bodyCrc32") ?? 0;
  if (expectedCrc !== 0) {
    const actual = request.body === undefined ? 0 : bodyCrc(request.body);
    if (actual !== expectedCrc) {
      return reply(request, ResponseCode.SYSTEM_ERROR, { remark: "crc32 not match" });
    }
  }
  const body = decodeRegisterBrokerBody(request.body, {
    compressed: header.optionalBoolean("compressed") ?? false,
    version: request.version,
  });
  if (body.topicConfigWrapper !== undefined) input.topicConfigWrapper = body.topicConfigWrapper;
  input.filterServerList = body.filterServerList;
  const result = ctx.routes.registerBroker(input);
  if (result.status === "rejected") {
    return reply(request, ResponseCode.SYSTEM_ERROR, { remark: "register broker failed" });
  }
  const extFields: Record<string, string> = {};
  if (result.status === "registered" && result.haServerAddr !== undefined) {
    extFields.haServerAddr = result.haServerAddr;
  }
  if (result.status === "registered" && result.masterAddr !== undefined) {
    extFields.masterAddr = result.masterAddr;
  }
  const orderTopics = ctx.settings().returnOrderTopicConfigToBroker
    ? ctx.kv.getKvListByNamespace(NAMESPACE_ORDER_TOPIC_CONFIG)
    : undefined;
  return reply(request, ResponseCode.SUCCESS, {
    extFields,
    ...(orderTopics === undefined ? {} : { body: encodeKvTable(orderTopics) }),
  });
}

/** UNREGISTER_BROKER (104): drops the broker (and its group's routes with the last address). */
export function unregisterBroker(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  const header = new RequestHeader(request);
  ctx.routes.unregisterBroker({
    brokerName: header.string("brokerName"),
    brokerAddr: header.string("brokerAddr"),
    clusterName: header.string("clusterName"),
    brokerId: header.integer("brokerId"),
  });
  return reply(request, ResponseCode.SUCCESS);
}

/** BROKER_HEARTBEAT (904): refreshes liveness only. */
export function brokerHeartbeat(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  const header = new RequestHeader(request);
  ctx.routes.updateBrokerInfoUpdateTimestamp(
    header.string("clusterName"),
    header.string("brokerAddr"),
  );
  return reply(request, ResponseCode.SUCCESS);
}

function parseBodyDataVersion(request: RemotingCommand): ReturnType<typeof parseDataVersion> {
  if (request.body === undefined || request.body.length === 0) {
    throw new RequestError("Invalid request body: a DataVersion is required");
  }
  try {
    return parseDataVersion(parseJavaJson(request.body));
  } catch (error) {
    if (error instanceof DecodeError) {
      throw new RequestError(`Invalid request body: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * QUERY_DATA_VERSION (322): tells a broker whether its topic table changed;
 * an unchanged answer also counts as a heartbeat.
 */
export function queryDataVersion(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  const header = new RequestHeader(request);
  header.string("brokerName");
  header.integer("brokerId");
  const clusterName = header.string("clusterName");
  const brokerAddr = header.string("brokerAddr");
  const version = parseBodyDataVersion(request);
  const changed = ctx.routes.isBrokerTopicConfigChanged(clusterName, brokerAddr, version);
  if (!changed) ctx.routes.updateBrokerInfoUpdateTimestamp(clusterName, brokerAddr);
  const stored = ctx.routes.queryBrokerDataVersion(clusterName, brokerAddr);
  return reply(request, ResponseCode.SUCCESS, {
    extFields: { changed: String(changed) },
    ...(stored === undefined ? {} : { body: encodeDataVersion(stored) }),
  });
}
