/**
 * Handlers of the KV config requests (PUT/GET/DELETE_KV_CONFIG,
 * GET_KVLIST_BY_NAMESPACE) and of GET/UPDATE_NAMESRV_CONFIG.
 *
 * Runs on: main thread
 * @module
 */
import { type RemotingCommand, ResponseCode } from "../remoting/mod.ts";
import { type NamesrvContext, reply } from "./_context.ts";
import { RequestHeader } from "./_request_header.ts";
import { encodeKvTable } from "./route_json.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** PUT_KV_CONFIG (100). */
export function putKvConfig(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  const header = new RequestHeader(request);
  ctx.kv.putKvConfig(header.string("namespace"), header.string("key"), header.string("value"));
  return reply(request, ResponseCode.SUCCESS);
}

/** GET_KV_CONFIG (101): header `value`, or QUERY_NOT_FOUND. */
export function getKvConfig(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  const header = new RequestHeader(request);
  const namespace = header.string("namespace");
  const key = header.string("key");
  const value = ctx.kv.getKvConfig(namespace, key);
  if (value === undefined) {
    return reply(request, ResponseCode.QUERY_NOT_FOUND, {
      extFields: {},
      remark: `No config item, Namespace: ${namespace} Key: ${key}`,
    });
  }
  return reply(request, ResponseCode.SUCCESS, { extFields: { value } });
}

/** DELETE_KV_CONFIG (102). */
export function deleteKvConfig(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  const header = new RequestHeader(request);
  ctx.kv.deleteKvConfig(header.string("namespace"), header.string("key"));
  return reply(request, ResponseCode.SUCCESS);
}

/** GET_KVLIST_BY_NAMESPACE (219): body `{"table":{...}}`, or QUERY_NOT_FOUND. */
export function getKvListByNamespace(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  const namespace = new RequestHeader(request).string("namespace");
  const table = ctx.kv.getKvListByNamespace(namespace);
  if (table === undefined) {
    return reply(request, ResponseCode.QUERY_NOT_FOUND, {
      remark: `No config item, Namespace: ${namespace}`,
    });
  }
  return reply(request, ResponseCode.SUCCESS, { body: encodeKvTable(table) });
}

/** GET_NAMESRV_CONFIG (319): the effective configuration as properties text. */
export function getNamesrvConfig(request: RemotingCommand, ctx: NamesrvContext): RemotingCommand {
  return reply(request, ResponseCode.SUCCESS, { body: encoder.encode(ctx.configText()) });
}

/** UPDATE_NAMESRV_CONFIG (318): applies properties text from the body. */
export function updateNamesrvConfig(
  request: RemotingCommand,
  ctx: NamesrvContext,
): RemotingCommand {
  if (request.body === undefined || request.body.length === 0) {
    return reply(request, ResponseCode.SUCCESS);
  }
  const result = ctx.updateConfig(decoder.decode(request.body));
  switch (result.status) {
    case "updated":
      return reply(request, ResponseCode.SUCCESS);
    case "forbidden":
      return reply(request, ResponseCode.NO_PERMISSION, {
        remark: "Can not update config in black list.",
      });
    case "invalid":
      return reply(request, ResponseCode.SYSTEM_ERROR, { remark: result.message });
  }
}
