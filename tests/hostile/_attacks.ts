/**
 * Hostile-client attacks over TCP against a running process (name server or
 * broker): slowloris, half-open connections, a connection flood, huge and
 * negative declared lengths, a frame that never completes, and a header with
 * fields of the wrong type. Each attack checks that the server answers or
 * disconnects, and that a fresh client is still served meanwhile (`probe`).
 * Every loop and wait is bounded; every socket is closed.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { encodeCommand, type RemotingCommand } from "../../remoting/mod.ts";
import { WireClient } from "../harness.ts";

/** What every attack needs: where to connect and a request the server answers. */
export interface AttackTarget {
  /** Port of the process under attack. */
  port: number;
  /** Pid, for `/proc/<pid>/status`. */
  pid: number;
  /** A request that the server answers (any response code). */
  probe: () => RemotingCommand;
}

/** VmRSS and VmHWM of `pid` in KiB (0 when /proc is unreadable). */
export function memoryKiB(pid: number): { rss: number; hwm: number } {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: field("VmRSS"), hwm: field("VmHWM") };
  } catch {
    return { rss: 0, hwm: 0 }; // not Linux: memory numbers unavailable
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh connection gets an answer to the probe within 5 s. */
export async function assertServes(target: AttackTarget): Promise<void> {
  const client = await WireClient.connect(target.port);
  try {
    const request = target.probe();
    const answer = await client.request(request, 5000);
    assert.equal(answer.opaque, request.opaque);
  } finally {
    await client.close();
  }
}

/** Sends the first `slowBytes` of a probe a byte every `intervalMs`, then the rest; expects the answer. */
export async function slowloris(
  target: AttackTarget,
  slowBytes = 20,
  intervalMs = 100,
): Promise<void> {
  const client = await WireClient.connect(target.port);
  try {
    const request = target.probe();
    const frame = encodeCommand(request);
    for (let i = 0; i < Math.min(slowBytes, frame.length); i++) {
      await client.sendRaw(frame.subarray(i, i + 1));
      await sleep(intervalMs);
      if (i === Math.floor(slowBytes / 2)) await assertServes(target);
    }
    await client.sendRaw(frame.subarray(Math.min(slowBytes, frame.length)));
    for (let waited = 0; waited < 5000 && client.received.length === 0; waited += 20) {
      await sleep(20);
    }
    assert.equal(client.received[0]?.opaque, request.opaque, "answered after the slow start");
  } finally {
    await client.close();
  }
}

/** Opens `count` raw connections (in batches of 50), runs `during`, then closes them all. */
export async function withConnections(
  target: AttackTarget,
  count: number,
  firstBytes: Uint8Array | undefined,
  during: (opened: number) => Promise<void>,
): Promise<void> {
  const conns: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.allSettled(
        Array.from(
          { length: Math.min(50, count - i) },
          () => Deno.connect({ hostname: "127.0.0.1", port: target.port }),
        ),
      );
      for (const r of batch) if (r.status === "fulfilled") conns.push(r.value);
    }
    if (firstBytes !== undefined) {
      await Promise.allSettled(conns.map((c) => c.write(firstBytes)));
    }
    await during(conns.length);
  } finally {
    for (const c of conns) {
      try {
        c.close();
      } catch {
        // The server already closed it.
      }
    }
  }
}

/** Sends `bytes` on a fresh connection; true when the server then closes it within 5 s. */
export async function closesAfter(target: AttackTarget, bytes: Uint8Array): Promise<boolean> {
  const client = await WireClient.connect(target.port);
  try {
    await client.sendRaw(bytes).catch(() => undefined);
    return await client.waitClosed(5000);
  } finally {
    await client.close();
  }
}

/** A frame prefix declaring `length` bytes followed by `tail`. */
export function declaredLength(length: number, tail: Uint8Array = new Uint8Array(8)): Uint8Array {
  const out = new Uint8Array(4 + tail.length);
  new DataView(out.buffer).setUint32(0, length >>> 0);
  out.set(tail, 4);
  return out;
}

/** A JSON-header frame with the header text given verbatim. */
export function rawJsonFrame(headerText: string): Uint8Array {
  const header = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + header.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 4 + header.length);
  view.setUint32(4, header.length);
  out.set(header, 8);
  return out;
}

/**
 * Sends `bytes` on a fresh connection; resolves "answered" when a frame comes
 * back, "closed" when the server drops the connection, "silent" after 3 s.
 */
export async function answerOrClose(
  target: AttackTarget,
  bytes: Uint8Array,
): Promise<"answered" | "closed" | "silent"> {
  const client = await WireClient.connect(target.port);
  try {
    await client.sendRaw(bytes).catch(() => undefined);
    for (let waited = 0; waited < 3000; waited += 20) {
      if (client.received.length > 0) return "answered";
      if (client.isClosed) return "closed";
      await sleep(20);
    }
    return "silent";
  } finally {
    await client.close();
  }
}
