/**
 * Bounds of the SQL92 filter compiler. Java has none; we bound the input so
 * that a hostile subscription cannot exhaust the stack or the heap.
 *
 * Runs on: any
 * @module
 */
import { assert } from "../assert.ts";

/** Longest SQL92 filter expression accepted, in UTF-16 code units. */
export const SQL_FILTER_MAX_CHARS = 64 * 1024;
/**
 * Deepest nesting accepted: parentheses, prefix operators and chained
 * comparisons each count one level. Keeps parser and evaluator recursion small.
 */
export const SQL_FILTER_MAX_DEPTH = 64;

assert(SQL_FILTER_MAX_DEPTH >= 8, "Filters must allow a few levels of nesting");
assert(SQL_FILTER_MAX_CHARS >= 1024, "Filters must allow practical IN lists");
