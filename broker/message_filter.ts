/**
 * Tag filtering for pulls: builds Java's `SubscriptionData` from a subscription expression
 * (`*`, `TagA || TagB`) and matches consume-queue tag hashes against it, as
 * `ExpressionMessageFilter.isMatchedByConsumeQueue` does. SQL92 subscriptions pass this tag
 * stage untouched; `consumer_filter_manager.ts` evaluates them over message properties.
 *
 * Runs on: main thread
 * @module
 */
import { tagsHashCode } from "../common/mod.ts";
import type { SubscriptionData } from "./consumer_manager.ts";

/** The "all tags" expression. */
export const SUB_ALL = "*";

/** Builds the subscription of `topic` from a tag expression (Java `FilterAPI.build`). */
export function buildSubscriptionData(
  topic: string,
  subString: string | undefined,
  options: { expressionType?: string; subVersion?: number } = {},
): SubscriptionData {
  const expression = subString === undefined || subString.trim() === "" ? SUB_ALL : subString;
  const data: SubscriptionData = {
    topic,
    subString: expression.trim(),
    tagsSet: [],
    codeSet: [],
    subVersion: options.subVersion ?? 0,
    expressionType: options.expressionType ?? "TAG",
    classFilterMode: false,
  };
  if (data.subString === SUB_ALL || data.expressionType !== "TAG") return data;
  for (const piece of data.subString.split("||")) {
    const tag = piece.trim();
    if (tag.length === 0 || data.tagsSet.includes(tag)) continue;
    data.tagsSet.push(tag);
    data.codeSet.push(tagsHashCode(tag));
  }
  return data;
}

/** True when a message whose consume-queue tag hash is `tagsCode` matches `sub`. */
export function matchesTagsCode(sub: SubscriptionData | undefined, tagsCode: number): boolean {
  if (sub === undefined || sub.classFilterMode) return true;
  if (sub.expressionType !== "TAG" && sub.expressionType !== "") return true;
  if (sub.subString === SUB_ALL || sub.subString === "") return true;
  return sub.codeSet.includes(tagsCode);
}

/**
 * The tag filter of `sub` as data for the store: `{ tagsCodes }` listing the accepted tag
 * hashes, or `{}` when every message matches (spread it into `getMessage` options).
 */
export function tagsCodesOf(sub: SubscriptionData | undefined): { tagsCodes?: number[] } {
  if (sub === undefined || sub.classFilterMode) return {};
  if (sub.expressionType !== "TAG" && sub.expressionType !== "") return {};
  if (sub.subString === SUB_ALL || sub.subString === "") return {};
  return { tagsCodes: [...sub.codeSet] };
}
