/**
 * UPDATE_BROKER_CONFIG (25): the body is Java properties text (`key=value` lines). Only keys
 * the broker reads on every request can change at run time (`RUNTIME_KEYS`); each value is
 * checked with the same schema as `broker.properties`, and nothing changes unless every line
 * is valid. As Java does, a new `brokerPermission` bumps the topic data version so the next
 * registration (sent at once) carries it. Changes live until restart: like Java without a
 * writable config file, they are not written back to `broker.properties`.
 *
 * Runs on: main thread
 * @module
 */
import { ConfigError, getLogger } from "../../common/mod.ts";
import { brokerConfigSchema, parsePropertiesText } from "../../common/config/mod.ts";
import { type RemotingCommand, ResponseCode } from "../../remoting/mod.ts";
import type { BrokerRuntime, RequestContext } from "../broker_runtime.ts";
import { fail, ok } from "./_reply.ts";

const log = getLogger("broker");

/** Keys read per request, so a new value takes effect at once. */
export const RUNTIME_KEYS: ReadonlySet<string> = new Set([
  "brokerPermission",
  "longPollingEnable",
  "shortPollingTimeMills",
  "notifyConsumerIdsChangedEnable",
  "rejectTransactionMessage",
  "slaveReadEnable",
  "traceOn",
  "regionId",
  "enablePropertyFilter",
  "timerMaxDelaySec",
  "defaultQueryMaxNum",
]);

/** Checks every line; returns the typed values or what is wrong with the first bad line. */
export function parseRuntimeUpdate(text: string): Map<string, unknown> | string {
  let entries;
  try {
    entries = parsePropertiesText(text, "UPDATE_BROKER_CONFIG body");
  } catch (error) {
    return error instanceof ConfigError ? error.message : String(error);
  }
  const shape = brokerConfigSchema.shape as Record<string, { safeParse(v: unknown): unknown }>;
  const out = new Map<string, unknown>();
  for (const { key, value } of entries) {
    if (!RUNTIME_KEYS.has(key)) {
      return `${key} cannot change at run time (keys that can: ${[...RUNTIME_KEYS].join(", ")})`;
    }
    const parsed = shape[key]?.safeParse(value) as
      | { success: true; data: unknown }
      | { success: false }
      | undefined;
    if (parsed === undefined || !parsed.success) return `invalid value "${value}" for ${key}`;
    out.set(key, parsed.data);
  }
  return out;
}

/** UPDATE_BROKER_CONFIG: see the module comment. */
export function handleUpdateBrokerConfig(rt: BrokerRuntime, ctx: RequestContext): RemotingCommand {
  const text = new TextDecoder().decode(ctx.request.body ?? new Uint8Array(0));
  const update = parseRuntimeUpdate(text);
  if (typeof update === "string") {
    return fail(ctx.request, ResponseCode.SYSTEM_ERROR, update);
  }
  const settings = rt.settings as unknown as Record<string, unknown>;
  const permissionBefore = rt.settings.brokerPermission;
  for (const [key, value] of update) settings[key] = value;
  if (rt.settings.brokerPermission !== permissionBefore) rt.topics.touch();
  log.info("Broker config updated", {
    peer: ctx.channel.remoteAddress,
    ...Object.fromEntries(update),
  });
  return ok(ctx.request, {});
}
