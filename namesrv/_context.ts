/**
 * What every name-server request handler receives: the tables, the KV store,
 * the live settings, and the identity of the connection the request came on.
 * Plus `reply`, which builds a response whose `extFields` is present or absent
 * exactly as Java's name server writes it.
 *
 * Runs on: main thread
 * @module
 */
import { createResponse, type RemotingCommand } from "../remoting/mod.ts";
import type { KvConfigManager } from "./kv_config_manager.ts";
import type { ConnectionId, RouteInfoManager } from "./route_info_manager.ts";

/** Settings that handlers read on every request (UPDATE_NAMESRV_CONFIG may change them). */
export interface NamesrvSettings {
  /** Put `orderTopicConf` from the KV store into route data. */
  orderMessageEnable: boolean;
  /** Answer REGISTER_BROKER with the ORDER_TOPIC_CONFIG namespace as body. */
  returnOrderTopicConfigToBroker: boolean;
  /** Allow GET_ALL_TOPIC_LIST_FROM_NAMESERVER. */
  enableAllTopicList: boolean;
  /** Allow GET_TOPICS_BY_CLUSTER and the unit topic lists. */
  enableTopicList: boolean;
}

/** Outcome of UPDATE_NAMESRV_CONFIG. */
export type UpdateConfigResult =
  | { status: "updated" }
  | { status: "forbidden"; key: string }
  | { status: "invalid"; message: string };

/** Shared state of the handlers of one name server. */
export interface NamesrvContext {
  /** Broker, cluster and topic tables. */
  routes: RouteInfoManager;
  /** Namespaced KV store. */
  kv: KvConfigManager;
  /** The current settings. */
  settings(): NamesrvSettings;
  /** The effective configuration as Java properties text (GET_NAMESRV_CONFIG). */
  configText(): string;
  /** Applies `key=value` properties text (UPDATE_NAMESRV_CONFIG). */
  updateConfig(propertiesText: string): UpdateConfigResult;
}

/** The connection a request arrived on. */
export interface RequestSource {
  /** Connection id; brokers registered over it are dropped when it closes. */
  id: ConnectionId;
  /** `ip:port` of the peer, for logs. */
  remoteAddress?: string;
}

/** One request handler: a decoded request in, a response out. */
export type NamesrvHandler = (
  request: RemotingCommand,
  ctx: NamesrvContext,
  source: RequestSource,
) => RemotingCommand;

/** Options of `reply`. */
export interface ReplyOptions {
  /** Error text. */
  remark?: string;
  /** Response header; absent on the wire when not given (Java omits it without a header class). */
  extFields?: Record<string, string>;
  /** Body bytes. */
  body?: Uint8Array;
}

/** Builds the response to `request` with `code`. */
export function reply(
  request: RemotingCommand,
  code: number,
  options: ReplyOptions = {},
): RemotingCommand {
  const response = createResponse(request, code, {
    remark: options.remark,
    body: options.body,
  });
  response.extFields = options.extFields;
  return response;
}
