/**
 * Parses JSON bodies written by Java (fastjson) with the lenient reader of
 * `remoting/` (bare integer keys, object keys), naming the body on failure.
 *
 * Runs on: any
 * @module
 */
import { DecodeError } from "../common/mod.ts";
import { parseJavaJson } from "../remoting/mod.ts";

/** Parses a JSON body; throws `DecodeError` naming `what` when it cannot. */
export function parseJsonBody(body: Uint8Array, what: string): unknown {
  try {
    return parseJavaJson(body);
  } catch (cause) {
    throw new DecodeError(`Cannot decode ${what} body: not JSON`, { cause });
  }
}
