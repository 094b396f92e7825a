/**
 * Remoting: the `RemotingCommand` model, the frame and header codecs (pure),
 * the request/response/language code tables, Java-flavoured JSON bodies, and
 * the TCP server and client built on `Deno.listen` / `Deno.connect`.
 *
 * ```ts
 * import { createRequest, decodeFrame, encodeCommand, RequestCode } from "./mod.ts";
 * const frame = encodeCommand(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, {
 *   extFields: { topic: "TopicTest" },
 * }));
 * const cmd = decodeFrame(frame);
 * if (cmd.extFields?.["topic"] !== "TopicTest") throw new Error("round trip failed");
 * ```
 *
 * @module
 */
export { RequestCode, requestCodeName } from "./request_code.ts";
export type { RequestCodeValue } from "./request_code.ts";
export { ResponseCode, responseCodeName } from "./response_code.ts";
export type { ResponseCodeValue } from "./response_code.ts";
export { languageByte, LanguageCode, languageName } from "./language_code.ts";
export type { LanguageName } from "./language_code.ts";
export { LOCAL_LANGUAGE, LOCAL_VERSION, MQVersion } from "./mq_version.ts";
export {
  createRequest,
  createResponse,
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  isOneway,
  isResponse,
  nextOpaque,
} from "./remoting_command.ts";
export type {
  CreateRequestOptions,
  CreateResponseOptions,
  RemotingCommand,
  SerializeType,
} from "./remoting_command.ts";
export {
  decodeJsonHeader,
  decodeJsonHeaderText,
  encodeJsonHeader,
  encodeJsonHeaderText,
} from "./json_header_codec.ts";
export type { CommandHeader } from "./json_header_codec.ts";
export {
  BINARY_HEADER_MIN_BYTES,
  decodeBinaryHeader,
  encodeBinaryHeader,
  fitsBinaryHeader,
} from "./binary_header_codec.ts";
export { decodeFrame, encodeCommand, FrameDecoder } from "./frame_codec.ts";
export type { FrameDecoderOptions } from "./frame_codec.ts";
export {
  JavaDouble,
  javaDouble,
  JavaMap,
  javaMap,
  parseJavaJson,
  stringifyJava,
} from "./java_json.ts";
export type { JavaMapKey, JavaMapOptions, StringifyJavaOptions } from "./java_json.ts";
export { RemotingConnection } from "./remoting_connection.ts";
export { OVERLOAD_REMARK } from "./remoting_connection.ts";
export type { RemotingConnectionOptions, RemotingHandler } from "./remoting_connection.ts";
export { RemotingServer } from "./remoting_server.ts";
export type { RemotingServerOptions, RemotingServerTlsOptions } from "./remoting_server.ts";
export { makeSelfSignedCertificate } from "./self_signed_certificate.ts";
export type { SelfSignedCertificate } from "./self_signed_certificate.ts";
export { parseAddress, RemotingClient } from "./remoting_client.ts";
export type { RemotingClientOptions, RemotingClientTlsOptions } from "./remoting_client.ts";
