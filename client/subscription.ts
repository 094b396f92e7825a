/**
 * Subscription data (`SubscriptionData`, built as Java's
 * `FilterAPI.buildSubscriptionData`) and the client-side tag re-check that
 * removes tag-hash collisions after a pull.
 *
 * Runs on: any
 * @module
 */
import { javaStringHashCode } from "../common/mod.ts";

/** The expression that matches every tag. */
export const SUB_ALL = "*";

/** One topic subscription of a consumer group, as sent in heartbeats. */
export interface SubscriptionData {
  readonly topic: string;
  /** The expression as given (`*` or `TagA || TagB`). */
  readonly subString: string;
  /** Trimmed tags of the expression (empty for `*`). */
  readonly tagsSet: readonly string[];
  /** Java `String.hashCode()` of each tag, what the broker filters by. */
  readonly codeSet: readonly number[];
  /** Version (client ms timestamp when built); pulls send it as `subVersion`. */
  readonly subVersion: number;
  /** Always `TAG` here (SQL92 filtering is not supported by this client). */
  readonly expressionType: "TAG";
}

/** Builds the subscription of `topic` to tag `expression` (`*`, empty or `A || B`). */
export function buildSubscriptionData(
  topic: string,
  expression: string | undefined,
  subVersion: number,
): SubscriptionData {
  const text = expression?.trim() ?? "";
  if (text === "" || text === SUB_ALL) {
    return {
      topic,
      subString: SUB_ALL,
      tagsSet: [],
      codeSet: [],
      subVersion,
      expressionType: "TAG",
    };
  }
  const tagsSet: string[] = [];
  for (const piece of text.split("||")) {
    const tag = piece.trim();
    if (tag !== "" && !tagsSet.includes(tag)) tagsSet.push(tag);
  }
  return {
    topic,
    subString: text,
    tagsSet,
    codeSet: tagsSet.map(javaStringHashCode),
    subVersion,
    expressionType: "TAG",
  };
}

/** Whether a message with `tags` passes `subscription` (exact string match, after the broker's hash filter). */
export function matchesSubscription(
  subscription: SubscriptionData,
  tags: string | undefined,
): boolean {
  if (subscription.tagsSet.length === 0) return true;
  return tags !== undefined && subscription.tagsSet.includes(tags);
}
