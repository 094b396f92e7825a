/**
 * Tag subscriptions (`expressionType` `TAG`): `*` or `TagA || TagB`, parsed as
 * the Java client's `FilterAPI.buildSubscriptionData` does, and the two
 * checks made on them: the broker's by tag hash code
 * (`ExpressionMessageFilter.isMatchedByConsumeQueue`) and the client's
 * re-check by tag string (`PullAPIWrapper.processPullResult`).
 *
 * Runs on: any
 * @module
 */
import { javaStringHashCode } from "../java_hash.ts";
import { javaTrim } from "./_java_values.ts";

/** Java `SubscriptionData.SUB_ALL`. */
export const SUB_ALL = "*";

/** The two `expressionType` values. */
export type ExpressionType = "TAG" | "SQL92";

/** A parsed tag expression: Java's `tagsSet` and `codeSet` of a subscription. */
export interface TagExpression {
  /** True for `*`, an empty string or no expression: every message matches. */
  readonly all: boolean;
  /** The distinct tags, trimmed, in order of first appearance (`tagsSet`). */
  readonly tags: readonly string[];
  /** The distinct `String.hashCode()` of each tag (`codeSet`). */
  readonly codes: readonly number[];
}

/** Java `ExpressionType.isTagType`: absent, empty or `TAG` means a tag expression. */
export function isTagExpressionType(type: string | undefined): boolean {
  return type === undefined || type === "" || type === "TAG";
}

/**
 * Parses a tag expression: `*`, `""` or undefined subscribe to all; otherwise
 * the parts between `||` are trimmed (Java `String.trim`) and empty parts
 * dropped. A blank expression gives `all: false` with no tags, as in Java.
 *
 * @example
 * ```ts
 * import { parseTagExpression } from "./tag_expression.ts";
 * parseTagExpression("TagA || TagB"); // { all: false, tags: ["TagA", "TagB"], codes: [2598919, 2598920] }
 * ```
 */
export function parseTagExpression(expression: string | undefined): TagExpression {
  if (expression === undefined || expression === "" || expression === SUB_ALL) {
    return { all: true, tags: [], codes: [] };
  }
  const tags = new Set<string>();
  for (const part of expression.split("||")) {
    const tag = javaTrim(part);
    if (tag !== "") tags.add(tag);
  }
  const codes = new Set<number>();
  for (const tag of tags) codes.add(javaStringHashCode(tag));
  return { all: false, tags: [...tags], codes: [...codes] };
}

/**
 * The client's re-check of a pulled message: with no tags in the subscription
 * (all, or a blank expression) everything passes; otherwise the message needs
 * a tag that is in the set (a message without tags is dropped).
 */
export function tagMatches(subscription: TagExpression, tag: string | undefined): boolean {
  if (subscription.tags.length === 0) return true;
  return tag !== undefined && subscription.tags.includes(tag);
}

/**
 * The broker's check of a consume-queue entry: `all` passes, otherwise the
 * entry's tags code (its low 32 bits, Java `Long.intValue()`) must be in
 * `codes`. Hash collisions pass here and are dropped by `tagMatches` on the
 * client.
 */
export function tagCodeMatches(subscription: TagExpression, tagsCode: number): boolean {
  if (subscription.all) return true;
  return subscription.codes.includes(tagsCode | 0);
}
