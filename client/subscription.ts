/**
 * Subscription data (`SubscriptionData`, built as Java's
 * `FilterAPI.buildSubscriptionData`) and the client-side tag re-check that
 * removes tag-hash collisions after a pull.
 *
 * Runs on: any
 * @module
 */
import { javaStringHashCode } from "../common/mod.ts";
import { compileSqlFilter } from "../common/filter/mod.ts";
import { toMessageSelector } from "./message_selector.ts";
import type { ExpressionType, SubscriptionExpression } from "./message_selector.ts";

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
  /** `TAG` or `SQL92` (SQL subscriptions carry no tags; the broker filters them). */
  readonly expressionType: ExpressionType;
}

/**
 * Builds the subscription of `topic`: a tag expression (`*`, empty or
 * `A || B`), or an SQL92 selector, which is parsed here so that a bad
 * expression fails at `subscribe` (`TypeError`) rather than at the broker.
 */
export function buildSubscriptionData(
  topic: string,
  expression: SubscriptionExpression | undefined,
  subVersion: number,
): SubscriptionData {
  const selector = toMessageSelector(expression);
  if (selector.type === "SQL92") {
    return buildSqlSubscription(topic, selector.expression, subVersion);
  }
  const text = selector.expression.trim();
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

function buildSqlSubscription(topic: string, sql: string, subVersion: number): SubscriptionData {
  const text = sql.trim();
  try {
    compileSqlFilter(text);
  } catch (cause) {
    throw new TypeError(`Invalid SQL92 subscription of "${topic}": ${String(cause)}`, { cause });
  }
  return { topic, subString: text, tagsSet: [], codeSet: [], subVersion, expressionType: "SQL92" };
}

/** Whether a message with `tags` passes `subscription` (exact string match, after the broker's hash filter). */
export function matchesSubscription(
  subscription: SubscriptionData,
  tags: string | undefined,
): boolean {
  // SQL92 is not re-checked on the client, as in Java.
  if (subscription.expressionType !== "TAG" || subscription.tagsSet.length === 0) return true;
  return tags !== undefined && subscription.tagsSet.includes(tags);
}
