/**
 * Tests of the command model helpers and the code tables.
 */
import { equal, notEqual, ok } from "node:assert/strict";
import { languageByte, languageName } from "./language_code.ts";
import { LOCAL_LANGUAGE, LOCAL_VERSION } from "./mq_version.ts";
import {
  createRequest,
  createResponse,
  FLAG_ONEWAY,
  isOneway,
  isResponse,
  nextOpaque,
} from "./remoting_command.ts";
import { RequestCode, requestCodeName } from "./request_code.ts";
import { ResponseCode, responseCodeName } from "./response_code.ts";

Deno.test("createRequest() fills our language, version and a fresh opaque", () => {
  const a = createRequest(RequestCode.HEART_BEAT);
  const b = createRequest(RequestCode.HEART_BEAT, {
    oneway: true,
    opaque: 77,
    serializeType: "ROCKETMQ",
  });
  equal(a.language, LOCAL_LANGUAGE);
  equal(a.version, LOCAL_VERSION);
  equal(a.flag, 0);
  equal(a.serializeType, "JSON");
  equal(a.extFields, undefined);
  notEqual(a.opaque, createRequest(1).opaque);
  equal(b.flag, FLAG_ONEWAY);
  equal(b.opaque, 77);
  ok(isOneway(b) && !isResponse(b));
});

Deno.test("createResponse() copies opaque and serialize type and defaults extFields to {}", () => {
  const request = createRequest(RequestCode.PULL_MESSAGE, {
    serializeType: "ROCKETMQ",
    language: "GO",
    version: 317,
  });
  const response = createResponse(request, ResponseCode.PULL_NOT_FOUND, {
    remark: "OFFSET_OVERFLOW_ONE",
  });
  equal(response.opaque, request.opaque);
  ok(isResponse(response) && !isOneway(response));
  equal(response.serializeType, "ROCKETMQ");
  equal(response.language, "JAVA");
  equal(response.version, 401);
  equal(response.remark, "OFFSET_OVERFLOW_ONE");
  equal(JSON.stringify(response.extFields), "{}");
  equal(createResponse(request, 0, { serializeType: "JSON" }).serializeType, "JSON");
});

Deno.test("nextOpaque() increases by one between calls", () => {
  const first = nextOpaque();
  equal(nextOpaque(), first + 1);
});

Deno.test("requestCodeName() and responseCodeName() name known codes and mark unknown ones", () => {
  equal(requestCodeName(310), "SEND_MESSAGE_V2");
  equal(requestCodeName(105), "GET_ROUTEINFO_BY_TOPIC");
  equal(requestCodeName(200151), "BATCH_ACK_MESSAGE");
  equal(requestCodeName(9999), "UNKNOWN_9999");
  equal(responseCodeName(19), "PULL_NOT_FOUND");
  equal(responseCodeName(17), "TOPIC_NOT_EXIST");
  equal(responseCodeName(3), "REQUEST_CODE_NOT_SUPPORTED");
  equal(responseCodeName(7), "UNKNOWN_7");
  equal(ResponseCode.SYSTEM_ERROR, 1);
  equal(RequestCode.SEND_MESSAGE, 10);
});

Deno.test("languageByte() and languageName() follow JAVA=0 ... NODE_JS=13", () => {
  equal(languageByte("JAVA"), 0);
  equal(languageByte("GO"), 9);
  equal(languageByte("NODE_JS"), 13);
  equal(languageByte("COBOL"), 7);
  equal(languageName(13), "NODE_JS");
  equal(languageName(200), "OTHER");
});
