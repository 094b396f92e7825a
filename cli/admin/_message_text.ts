/**
 * Message detail as Java's mqadmin prints it for queryMsgById / queryMsgByOffset /
 * consumeMessage, from either a client `MessageView` or a decoded stored `MessageExt`.
 *
 * Runs on: any
 * @module
 */
import { formatSocketAddress, type MessageExt } from "../../common/mod.ts";
import type { MessageView } from "../../client/mod.ts";
import { formatKeyValues, formatTime } from "./_table.ts";

/** The fields printed for one message. */
export interface PrintableMessage {
  readonly msgId: string;
  readonly offsetMsgId: string;
  readonly topic: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly reconsumeTimes: number;
  readonly bornTimestamp: number;
  readonly storeTimestamp: number;
  readonly bornHost: string;
  readonly storeHost: string;
  readonly sysFlag: number;
  readonly properties: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

/** A decoded stored record as a `PrintableMessage`. */
export function fromMessageExt(ext: MessageExt): PrintableMessage {
  return {
    msgId: ext.properties.get("UNIQ_KEY") ?? ext.msgId,
    offsetMsgId: ext.msgId,
    topic: ext.topic,
    queueId: ext.queueId,
    queueOffset: ext.queueOffset,
    commitLogOffset: ext.commitLogOffset,
    reconsumeTimes: ext.reconsumeTimes,
    bornTimestamp: ext.bornTimestamp,
    storeTimestamp: ext.storeTimestamp,
    bornHost: formatSocketAddress(ext.bornHost),
    storeHost: formatSocketAddress(ext.storeHost),
    sysFlag: ext.sysFlag,
    properties: ext.properties,
    body: ext.body,
  };
}

/** A client `MessageView` as a `PrintableMessage`. */
export function fromMessageView(view: MessageView): PrintableMessage {
  return view;
}

/** The detail block of one message (body as UTF-8 text, at most `bodyMaxChars`). */
export function formatMessage(message: PrintableMessage, bodyMaxChars = 4096): string {
  const props = [...message.properties].map(([k, v]) => `${k}=${v}`).join(", ");
  const text = new TextDecoder().decode(message.body);
  const body = text.length > bodyMaxChars ? `${text.slice(0, bodyMaxChars)}...` : text;
  return formatKeyValues([
    ["OffsetID", message.offsetMsgId],
    ["Topic", message.topic],
    ["Tags", `[${message.properties.get("TAGS") ?? ""}]`],
    ["Keys", `[${message.properties.get("KEYS") ?? ""}]`],
    ["Queue ID", message.queueId],
    ["Queue Offset", message.queueOffset],
    ["CommitLog Offset", message.commitLogOffset],
    ["Reconsume Times", message.reconsumeTimes],
    ["Born Timestamp", formatTime(message.bornTimestamp)],
    ["Store Timestamp", formatTime(message.storeTimestamp)],
    ["Born Host", message.bornHost],
    ["Store Host", message.storeHost],
    ["System Flag", message.sysFlag],
    ["Properties", `{${props}}`],
    ["Message ID", message.msgId],
    ["Message Body", body],
  ]);
}
