/**
 * Dispatches name-server requests by code to one handler each (Java
 * `DefaultRequestProcessor` + `ClientRequestProcessor`), and maps failures at
 * this edge: a bad header or body gives SYSTEM_ERROR with a one-sentence
 * remark, an unknown code REQUEST_CODE_NOT_SUPPORTED with Java's remark.
 * Oneway requests are processed and get no response.
 *
 * Runs on: main thread
 * @module
 */
import { AssertionError, BrokerError, getLogger } from "../common/mod.ts";
import { isOneway, type RemotingCommand, RequestCode, ResponseCode } from "../remoting/mod.ts";
import {
  deleteKvConfig,
  getKvConfig,
  getKvListByNamespace,
  getNamesrvConfig,
  putKvConfig,
  updateNamesrvConfig,
} from "./_admin_requests.ts";
import {
  brokerHeartbeat,
  queryDataVersion,
  registerBroker,
  unregisterBroker,
} from "./_broker_requests.ts";
import { type NamesrvContext, type NamesrvHandler, reply, type RequestSource } from "./_context.ts";
import {
  addWritePermOfBroker,
  deleteTopicInNamesrv,
  getAllTopicList,
  getBrokerClusterInfo,
  getHasUnitSubTopicList,
  getHasUnitSubUnUnitTopicList,
  getRouteInfoByTopic,
  getSystemTopicList,
  getTopicsByCluster,
  getUnitTopicList,
  registerTopicInNamesrv,
  wipeWritePermOfBroker,
} from "./_route_requests.ts";

const log = getLogger("namesrv");

/** Request code to handler: every request the name server answers. */
export const NAMESRV_HANDLERS: ReadonlyMap<number, NamesrvHandler> = new Map([
  [RequestCode.PUT_KV_CONFIG, putKvConfig],
  [RequestCode.GET_KV_CONFIG, getKvConfig],
  [RequestCode.DELETE_KV_CONFIG, deleteKvConfig],
  [RequestCode.REGISTER_BROKER, registerBroker],
  [RequestCode.UNREGISTER_BROKER, unregisterBroker],
  [RequestCode.GET_ROUTEINFO_BY_TOPIC, getRouteInfoByTopic],
  [RequestCode.GET_BROKER_CLUSTER_INFO, getBrokerClusterInfo],
  [RequestCode.WIPE_WRITE_PERM_OF_BROKER, wipeWritePermOfBroker],
  [RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, getAllTopicList],
  [RequestCode.DELETE_TOPIC_IN_NAMESRV, deleteTopicInNamesrv],
  [RequestCode.REGISTER_TOPIC_IN_NAMESRV, registerTopicInNamesrv],
  [RequestCode.GET_KVLIST_BY_NAMESPACE, getKvListByNamespace],
  [RequestCode.GET_TOPICS_BY_CLUSTER, getTopicsByCluster],
  [RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, getSystemTopicList],
  [RequestCode.GET_UNIT_TOPIC_LIST, getUnitTopicList],
  [RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, getHasUnitSubTopicList],
  [RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, getHasUnitSubUnUnitTopicList],
  [RequestCode.UPDATE_NAMESRV_CONFIG, updateNamesrvConfig],
  [RequestCode.GET_NAMESRV_CONFIG, getNamesrvConfig],
  [RequestCode.QUERY_DATA_VERSION, queryDataVersion],
  [RequestCode.ADD_WRITE_PERM_OF_BROKER, addWritePermOfBroker],
  [RequestCode.BROKER_HEARTBEAT, brokerHeartbeat],
]);

/** Turns requests into responses against one name server's state. */
export class NamesrvRequestProcessor {
  readonly #ctx: NamesrvContext;

  /** Binds the processor to the tables, KV store and settings in `ctx`. */
  constructor(ctx: NamesrvContext) {
    this.#ctx = ctx;
  }

  /** The response to `request`, or undefined for a oneway request. */
  process(request: RemotingCommand, source: RequestSource): RemotingCommand | undefined {
    const response = this.#answer(request, source);
    return isOneway(request) ? undefined : response;
  }

  #answer(request: RemotingCommand, source: RequestSource): RemotingCommand {
    const handler = NAMESRV_HANDLERS.get(request.code);
    if (handler === undefined) {
      return reply(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, {
        remark: ` request type ${request.code} not supported`,
      });
    }
    try {
      return handler(request, this.#ctx, source);
    } catch (error) {
      if (error instanceof AssertionError) throw error;
      if (error instanceof BrokerError) {
        log.warn("Request failed", { code: request.code, peer: source.remoteAddress, error });
        return reply(request, ResponseCode.SYSTEM_ERROR, { remark: error.message });
      }
      log.error("Request handler threw", { code: request.code, error });
      return reply(request, ResponseCode.SYSTEM_ERROR, { remark: "Internal error in name server" });
    }
  }
}
