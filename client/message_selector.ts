/**
 * MessageSelector (Java `MessageSelector`): how a consumer filters a topic,
 * by tag expression (`TagA || TagB`, `*`) or by an SQL92 expression over
 * message properties (the broker needs `enablePropertyFilter=true`).
 *
 * Runs on: any
 * @module
 */

/** Filter language of a subscription, as sent in heartbeats and pulls (`expressionType`). */
export type ExpressionType = "TAG" | "SQL92";

/** A filter: its language and its text. */
export interface MessageSelector {
  readonly type: ExpressionType;
  readonly expression: string;
}

/** What `subscribe` accepts: a tag expression, a selector, or `{ sql }`. */
export type SubscriptionExpression = string | MessageSelector | { readonly sql: string };

/** Builders of selectors, named as in Java. */
export const MessageSelector = {
  /** An SQL92 filter such as `a > 5 AND region = 'eu'`. */
  bySql(sql: string): MessageSelector {
    return { type: "SQL92", expression: sql };
  },
  /** A tag filter such as `TagA || TagB` (empty or `*` = every message). */
  byTag(tag: string): MessageSelector {
    return { type: "TAG", expression: tag };
  },
} as const;

/** Normalises what `subscribe` was given into a selector. */
export function toMessageSelector(value: SubscriptionExpression | undefined): MessageSelector {
  if (value === undefined) return MessageSelector.byTag("*");
  if (typeof value === "string") return MessageSelector.byTag(value);
  if ("sql" in value) return MessageSelector.bySql(value.sql);
  return value;
}
