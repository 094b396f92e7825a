/**
 * Host and port pairs as RocketMQ writes them: `"ip:port"` text in headers
 * and routes, and 4- or 16-byte addresses plus a 4-byte port in stored
 * records and message ids.
 *
 * Runs on: any
 * @module
 */
import { DecodeError } from "./errors.ts";

/** An IP address (IPv4 dotted or IPv6 text, no brackets) and a TCP port. */
export interface SocketAddress {
  /** IPv4 `"127.0.0.1"` or IPv6 `"::1"` (RFC 5952 form when decoded from bytes). */
  host: string;
  /** TCP port, 0..65535. */
  port: number;
}

const IPV4_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const PORT_PATTERN = /^\d{1,5}$/;

/**
 * Parsed IP literals and socket address texts, bounded: the broker parses the
 * same few peer and store addresses for every message. Cleared when full.
 */
const CACHE_MAX_ENTRIES = 1024;
const ipCache = new Map<string, Uint8Array>();
const addressCache = new Map<string, SocketAddress>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
  cache.set(key, value);
  return value;
}

/** Whether `host` is IPv6 text (contains a colon). */
export function isIPv6(host: string): boolean {
  return host.includes(":");
}

function parsePort(text: string, input: string): number {
  if (!PORT_PATTERN.test(text) || Number(text) > 65535) {
    throw new DecodeError(`Invalid socket address: bad port in "${input}"`);
  }
  return Number(text);
}

/**
 * Parses `"a.b.c.d:port"`, `"[v6]:port"` or an unbracketed `"v6:port"` (the
 * last colon splits, as Java's `RemotingHelper.string2SocketAddress` does).
 * The host must be an IP literal. Throws `DecodeError` on bad input.
 */
export function parseSocketAddress(text: string): SocketAddress {
  const cached = addressCache.get(text);
  if (cached !== undefined) return { host: cached.host, port: cached.port };
  const parsed = parseSocketAddressText(text);
  remember(addressCache, text, parsed);
  return { host: parsed.host, port: parsed.port };
}

function parseSocketAddressText(text: string): SocketAddress {
  let host: string;
  let portText: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]:");
    if (close < 0) throw new DecodeError(`Invalid socket address: "${text}"`);
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon <= 0) throw new DecodeError(`Invalid socket address: "${text}"`);
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  const port = parsePort(portText, text);
  // Validates the host; throws DecodeError when it is not an IP literal.
  sharedIpBytes(host);
  return { host, port };
}

/** Formats as `"host:port"`, with brackets around an IPv6 host. */
export function formatSocketAddress(address: SocketAddress): string {
  return isIPv6(address.host)
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

function parseIPv4(host: string): Uint8Array | undefined {
  const match = IPV4_PATTERN.exec(host);
  if (match === null) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = Number(match[i + 1]);
    if (part > 255) return undefined;
    bytes[i] = part;
  }
  return bytes;
}

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIPv6(host: string): Uint8Array | undefined {
  const zone = host.indexOf("%");
  const text = zone >= 0 ? host.slice(0, zone) : host;
  const gap = text.indexOf("::");
  let groups: number[] | undefined;
  if (gap < 0) {
    groups = parseGroups(text);
    if (groups === undefined || groups.length !== 8) return undefined;
  } else {
    if (text.indexOf("::", gap + 1) >= 0) return undefined;
    const head = parseGroups(text.slice(0, gap));
    const tail = parseGroups(text.slice(gap + 2));
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >>> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** The 4 (IPv4) or 16 (IPv6) address bytes of an IP literal; `DecodeError` otherwise. */
export function ipToBytes(host: string): Uint8Array {
  return sharedIpBytes(host).slice();
}

/** Like `ipToBytes` but the cached array itself: callers must not modify it. */
function sharedIpBytes(host: string): Uint8Array {
  const cached = ipCache.get(host);
  if (cached !== undefined) return cached;
  const bytes = isIPv6(host) ? parseIPv6(host) : parseIPv4(host);
  if (bytes === undefined) throw new DecodeError(`Invalid IP address: "${host}"`);
  return remember(ipCache, host, bytes);
}

/** IP text from 4 or 16 address bytes (IPv6 in RFC 5952 compressed lower-case form). */
export function ipFromBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) {
    throw new DecodeError(`Invalid IP address: ${bytes.length} bytes (expected 4 or 16)`);
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // Longest run of two or more zero groups becomes "::" (first one on ties).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** Encoded length of `address`: 8 for IPv4, 20 for IPv6. */
export function socketAddressByteLength(address: SocketAddress): number {
  return isIPv6(address.host) ? 20 : 8;
}

/**
 * Writes address bytes then the port as a big-endian int32 at `offset`;
 * returns the number of bytes written (8 or 20).
 */
export function encodeSocketAddress(
  address: SocketAddress,
  target: Uint8Array,
  offset: number,
): number {
  const ip = sharedIpBytes(address.host);
  if (offset < 0 || offset + ip.length + 4 > target.length) {
    throw new RangeError(`Cannot encode socket address: no room at offset ${offset}`);
  }
  target.set(ip, offset);
  new DataView(target.buffer, target.byteOffset, target.byteLength)
    .setInt32(offset + ip.length, address.port);
  return ip.length + 4;
}

/**
 * Reads `ipLength` (4 or 16) address bytes and a 4-byte port at `offset`.
 * Throws `DecodeError` when the bytes run out or the port is out of range.
 */
export function decodeSocketAddress(
  bytes: Uint8Array,
  offset: number,
  ipLength: 4 | 16,
): SocketAddress {
  if (offset < 0 || offset + ipLength + 4 > bytes.length) {
    throw new DecodeError(`Cannot decode socket address: truncated at offset ${offset}`);
  }
  const host = ipFromBytes(bytes.subarray(offset, offset + ipLength));
  const port = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .getInt32(offset + ipLength);
  if (port < 0 || port > 65535) throw new DecodeError(`Invalid port in socket address: ${port}`);
  return { host, port };
}
