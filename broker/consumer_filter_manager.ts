/**
 * SQL92 property filters of consumer subscriptions (Java `ConsumerFilterManager` and
 * `ExpressionMessageFilter` with `enablePropertyFilter=true`): heartbeats register each
 * group's SQL92 subscription per topic, compiled once (an invalid expression is kept as its
 * error, so a pull can say why); pulls filter the records the store returned by evaluating the
 * expression over each record's properties. The store port takes only tag hashes across the
 * worker boundary, so this filtering runs on the main thread over one pull batch at a time
 * (memory bounded by the batch). Compiled filters are cached by expression text (bounded).
 *
 * Runs on: main thread
 * @module
 */
import { decodeProperties, readRecordSummary } from "../common/mod.ts";
import {
  compileSqlFilter,
  FilterError,
  propertyLookup,
  type SqlFilter,
} from "../common/filter/mod.ts";

/** Most compiled expressions cached, and most (group, topic) registrations. */
const FILTERS_MAX = 10_000;

/** A compiled subscription filter, or why it could not be compiled. */
export type CompiledFilter =
  | { ok: true; filter: SqlFilter }
  | { ok: false; error: string };

/** One registration: the group's filter for a topic. */
export interface ConsumerFilterData {
  expression: string;
  /** Client subscription version (`subVersion`) it was registered with. */
  clientVersion: number;
  compiled: CompiledFilter;
}

/** See the module comment. */
export class ConsumerFilterManager {
  readonly #cache = new Map<string, CompiledFilter>();
  readonly #table = new Map<string, ConsumerFilterData>();

  /** Compiles `expression` (cached). */
  compile(expression: string): CompiledFilter {
    const cached = this.#cache.get(expression);
    if (cached !== undefined) return cached;
    let compiled: CompiledFilter;
    try {
      compiled = { ok: true, filter: compileSqlFilter(expression) };
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      compiled = { ok: false, error: error.message };
    }
    if (this.#cache.size >= FILTERS_MAX) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(expression, compiled);
    return compiled;
  }

  /** Registers (or refreshes) a group's SQL92 subscription of `topic`. */
  register(
    group: string,
    topic: string,
    options: { expression: string; clientVersion: number },
  ): ConsumerFilterData {
    const key = `${group}\u0001${topic}`;
    const old = this.#table.get(key);
    if (old !== undefined && old.expression === options.expression) {
      old.clientVersion = Math.max(old.clientVersion, options.clientVersion);
      return old;
    }
    const data = {
      expression: options.expression,
      clientVersion: options.clientVersion,
      compiled: this.compile(options.expression),
    };
    if (old === undefined && this.#table.size >= FILTERS_MAX) return data;
    this.#table.set(key, data);
    return data;
  }

  /** The registration of a group's topic, if any. */
  get(group: string, topic: string): ConsumerFilterData | undefined {
    return this.#table.get(`${group}\u0001${topic}`);
  }

  /** Forgets a group's registrations (group deleted). */
  unregisterGroup(group: string): void {
    for (const key of [...this.#table.keys()]) {
      if (key.startsWith(`${group}\u0001`)) this.#table.delete(key);
    }
  }
}

/** The records of a pull body whose properties match `filter`, back to back, and their count. */
export function filterRecords(
  messages: Uint8Array,
  filter: SqlFilter,
): { messages: Uint8Array; count: number } {
  const kept: Uint8Array[] = [];
  let total = 0;
  let pos = 0;
  while (pos < messages.length) {
    const summary = readRecordSummary(messages, pos);
    if (summary === "blank" || summary === "invalid") break;
    const record = messages.subarray(pos, pos + summary.totalSize);
    pos += summary.totalSize;
    if (filter.evaluate(propertyLookup(decodeProperties(summary.properties)))) {
      kept.push(record);
      total += record.length;
    }
  }
  if (kept.length === 1) return { messages: kept[0]!, count: 1 };
  const out = new Uint8Array(total);
  let at = 0;
  for (const record of kept) {
    out.set(record, at);
    at += record.length;
  }
  return { messages: out, count: kept.length };
}
