/**
 * The `namesrvAddr` list as RocketMQ spells it: `host:port;host:port`.
 *
 * Runs on: any
 * @module
 */

/** Most name servers accepted in one `namesrvAddr` list. */
const NAMESRV_ADDR_MAX_ENTRIES = 64;

const HOST_PATTERN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]+\])$/;

/**
 * Splits and validates a `namesrvAddr` list. Returns the `host:port` entries,
 * or `undefined` when the text is empty or an entry is not `host:port` with a
 * port from 1 to 65535. Empty items (a trailing `;`) and spaces are ignored.
 *
 * @example
 * ```ts
 * import { parseNamesrvAddr } from "./namesrv_addr.ts";
 * const list = parseNamesrvAddr("10.0.0.1:9876;10.0.0.2:9876");
 * if (list?.length !== 2) throw new Error("unexpected");
 * ```
 */
export function parseNamesrvAddr(text: string): string[] | undefined {
  const items = text.split(";").map((item) => item.trim()).filter((item) => item !== "");
  if (items.length === 0 || items.length > NAMESRV_ADDR_MAX_ENTRIES) return undefined;
  for (const item of items) {
    const colon = item.lastIndexOf(":");
    if (colon <= 0) return undefined;
    const host = item.slice(0, colon);
    const port = item.slice(colon + 1);
    if (!HOST_PATTERN.test(host) || !/^\d{1,5}$/.test(port)) return undefined;
    const portNumber = Number(port);
    if (portNumber < 1 || portNumber > 65535) return undefined;
  }
  return items;
}
