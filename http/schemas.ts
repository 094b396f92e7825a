/**
 * zod schemas of every admin API input (path parameters, query strings, JSON bodies) and the
 * validation hook that turns a failure into 400 with the field and the reason.
 *
 * Runs on: main thread
 * @module
 */
import { z } from "zod";
import type { Context } from "hono";
import type { ErrorBody } from "./errors.ts";

const NAME = /^[%|a-zA-Z0-9_-]+$/;

/** A topic name as the broker accepts it. */
export const topicName = z.string().min(1).max(127).regex(
  NAME,
  "allowed characters are %|a-zA-Z0-9_-",
);

/** A group name as the broker accepts it. */
export const groupName = z.string().min(1).max(255).regex(
  NAME,
  "allowed characters are %|a-zA-Z0-9_-",
);

/** `/api/topics/:topic`. */
export const topicParam = z.object({ topic: topicName });

/** `/api/groups/:group`. */
export const groupParam = z.object({ group: groupName });

/** Body of PUT `/api/topics/:topic`; Java's defaults for absent fields. */
export const topicBody = z.object({
  readQueueNums: z.number().int().min(1).max(1024).default(8),
  writeQueueNums: z.number().int().min(1).max(1024).default(8),
  perm: z.union([z.literal(2), z.literal(4), z.literal(6)]).default(6),
  order: z.boolean().default(false),
  topicFilterType: z.enum(["SINGLE_TAG", "MULTI_TAG"]).default("SINGLE_TAG"),
}).strict();

/** Body of PUT `/api/groups/:group`; Java's defaults for absent fields. */
export const groupBody = z.object({
  consumeEnable: z.boolean().default(true),
  consumeFromMinEnable: z.boolean().default(true),
  consumeBroadcastEnable: z.boolean().default(true),
  retryQueueNums: z.number().int().min(0).max(1024).default(1),
  retryMaxTimes: z.number().int().min(-1).max(1000).default(16),
  brokerId: z.number().int().min(0).default(0),
  whichBrokerWhenConsumeSlowly: z.number().int().min(0).default(1),
  notifyConsumerIdsChangedEnable: z.boolean().default(true),
}).strict();

/** Query of DELETE `/api/groups/:group`. */
export const deleteGroupQuery = z.object({
  cleanOffset: z.enum(["true", "false"]).default("false"),
});

/** Query of GET `/api/messages`: by `id`, by `key` (with `topic`), or by time (`topic`, `begin`, `end`). */
export const messageQuery = z.object({
  topic: topicName.optional(),
  id: z.string().min(1).max(128).optional(),
  key: z.string().min(1).max(255).optional(),
  begin: z.coerce.number().int().min(0).default(0),
  end: z.coerce.number().int().min(0).default(Number.MAX_SAFE_INTEGER),
  max: z.coerce.number().int().min(1).max(1000).default(64),
}).refine((q) => q.id !== undefined || q.topic !== undefined, {
  message: "give id, or topic with key or a time window",
  path: ["topic"],
}).refine((q) => q.begin <= q.end, { message: "begin must not be after end", path: ["begin"] });

/** zod-validator hook: 400 with `{ error, issues: [{ field, reason }] }`. */
export function validationHook(
  result: { success: true } | { success: false; error: { issues: readonly z.core.$ZodIssue[] } },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const issues = result.error.issues.map((i) => ({
    field: i.path.map(String).join(".") || "(body)",
    reason: i.message,
  }));
  return c.json<ErrorBody>({ error: "Invalid request", issues }, 400);
}
