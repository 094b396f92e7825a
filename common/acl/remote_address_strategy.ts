/**
 * IP whitelist patterns as RocketMQ's `RemoteAddressStrategyFactory` reads
 * them: blank (matches nothing), `*` / `*.*.*.*` (everything), an exact
 * address, a comma list `1.2.3.4,1.2.3.5`, a brace list `192.168.1.{1,2,3}`,
 * and wildcard / range segments `192.168.*.*`, `192.168.1.1-100`,
 * `10.*.*.*`. A pattern that fits none of these throws `ConfigError`.
 *
 * Runs on: any
 * @module
 */
import { ConfigError } from "../errors.ts";

/** A compiled whitelist entry: true when the peer host matches. */
export type RemoteAddressMatcher = (host: string) => boolean;

const never: RemoteAddressMatcher = () => false;
const always: RemoteAddressMatcher = () => true;

function isIPv4(host: string): boolean {
  const parts = host.split(".");
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function fail(pattern: string, why: string): never {
  throw new ConfigError(`Invalid remote address pattern "${pattern}": ${why}`);
}

/** A range matcher for patterns with `*` or `a-b` segments. */
function rangeMatcher(pattern: string): RemoteAddressMatcher {
  const segments = pattern.split(".").map((s) => s.trim());
  if (segments.length !== 4) fail(pattern, "expected four segments");
  const ranges = segments.map((segment) => {
    if (segment === "*") return [0, 255] as const;
    const range = /^(\d{1,3})-(\d{1,3})$/.exec(segment);
    if (range !== null) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from > to || to > 255) fail(pattern, `bad range "${segment}"`);
      return [from, to] as const;
    }
    if (!/^\d{1,3}$/.test(segment) || Number(segment) > 255) fail(pattern, `bad "${segment}"`);
    return [Number(segment), Number(segment)] as const;
  });
  // Java only allows wildcards after the first range: "1.*.3.4" is refused.
  const firstOpen = ranges.findIndex(([a, b]) => a !== b);
  for (let i = firstOpen + 1; firstOpen >= 0 && i < 4; i++) {
    if (segments[i] !== "*") fail(pattern, "only '*' may follow a range or wildcard");
  }
  return (host) => {
    if (!isIPv4(host)) return false;
    const parts = host.split(".").map(Number);
    return ranges.every(([from, to], i) =>
      (parts[i] as number) >= from && (parts[i] as number) <= to
    );
  };
}

/** Compiles one whitelist pattern. */
export function compileRemoteAddress(pattern: string | undefined): RemoteAddressMatcher {
  const text = (pattern ?? "").trim();
  if (text === "") return never;
  if (text === "*" || text === "*.*.*.*" || text === "*:*:*:*:*:*:*:*") return always;
  if (text.endsWith("}")) {
    const open = text.indexOf("{");
    if (open < 0 || !text.slice(0, open).endsWith(".")) fail(text, "bad brace list");
    const prefix = text.slice(0, open);
    const hosts = text.slice(open + 1, -1).split(",").map((s) => prefix + s.trim());
    if (!hosts.every(isIPv4)) fail(text, "bad address in brace list");
    return (host) => hosts.includes(host);
  }
  if (text.includes(",")) {
    const hosts = text.split(",").map((s) => s.trim());
    if (!hosts.every((h) => isIPv4(h) || h.includes(":"))) fail(text, "bad address in list");
    return (host) => hosts.includes(host);
  }
  if (text.includes("*") || text.includes("-")) return rangeMatcher(text);
  if (!isIPv4(text) && !text.includes(":")) fail(text, "not an IP address");
  return (host) => host === text;
}
