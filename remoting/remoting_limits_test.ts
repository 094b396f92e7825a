/**
 * Resource limits of `RemotingServer` over 127.0.0.1 port 0: connection cap,
 * in-flight cap (SYSTEM_BUSY `[OVERLOAD]`), write backlog of a peer that does
 * not read (disconnect), idle timeout, and TLS with a certificate made by
 * openssl in a temp dir. Every wait is bounded; every socket is closed.
 */
import { equal, ok, rejects } from "node:assert/strict";
import { encodeCommand, FrameDecoder } from "./frame_codec.ts";
import { createRequest, createResponse } from "./remoting_command.ts";
import type { RemotingCommand } from "./remoting_command.ts";
import { RemotingClient } from "./remoting_client.ts";
import { OVERLOAD_REMARK } from "./remoting_connection.ts";
import type { RemotingHandler } from "./remoting_connection.ts";
import { RemotingServer } from "./remoting_server.ts";
import type { RemotingServerOptions } from "./remoting_server.ts";
import { ResponseCode } from "./response_code.ts";

const ok200: RemotingHandler = (cmd) => createResponse(cmd, ResponseCode.SUCCESS);

async function withServer(
  options: Partial<RemotingServerOptions>,
  fn: (server: RemotingServer) => Promise<void>,
): Promise<void> {
  const server = new RemotingServer({ hostname: "127.0.0.1", port: 0, handler: ok200, ...options });
  await server.start();
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** Resolves true once `check()` holds, false after `timeoutMs` (polling every 10 ms). */
async function eventually(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 10) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

/** Next frames or "closed"; gives up after 2 s. */
async function read(conn: Deno.Conn, count: number): Promise<RemotingCommand[] | "closed"> {
  const decoder = new FrameDecoder();
  const out: RemotingCommand[] = [];
  const buffer = new Uint8Array(64 * 1024);
  const deadline = Date.now() + 2000;
  while (out.length < count && Date.now() < deadline) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), 2000));
    const n = await Promise.race([conn.read(buffer).catch(() => null), timeout]);
    clearTimeout(timer);
    if (n === "timeout") break;
    if (n === null) return "closed";
    out.push(...decoder.push(buffer.subarray(0, n)));
  }
  return out;
}

Deno.test("RemotingServer refuses connections over maxConnections and keeps serving the others", async () => {
  await withServer({ maxConnections: 2 }, async (server) => {
    const a = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    const b = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    ok(await eventually(() => server.connections.size === 2));
    const c = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      equal(await read(c, 1), "closed");
      equal(server.refusedConnections, 1);
      await a.write(encodeCommand(createRequest(10, { opaque: 7 })));
      const answer = await read(a, 1);
      ok(answer !== "closed" && answer[0]?.opaque === 7);
    } finally {
      a.close();
      b.close();
      c.close();
    }
  });
});

Deno.test("RemotingServer answers SYSTEM_BUSY [OVERLOAD] to requests over maxInFlight", async () => {
  const release: (() => void)[] = [];
  const slow: RemotingHandler = (cmd) =>
    new Promise((resolve) => release.push(() => resolve(createResponse(cmd, 0))));
  await withServer({ handler: slow, maxInFlight: 2 }, async (server) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      for (const opaque of [1, 2, 3]) {
        await conn.write(encodeCommand(createRequest(10, { opaque })));
      }
      const busy = await read(conn, 1);
      ok(busy !== "closed");
      equal(busy[0]?.opaque, 3);
      equal(busy[0]?.code, ResponseCode.SYSTEM_BUSY);
      equal(busy[0]?.remark, OVERLOAD_REMARK);
      ok(await eventually(() => release.length === 2));
      for (const r of release) r();
      const done = await read(conn, 2);
      ok(done !== "closed");
      equal(done.map((c) => c.opaque).sort().join(), "1,2");
    } finally {
      conn.close();
    }
  });
});

Deno.test("RemotingServer disconnects a peer that stops reading once the backlog passes the bound", async () => {
  const big = new Uint8Array(256 * 1024);
  const handler: RemotingHandler = (cmd) => createResponse(cmd, 0, { body: big });
  await withServer({ handler, maxWriteBacklogBytes: 1024 * 1024 }, async (server) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      const request = encodeCommand(createRequest(10));
      let closed = false;
      // 400 responses of 256 KiB = 100 MiB: far past kernel buffers and the 1 MiB bound.
      for (let i = 0; i < 400 && !closed; i++) {
        closed = await conn.write(request).then(() => false, () => true);
        if (i % 50 === 0) closed ||= server.connections.size === 0;
      }
      ok(await eventually(() => server.connections.size === 0, 5000), "server dropped the peer");
    } finally {
      conn.close();
    }
  });
});

Deno.test("RemotingServer closes a connection idle longer than idleTimeoutMs", async () => {
  await withServer({ idleTimeoutMs: 200 }, async (server) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      const started = Date.now();
      equal(await read(conn, 1), "closed");
      ok(Date.now() - started >= 150, "not closed before the timeout");
    } finally {
      conn.close();
    }
  });
});

function openssl(args: string[]): boolean {
  try {
    const out = new Deno.Command("openssl", { args, stdout: "null", stderr: "null" }).outputSync();
    return out.success;
  } catch {
    return false; // openssl not installed
  }
}

const certDir = Deno.makeTempDirSync({ prefix: "rmq-tls-" });
Deno.writeTextFileSync(
  `${certDir}/leaf.ext`,
  "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
);
/** A test CA and a leaf certificate for 127.0.0.1 signed by it (rustls refuses a CA as leaf). */
const haveCert = openssl([
  "req",
  "-x509",
  "-newkey",
  "rsa:2048",
  "-nodes",
  "-days",
  "2",
  "-subj",
  "/CN=rmq-test-ca",
  "-keyout",
  `${certDir}/ca.key`,
  "-out",
  `${certDir}/ca.pem`,
]) && openssl([
  "req",
  "-newkey",
  "rsa:2048",
  "-nodes",
  "-subj",
  "/CN=localhost",
  "-keyout",
  `${certDir}/key.pem`,
  "-out",
  `${certDir}/leaf.csr`,
]) && openssl([
  "x509",
  "-req",
  "-in",
  `${certDir}/leaf.csr`,
  "-CA",
  `${certDir}/ca.pem`,
  "-CAkey",
  `${certDir}/ca.key`,
  "-CAcreateserial",
  "-days",
  "2",
  "-extfile",
  `${certDir}/leaf.ext`,
  "-out",
  `${certDir}/cert.pem`,
]);

Deno.test({
  name: "RemotingServer with tls serves a RemotingClient that trusts its certificate",
  ignore: !haveCert,
  fn: async () => {
    const tls = { certFile: `${certDir}/cert.pem`, keyFile: `${certDir}/key.pem` };
    await withServer({ tls }, async (server) => {
      const caCerts = [await Deno.readTextFile(`${certDir}/ca.pem`)];
      const client = new RemotingClient({ tls: { caCerts }, requestTimeoutMs: 3000 });
      const untrusting = new RemotingClient({ tls: {}, requestTimeoutMs: 1000 });
      try {
        const response = await client.invoke(`127.0.0.1:${server.port}`, createRequest(10));
        equal(response.code, ResponseCode.SUCCESS);
        await rejects(untrusting.invoke(`127.0.0.1:${server.port}`, createRequest(10)));
      } finally {
        await client.close();
        await untrusting.close();
      }
    });
  },
});

Deno.test({
  name: "RemotingServer with tls closes a plain-TCP client without answering",
  ignore: !haveCert,
  fn: async () => {
    const tls = { certFile: `${certDir}/cert.pem`, keyFile: `${certDir}/key.pem` };
    await withServer({ tls }, async (server) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
      try {
        await conn.write(encodeCommand(createRequest(10)));
        const buffer = new Uint8Array(1024);
        const n = await conn.read(buffer).catch(() => null);
        // Either closed, or a TLS alert record (content type 21), never a remoting frame.
        ok(n === null || buffer[0] === 0x15, `got byte ${buffer[0]} instead of a TLS alert`);
      } finally {
        conn.close();
      }
    });
  },
});

Deno.test("remoting TLS test temp dir is removed", () => {
  Deno.removeSync(certDir, { recursive: true });
  ok(!openssl(["x509", "-in", `${certDir}/cert.pem`, "-noout"]));
});
