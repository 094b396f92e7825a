/**
 * Message ids. The offset id (broker-made: store host + commit-log offset)
 * and the unique client id `UNIQ_KEY` (producer-made, Java
 * `MessageClientIDSetter` layout: ip, pid, class-loader hash, time since the
 * start of the month, counter). Both are upper-case hex text.
 *
 * Runs on: any
 * @module
 */
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import { DecodeError } from "./errors.ts";
import type { Random } from "./random.ts";
import { defaultRandom } from "./random.ts";
import type { SocketAddress } from "./socket_address.ts";
import {
  decodeSocketAddress,
  encodeSocketAddress,
  ipFromBytes,
  ipToBytes,
  socketAddressByteLength,
} from "./socket_address.ts";

const HEX = "0123456789ABCDEF";
/** Two upper-case hex chars of every byte value. */
const HEX_PAIRS: readonly string[] = Array.from(
  { length: 256 },
  (_, byte) => HEX.charAt(byte >>> 4) + HEX.charAt(byte & 15),
);
const TWO_POW_32 = 0x1_0000_0000;

/** Upper-case hex of a uint32, 8 chars. */
function hex32(n: number): string {
  return (HEX_PAIRS[n >>> 24] as string) + HEX_PAIRS[(n >>> 16) & 255] +
    HEX_PAIRS[(n >>> 8) & 255] + HEX_PAIRS[n & 255];
}

/** Upper-case hex of `bytes` (Java `UtilAll.bytes2string`). */
export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i] as number];
  return out;
}

/** Bytes of hex text (either case); `DecodeError` on odd length or a non-hex char. */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new DecodeError(`Invalid hex text: "${hex.slice(0, 64)}"`);
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * The offset message id of a stored record: store IP (4 or 16 bytes), store
 * port (4), commit-log offset (8), as 32 or 56 upper-case hex chars.
 */
export function createOffsetMessageId(storeHost: SocketAddress, commitLogOffset: number): string {
  if (Number.isSafeInteger(commitLogOffset) && commitLogOffset >= 0) {
    // Hot path (one id per stored message): the host part is hex-encoded once per host.
    return storeHostHex(storeHost) + hex32(Math.floor(commitLogOffset / TWO_POW_32)) +
      hex32(commitLogOffset >>> 0);
  }
  const ipLength = socketAddressByteLength(storeHost) - 4;
  const bytes = new Uint8Array(ipLength + 12);
  encodeSocketAddress(storeHost, bytes, 0);
  new DataView(bytes.buffer).setBigInt64(ipLength + 4, BigInt(commitLogOffset));
  return bytesToHex(bytes);
}

let lastHost: SocketAddress = { host: "", port: -1 };
let lastHostHex = "";

/** Hex of the address bytes and port of `host` (the last one is remembered). */
function storeHostHex(host: SocketAddress): string {
  if (host.host !== lastHost.host || host.port !== lastHost.port) {
    const bytes = new Uint8Array(socketAddressByteLength(host));
    encodeSocketAddress(host, bytes, 0);
    lastHostHex = bytesToHex(bytes);
    lastHost = { host: host.host, port: host.port };
  }
  return lastHostHex;
}

/** What an offset message id holds. */
export interface OffsetMessageId {
  /** The store host (`brokerIP1:listenPort`) of the broker that wrote the record. */
  address: SocketAddress;
  /** The record's commit-log (physical) offset. */
  offset: number;
}

/**
 * Decodes an offset message id: 32 hex chars for an IPv4 store host, 56 for
 * IPv6. Throws `DecodeError` on any other input or a negative offset.
 */
export function decodeOffsetMessageId(id: string): OffsetMessageId {
  if (id.length !== 32 && id.length !== 56) {
    throw new DecodeError(`Invalid offset message id: length ${id.length}, expected 32 or 56`);
  }
  const bytes = hexToBytes(id);
  const ipLength = id.length === 32 ? 4 : 16;
  const address = decodeSocketAddress(bytes, 0, ipLength);
  const offset = new DataView(bytes.buffer).getBigInt64(ipLength + 4);
  if (offset < 0n || offset > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError(`Invalid offset message id: offset ${offset} out of range`);
  }
  return { address, offset: Number(offset) };
}

/** Options of a `UniqueIdGenerator`; every field has a default. */
export interface UniqueIdGeneratorOptions {
  /** IP literal put in the id; default `"127.0.0.1"`. */
  ip?: string;
  /** Process id; its low 16 bits are used. Default `Deno.pid`. */
  pid?: number;
  /** Stands in for Java's class-loader hash code; default random. */
  classLoaderHash?: number;
  /** Wall clock; default `systemClock`. */
  clock?: Clock;
  /** Source of the default class-loader hash. */
  random?: Random;
}

/** First millisecond of the month containing `ms`, in local time (as Java's `Calendar`). */
function monthStart(ms: number, monthDelta = 0): number {
  const date = new Date(ms);
  return new Date(date.getFullYear(), date.getMonth() + monthDelta, 1).getTime();
}

/**
 * Makes `UNIQ_KEY` values in Java's format: a fixed prefix (ip, pid low 16
 * bits, class-loader hash) then, per id, milliseconds since the start of the
 * current month (int32) and a counter wrapping at 16 bits.
 */
export class UniqueIdGenerator {
  readonly #prefix: string;
  readonly #clock: Clock;
  #counter = 0;
  #startMs = 0;
  #nextStartMs = 0;

  /** Builds the fixed prefix from `options`. */
  constructor(options: UniqueIdGeneratorOptions = {}) {
    const ip = ipToBytes(options.ip ?? "127.0.0.1");
    const fixed = new Uint8Array(ip.length + 6);
    fixed.set(ip, 0);
    const view = new DataView(fixed.buffer);
    view.setUint16(ip.length, (options.pid ?? Deno.pid) & 0xffff);
    view.setInt32(
      ip.length + 2,
      options.classLoaderHash ?? (options.random ?? defaultRandom).nextU32() | 0,
    );
    this.#prefix = bytesToHex(fixed);
    this.#clock = options.clock ?? systemClock;
  }

  /** The next id: 32 hex chars with an IPv4 prefix, 56 with IPv6. */
  next(): string {
    const now = this.#clock.now();
    if (now >= this.#nextStartMs || now < this.#startMs) {
      this.#startMs = monthStart(now);
      this.#nextStartMs = monthStart(now, 1);
    }
    const counter = this.#counter;
    this.#counter = (counter + 1) & 0xffff;
    return this.#prefix + hex32((now - this.#startMs) >>> 0) + HEX_PAIRS[counter >>> 8] +
      HEX_PAIRS[counter & 255];
  }
}

let processGenerator: UniqueIdGenerator | undefined;

/** A new `UNIQ_KEY` from a process-wide generator (ip 127.0.0.1, `Deno.pid`). */
export function createUniqueId(): string {
  processGenerator ??= new UniqueIdGenerator();
  return processGenerator.next();
}

/** What a `UNIQ_KEY` holds. */
export interface UniqueIdInfo {
  /** IP text of the producer (or broker) that made it. */
  ip: string;
  /** Low 16 bits of its process id. */
  pid: number;
  /** Its class-loader hash (signed int32). */
  classLoaderHash: number;
  /** Approximate creation time, ms since the epoch (Java `getNearlyTimeFromID`). */
  time: number;
  /** Per-process counter, 0..65535. */
  counter: number;
}

/**
 * Parses a `UNIQ_KEY` (32 hex chars, or 56 for IPv6). The time is rebuilt
 * as Java's `getNearlyTimeFromID` does: the offset is taken from the start of
 * the month of `now`, or of the month before when that would lie in the
 * future. Throws `DecodeError` on bad input.
 */
export function parseUniqueId(id: string, options: { now?: number } = {}): UniqueIdInfo {
  if (id.length !== 32 && id.length !== 56) {
    throw new DecodeError(`Invalid unique message id: length ${id.length}, expected 32 or 56`);
  }
  const bytes = hexToBytes(id);
  const ipLength = id.length === 32 ? 4 : 16;
  const view = new DataView(bytes.buffer);
  // Java reads the span as an unsigned 32-bit value (late in a 31-day month it passes 2^31).
  const spanMs = view.getUint32(ipLength + 6);
  const now = options.now ?? systemClock.now();
  let start = monthStart(now);
  if (start + spanMs >= now) start = monthStart(now, -1);
  return {
    ip: ipFromBytes(bytes.subarray(0, ipLength)),
    pid: view.getUint16(ipLength),
    classLoaderHash: view.getInt32(ipLength + 2),
    time: start + spanMs,
    counter: view.getUint16(ipLength + 10),
  };
}
