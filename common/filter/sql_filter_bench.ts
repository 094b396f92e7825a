/**
 * Compile and evaluate costs of SQL92 filters and tag matching, the broker's
 * per-message filter path. Run with `deno bench common/filter/sql_filter_bench.ts`.
 *
 * Runs on: main thread
 * @module
 */
import { compileSqlFilter, propertyLookup } from "./sql_filter.ts";
import { parseTagExpression, tagCodeMatches } from "./tag_expression.ts";
import { javaStringHashCode } from "../java_hash.ts";

const EXPRESSION = "region IN ('eu', 'us', 'ap') AND price BETWEEN 10 AND 20.5 " +
  "AND (vip = 'true' OR level > 3) AND sku IS NOT NULL AND name NOT CONTAINS 'test'";
const filter = compileSqlFilter(EXPRESSION);
const matching = propertyLookup(
  new Map([["region", "eu"], ["price", "15"], ["vip", "false"], ["level", "4"], ["sku", "A1"], [
    "name",
    "x",
  ]]),
);
const missing = propertyLookup(new Map([["region", "eu"]]));
const tags = parseTagExpression("TagA || TagB || TagC || TagD");
const code = javaStringHashCode("TagD");

Deno.bench("compileSqlFilter() of a five-clause expression", () => {
  compileSqlFilter(EXPRESSION);
});

Deno.bench("SqlFilter.evaluate() when every property is present", () => {
  filter.evaluate(matching);
});

Deno.bench("SqlFilter.evaluate() when most properties are missing", () => {
  filter.evaluate(missing);
});

Deno.bench("tagCodeMatches() against four tags", () => {
  tagCodeMatches(tags, code);
});
