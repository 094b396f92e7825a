/**
 * Handlers of route and topic requests: GET_ROUTEINFO_BY_TOPIC,
 * GET_BROKER_CLUSTER_INFO, the topic lists, DELETE_TOPIC_IN_NAMESRV,
 * REGISTER_TOPIC_IN_NAMESRV and the two write-permission operations.
 *
 * Runs on: main thread
 * @module
 */
import { DecodeError } from "../common/mod.ts";
import { MQVersion, parseJavaJson, type RemotingCommand, ResponseCode } from "../remoting/mod.ts";
import { type NamesrvContext, reply } from "./_context.ts";
import { RequestError, RequestHeader } from "./_request_header.ts";
import {
  NAMESPACE_ORDER_TOPIC_CONFIG,
  type QueueData,
  TOPIC_SYS_FLAG_UNIT,
  TOPIC_SYS_FLAG_UNIT_SUB,
  type TopicList,
} from "./route_data.ts";
import { encodeClusterInfo, encodeTopicList, encodeTopicRouteData } from "./route_json.ts";

const FAQ_SUFFIX = "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";

/** GET_ROUTEINFO_BY_TOPIC (105): route data, standard JSON to version >= 401. */
export function getRouteInfoByTopic(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  const header = new RequestHeader(request);
  const topic = header.string("topic");
  const route = ctx.routes.pickupTopicRouteData(topic);
  if (route === undefined) {
    return reply(request, ResponseCode.TOPIC_NOT_EXIST, {
      remark: `No topic route info in name server for the topic: ${topic}${FAQ_SUFFIX}`,
    });
  }
  if (ctx.settings().orderMessageEnable) {
    const conf = ctx.kv.getKvConfig(NAMESPACE_ORDER_TOPIC_CONFIG, topic);
    if (conf !== undefined) route.orderTopicConf = conf;
  }
  const standardJson = request.version >= MQVersion.V4_9_4 ||
    header.optionalBoolean("acceptStandardJsonOnly") === true;
  return reply(request, ResponseCode.SUCCESS, {
    body: encodeTopicRouteData(route, { standardJson }),
  });
}

/** GET_BROKER_CLUSTER_INFO (106): every broker group and cluster (bare integer keys). */
export function getBrokerClusterInfo(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  return reply(request, ResponseCode.SUCCESS, {
    body: encodeClusterInfo(ctx.routes.getAllClusterInfo()),
  });
}

function topicListReply(
  request: RemotingCommand,
  enabled: boolean,
  list: () => TopicList,
): RemotingCommand {
  if (!enabled) return reply(request, ResponseCode.SYSTEM_ERROR, { remark: "disable" });
  return reply(request, ResponseCode.SUCCESS, { body: encodeTopicList(list()) });
}

/** GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206). */
export function getAllTopicList(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  return topicListReply(
    request,
    ctx.settings().enableAllTopicList,
    () => ctx.routes.getAllTopicList(),
  );
}

/** GET_TOPICS_BY_CLUSTER (224). */
export function getTopicsByCluster(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  const cluster = new RequestHeader(request).string("cluster");
  return topicListReply(
    request,
    ctx.settings().enableTopicList,
    () => ctx.routes.getTopicsByCluster(cluster),
  );
}

/** GET_SYSTEM_TOPIC_LIST_FROM_NS (304): cluster and broker-group names, plus one broker address. */
export function getSystemTopicList(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  return topicListReply(request, true, () => ctx.routes.getSystemTopicList());
}

const hasUnit = (flag: number) => (flag & TOPIC_SYS_FLAG_UNIT) !== 0;
const hasUnitSub = (flag: number) => (flag & TOPIC_SYS_FLAG_UNIT_SUB) !== 0;

/** GET_UNIT_TOPIC_LIST (311). */
export function getUnitTopicList(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  return topicListReply(
    request,
    ctx.settings().enableTopicList,
    () => ctx.routes.getTopicsBySysFlag(hasUnit),
  );
}

/** GET_HAS_UNIT_SUB_TOPIC_LIST (312). */
export function getHasUnitSubTopicList(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  return topicListReply(
    request,
    ctx.settings().enableTopicList,
    () => ctx.routes.getTopicsBySysFlag(hasUnitSub),
  );
}

/** GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST (313). */
export function getHasUnitSubUnUnitTopicList(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  return topicListReply(
    request,
    ctx.settings().enableTopicList,
    () => ctx.routes.getTopicsBySysFlag((flag) => !hasUnit(flag) && hasUnitSub(flag)),
  );
}

/** DELETE_TOPIC_IN_NAMESRV (216): the whole topic, or only its queues on one cluster. */
export function deleteTopicInNamesrv(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  const header = new RequestHeader(request);
  ctx.routes.deleteTopic(header.string("topic"), header.optionalString("clusterName"));
  return reply(request, ResponseCode.SUCCESS);
}

function parseQueueDatas(body: Uint8Array): QueueData[] {
  let parsed: unknown;
  try {
    parsed = parseJavaJson(body);
  } catch (error) {
    if (error instanceof DecodeError) {
      throw new RequestError("Invalid request body: not valid JSON", { cause: error });
    }
    throw error;
  }
  const list = typeof parsed === "object" && parsed !== null
    ? (parsed as Record<string, unknown>).queueDatas
    : undefined;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw new RequestError("Invalid request body: queueDatas is not a list");
  }
  return list.map((item: unknown) => {
    const q = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    const int = (key: string, fallback: number) => {
      const value = q[key] ?? fallback;
      if (typeof value !== "number" || !Number.isSafeInteger(value)) {
        throw new RequestError(`Invalid request body: queue data "${key}" is not an integer`);
      }
      return value;
    };
    if (typeof q.brokerName !== "string") {
      throw new RequestError("Invalid request body: queue data has no brokerName");
    }
    return {
      brokerName: q.brokerName,
      readQueueNums: int("readQueueNums", 0),
      writeQueueNums: int("writeQueueNums", 0),
      perm: int("perm", 6),
      topicSysFlag: int("topicSysFlag", typeof q.topicSynFlag === "number" ? q.topicSynFlag : 0),
    };
  });
}

/** REGISTER_TOPIC_IN_NAMESRV (217): adds queue data for registered broker groups. */
export function registerTopicInNamesrv(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  const topic = new RequestHeader(request).string("topic");
  if (request.body !== undefined && request.body.length > 0) {
    ctx.routes.registerTopic(topic, parseQueueDatas(request.body));
  }
  return reply(request, ResponseCode.SUCCESS);
}

/** WIPE_WRITE_PERM_OF_BROKER (205): clears the write bit; answers `wipeTopicCount`. */
export function wipeWritePermOfBroker(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  const brokerName = new RequestHeader(request).string("brokerName");
  const count = ctx.routes.operateWritePermOfBroker(brokerName, "wipe");
  return reply(request, ResponseCode.SUCCESS, { extFields: { wipeTopicCount: String(count) } });
}

/** ADD_WRITE_PERM_OF_BROKER (327): restores read+write; answers `addTopicCount`. */
export function addWritePermOfBroker(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  const brokerName = new RequestHeader(request).string("brokerName");
  const count = ctx.routes.operateWritePermOfBroker(brokerName, "add");
  return reply(request, ResponseCode.SUCCESS, { extFields: { addTopicCount: String(count) } });
}
