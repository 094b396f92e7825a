/**
 * `finishPlainProperties` against the map path it stands in for (decode, add UNIQ_KEY when
 * missing, set CLUSTER, drop WAIT=true, encode): on random property strings made of the
 * names and separators that matter, whenever it answers, it answers the same bytes.
 */
import { equal } from "node:assert/strict";
import fc from "fast-check";
import { decodeProperties, encodeProperties } from "../../common/mod.ts";
import { finishPlainProperties } from "./_plain_properties.ts";

const ID = "7F0000010001ABCD0000000000000001";

function mapPath(properties: string, cluster: string): string {
  const map = decodeProperties(properties);
  if (!map.has("UNIQ_KEY")) map.set("UNIQ_KEY", ID);
  map.set("CLUSTER", cluster);
  if (map.get("WAIT") === "true") map.delete("WAIT");
  return encodeProperties(map);
}

const piece = fc.oneof(
  fc.constantFrom("WAIT", "CLUSTER", "UNIQ_KEY", "TAGS", "KEYS", "TRAN_MSG", "DELAY", "", "ä"),
  fc.string({ maxLength: 4 }),
);
const value = fc.oneof(fc.constantFrom("true", "false", "", "x", "a\u0001b"), fc.string());
const pair = fc.tuple(
  piece,
  value,
  fc.constantFrom("\u0001", "\u0001", "\u0001", "", "\u0002"),
  fc.constantFrom(true, true, true, false),
).map(
  ([name, v, sep, end]) => `${name}${sep}${v}${end ? "\u0002" : ""}`,
);
const propertiesText = fc.array(pair, { maxLength: 8 }).map((pairs) => pairs.join(""));

Deno.test("finishPlainProperties() answers what the map path makes, or nothing", () => {
  fc.assert(
    fc.property(propertiesText, fc.constantFrom("DefaultCluster", "c"), (text, cluster) => {
      const fast = finishPlainProperties(text, cluster, () => ID);
      if (fast !== undefined) equal(fast, mapPath(text, cluster));
    }),
    { numRuns: 5000 },
  );
});

Deno.test("finishPlainProperties() takes the common Java and benchmark strings", () => {
  const cases = [
    "",
    "WAIT\u0001true\u0002",
    "KEYS\u0001k1 k2\u0002UNIQ_KEY\u00017F00000100002A9F0000000000000002\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002",
    "CLUSTER\u0001other\u0002WAIT\u0001false\u0002",
  ];
  for (const text of cases) {
    equal(finishPlainProperties(text, "DefaultCluster", () => ID), mapPath(text, "DefaultCluster"));
  }
  equal(finishPlainProperties("DELAY\u00013\u0002", "c", () => ID), undefined);
  equal(finishPlainProperties("A\u00011\u0002A\u00012\u0002", "c", () => ID), undefined);
  equal(finishPlainProperties("A\u00011", "c", () => ID), undefined);
});
