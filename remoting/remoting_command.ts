/**
 * The `RemotingCommand` model: one request or response of the RocketMQ
 * remoting protocol, independent of how its header is encoded.
 *
 * Runs on: any
 * @module
 */
import { LOCAL_LANGUAGE, LOCAL_VERSION } from "./mq_version.ts";

/** How a command's header is (or will be) encoded: JSON text or the binary ROCKETMQ form. */
export type SerializeType = "JSON" | "ROCKETMQ";

/** One remoting command (request or response). Field names are Java's wire names. */
export interface RemotingCommand {
  /** Request code (request) or response code (response). */
  code: number;
  /** Sender's language name, such as `"JAVA"`; any string is allowed. */
  language: string;
  /** Sender's MQVersion ordinal. */
  version: number;
  /** Request id; a response carries the request's value. */
  opaque: number;
  /** Bit 0: response; bit 1: oneway. */
  flag: number;
  /** Short human-readable text, usually on error responses; `undefined` = absent. */
  remark?: string | undefined;
  /** Custom header fields, all strings; `undefined` = key absent on the wire. */
  extFields?: Record<string, string> | undefined;
  /** How the header was decoded or will be encoded. */
  serializeType: SerializeType;
  /** Body bytes; `undefined` or empty = no body. */
  body?: Uint8Array | undefined;
}

/** Flag bit 0: the command is a response. */
export const FLAG_RESPONSE = 1;
/** Flag bit 1: the request expects no response. */
export const FLAG_ONEWAY = 2;

const OPAQUE_MAX = 0x7fffffff;
let opaqueCounter = 0;

/** A process-wide request id: 0, 1, 2, ... wrapping back to 0 after 2^31 - 1. */
export function nextOpaque(): number {
  const value = opaqueCounter;
  opaqueCounter = value >= OPAQUE_MAX ? 0 : value + 1;
  return value;
}

/** True when flag bit 0 marks `cmd` as a response. */
export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_RESPONSE) !== 0;
}

/** True when flag bit 1 marks `cmd` as a oneway request (no response expected). */
export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_ONEWAY) !== 0;
}

/** Options of `createRequest`. */
export interface CreateRequestOptions {
  /** Custom header fields; omitted (absent on the wire) when not given. */
  extFields?: Record<string, string> | undefined;
  /** Body bytes. */
  body?: Uint8Array | undefined;
  /** Set flag bit 1 (no response expected). Default false. */
  oneway?: boolean | undefined;
  /** Request id; default `nextOpaque()`. */
  opaque?: number | undefined;
  /** Header encoding; default `"JSON"`. */
  serializeType?: SerializeType | undefined;
  /** Language name; default `LOCAL_LANGUAGE`. */
  language?: string | undefined;
  /** Version ordinal; default `LOCAL_VERSION`. */
  version?: number | undefined;
  /** Remark; rarely used on requests. */
  remark?: string | undefined;
}

/** Builds a request with our language/version and a fresh opaque unless given. */
export function createRequest(code: number, options: CreateRequestOptions = {}): RemotingCommand {
  const cmd: RemotingCommand = {
    code,
    language: options.language ?? LOCAL_LANGUAGE,
    version: options.version ?? LOCAL_VERSION,
    opaque: options.opaque ?? nextOpaque(),
    flag: options.oneway === true ? FLAG_ONEWAY : 0,
    serializeType: options.serializeType ?? "JSON",
  };
  // Absent optional fields are left out (not set to undefined), as the decoders do.
  if (options.remark !== undefined) cmd.remark = options.remark;
  if (options.extFields !== undefined) cmd.extFields = options.extFields;
  if (options.body !== undefined) cmd.body = options.body;
  return cmd;
}

/** Options of `createResponse`. */
export interface CreateResponseOptions {
  /** Short error text; absent when not given. */
  remark?: string | undefined;
  /** Response header fields; default `{}` (Java clients read `extFields` of every response). */
  extFields?: Record<string, string> | undefined;
  /** Body bytes. */
  body?: Uint8Array | undefined;
  /** Header encoding; default: the request's. */
  serializeType?: SerializeType | undefined;
}

/**
 * Builds the response to `request`: same opaque, response flag set, our
 * language and version, the request's serialize type unless overridden.
 */
export function createResponse(
  request: RemotingCommand,
  code: number,
  options: CreateResponseOptions = {},
): RemotingCommand {
  const cmd: RemotingCommand = {
    code,
    language: LOCAL_LANGUAGE,
    version: LOCAL_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    extFields: options.extFields ?? {},
    serializeType: options.serializeType ?? request.serializeType,
  };
  if (options.remark !== undefined) cmd.remark = options.remark;
  if (options.body !== undefined) cmd.body = options.body;
  return cmd;
}
