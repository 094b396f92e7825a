/**
 * The properties of a single sent message finished on the string itself, for the common
 * case: well-formed pairs, no repeated name, and none of the properties that route a message
 * elsewhere (transaction, delay level, timer). The result is byte for byte what the map path
 * of `_send_records.ts` makes (decode, add UNIQ_KEY when missing, set CLUSTER, drop
 * `WAIT=true`, encode); anything else returns `undefined` and takes the map path.
 *
 * Runs on: main thread
 * @module
 */

/** Names whose presence sends a message down the map path (special routes and checks). */
const ROUTED = new Set([
  "TRAN_MSG",
  "DELAY",
  "TIMER_DELIVER_MS",
  "TIMER_DELAY_SEC",
  "TIMER_DELAY_MS",
]);
/** More pairs than this take the map path (the duplicate check is quadratic). */
const PAIRS_MAX = 32;
const NAME_END = "\u0001";
const PAIR_END = "\u0002";

/**
 * `properties` with UNIQ_KEY (from `newId`, when missing) and CLUSTER = `cluster` set and
 * `WAIT=true` dropped, in the order a `Map` would keep them; `undefined` when the string is not
 * plain (see the module comment).
 */
export function finishPlainProperties(
  properties: string,
  cluster: string,
  newId: () => string,
): string | undefined {
  const length = properties.length;
  if (length > 0 && properties.charCodeAt(length - 1) !== 2) return undefined;
  const names: string[] = [];
  let out = "";
  let copyFrom = 0;
  let hasId = false;
  let hasCluster = false;
  for (let index = 0; index < length;) {
    const end = properties.indexOf(PAIR_END, index);
    const sep = properties.indexOf(NAME_END, index);
    if (end - index < 3 || sep <= index || sep >= end - 1) return undefined;
    const name = properties.slice(index, sep);
    if (ROUTED.has(name) || names.length >= PAIRS_MAX || names.includes(name)) return undefined;
    names.push(name);
    if (name === "UNIQ_KEY") hasId = true;
    else if (name === "WAIT" && end - sep === 5 && properties.startsWith("true", sep + 1)) {
      out += properties.slice(copyFrom, index);
      copyFrom = end + 1;
    } else if (name === "CLUSTER") {
      hasCluster = true;
      out += properties.slice(copyFrom, sep + 1) + cluster + PAIR_END;
      copyFrom = end + 1;
    }
    index = end + 1;
  }
  if (copyFrom < length) out += copyFrom === 0 ? properties : properties.slice(copyFrom);
  if (!hasId) out += "UNIQ_KEY" + NAME_END + newId() + PAIR_END;
  if (!hasCluster) out += "CLUSTER" + NAME_END + cluster + PAIR_END;
  return out;
}
