/**
 * Transport tests over 127.0.0.1 port 0: a real `RemotingServer` and
 * `RemotingClient` (or a raw socket where the test needs exact bytes) talk
 * through the kernel. Every wait is bounded by a request timeout or a read
 * deadline, and every socket is closed before the test ends.
 */
import { concatBytes } from "../common/mod.ts";
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { BrokerError, TimeoutError } from "../common/mod.ts";
import { encodeCommand, FrameDecoder } from "./frame_codec.ts";
import { createRequest, createResponse, isOneway, isResponse } from "./remoting_command.ts";
import type { RemotingCommand } from "./remoting_command.ts";
import { RemotingClient } from "./remoting_client.ts";
import type { RemotingConnection, RemotingHandler } from "./remoting_connection.ts";
import { RemotingServer } from "./remoting_server.ts";
import { ResponseCode } from "./response_code.ts";
import { RequestCode } from "./request_code.ts";

const echo: RemotingHandler = (cmd) =>
  createResponse(cmd, ResponseCode.SUCCESS, {
    extFields: { ...cmd.extFields, echoed: String(cmd.code) },
    body: cmd.body,
  });

async function withServer(
  handler: RemotingHandler,
  fn: (server: RemotingServer, addr: string) => Promise<void>,
  extra: { onConnect?: (conn: RemotingConnection) => void } = {},
): Promise<void> {
  const server = new RemotingServer({ hostname: "127.0.0.1", port: 0, handler, ...extra });
  await server.start();
  try {
    await fn(server, `127.0.0.1:${server.port}`);
  } finally {
    await server.close();
  }
}

/** Reads frames from a raw socket until `count` arrived, the peer closed, or 2 s passed. */
async function readFrames(conn: Deno.Conn, count: number): Promise<RemotingCommand[] | "closed"> {
  const decoder = new FrameDecoder();
  const out: RemotingCommand[] = [];
  const buffer = new Uint8Array(64 * 1024);
  const deadline = Date.now() + 2000;
  while (out.length < count && Date.now() < deadline) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) =>
      timer = setTimeout(() => resolve("timeout"), 2000)
    );
    const n = await Promise.race([conn.read(buffer), timeout]);
    clearTimeout(timer);
    if (n === "timeout") break;
    if (n === null) return "closed";
    out.push(...decoder.push(buffer.subarray(0, n)));
  }
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

const concat = concatBytes;

Deno.test("RemotingClient.invoke() gets the handler's response with the request's opaque", async () => {
  await withServer(echo, async (server, addr) => {
    const client = new RemotingClient();
    try {
      const body = new TextEncoder().encode("hello");
      const request = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, {
        extFields: { topic: "TopicTest" },
        body,
      });
      const response = await client.invoke(addr, request, 2000);
      ok(isResponse(response));
      equal(response.opaque, request.opaque);
      equal(response.code, ResponseCode.SUCCESS);
      deepEqual(response.extFields, { topic: "TopicTest", echoed: "105" });
      deepEqual(response.body, body);
      equal(response.serializeType, "JSON");
      equal(server.connections.size, 1);
      const binary = await client.invoke(
        addr,
        createRequest(RequestCode.HEART_BEAT, { serializeType: "ROCKETMQ" }),
      );
      equal(binary.serializeType, "ROCKETMQ");
      equal(server.connections.size, 1, "one connection per address");
    } finally {
      await client.close();
    }
  });
});

Deno.test("RemotingServer answers nothing to a oneway request and answers the next one", async () => {
  const seen: RemotingCommand[] = [];
  const handler: RemotingHandler = (cmd) => {
    seen.push(cmd);
    return createResponse(cmd, ResponseCode.SUCCESS);
  };
  await withServer(handler, async (server) => {
    const raw = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      const oneway = createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { oneway: true });
      const normal = createRequest(RequestCode.HEART_BEAT);
      await writeAll(raw, concat([encodeCommand(oneway), encodeCommand(normal)]));
      const frames = await readFrames(raw, 1);
      ok(frames !== "closed");
      equal(frames.length, 1);
      equal(frames[0]?.opaque, normal.opaque);
      equal(seen.length, 2);
      ok(isOneway(seen[0] as RemotingCommand));
    } finally {
      raw.close();
    }
  });
});

Deno.test("RemotingServer answers many frames from one write, in order, on one connection", async () => {
  await withServer(echo, async (server) => {
    const raw = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      const requests = Array.from(
        { length: 200 },
        (_, i) =>
          createRequest(RequestCode.SEND_MESSAGE_V2, {
            extFields: { i: String(i) },
            body: new Uint8Array(1024).fill(i & 0xff),
            serializeType: i % 2 === 0 ? "JSON" : "ROCKETMQ",
          }),
      );
      await writeAll(raw, concat(requests.map(encodeCommand)));
      const frames = await readFrames(raw, requests.length);
      ok(frames !== "closed");
      equal(frames.length, requests.length);
      for (const [i, frame] of frames.entries()) {
        equal(frame.opaque, requests[i]?.opaque);
        equal(frame.extFields?.["i"], String(i));
        equal(frame.serializeType, requests[i]?.serializeType);
        equal(frame.body?.length, 1024);
      }
    } finally {
      raw.close();
    }
  });
});

Deno.test("RemotingConnection.request() from the server reaches the client's onRequest", async () => {
  let serverSide: RemotingConnection | undefined;
  await withServer(echo, async (_server, addr) => {
    const client = new RemotingClient({
      onRequest: (cmd) =>
        createResponse(cmd, ResponseCode.SUCCESS, { extFields: { from: "client" } }),
    });
    try {
      await client.invoke(addr, createRequest(RequestCode.HEART_BEAT));
      ok(serverSide !== undefined);
      const check = createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, {
        extFields: { consumerGroup: "g" },
      });
      const answer = await serverSide.request(check, 2000);
      equal(answer.opaque, check.opaque);
      deepEqual(answer.extFields, { from: "client" });
    } finally {
      await client.close();
    }
  }, { onConnect: (conn) => serverSide = conn });
});

Deno.test("RemotingClient.invoke() rejects with TimeoutError when the answer is late", async () => {
  const releases: (() => void)[] = [];
  const slow: RemotingHandler = (cmd) =>
    new Promise((resolve) => {
      releases.push(() => resolve(createResponse(cmd, ResponseCode.SUCCESS)));
    });
  await withServer(slow, async (_server, addr) => {
    const client = new RemotingClient();
    try {
      await rejects(client.invoke(addr, createRequest(RequestCode.PULL_MESSAGE), 50), TimeoutError);
      releases[0]?.();
      // The late response is dropped; the connection still works.
      const next = client.invoke(addr, createRequest(RequestCode.PULL_MESSAGE), 2000);
      for (let i = 0; i < 200 && releases.length < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      releases[1]?.();
      equal((await next).code, ResponseCode.SUCCESS);
      equal((await client.connection(addr)).pendingRequests, 0);
    } finally {
      await client.close();
    }
  });
});

Deno.test("RemotingServer answers SYSTEM_ERROR with a short remark when the handler throws", async () => {
  const failing: RemotingHandler = (cmd) => {
    if (cmd.code === 1) throw new Error("secret detail /var/lib/x");
    return Promise.reject(new Error("async failure"));
  };
  await withServer(failing, async (_server, addr) => {
    const client = new RemotingClient();
    try {
      const sync = await client.invoke(addr, createRequest(1));
      equal(sync.code, ResponseCode.SYSTEM_ERROR);
      equal(sync.remark, "Cannot process request code 1: internal error");
      const async = await client.invoke(addr, createRequest(2));
      equal(async.code, ResponseCode.SYSTEM_ERROR);
    } finally {
      await client.close();
    }
  });
});

Deno.test("RemotingServer closes a garbage-sending connection while another keeps working", async () => {
  await withServer(echo, async (server, addr) => {
    const client = new RemotingClient();
    const raw = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      await client.invoke(addr, createRequest(RequestCode.HEART_BEAT));
      await writeAll(raw, new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]));
      equal(await readFrames(raw, 1), "closed");
      const after = await client.invoke(addr, createRequest(RequestCode.HEART_BEAT));
      equal(after.code, ResponseCode.SUCCESS);
      const bad = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
      try {
        // A valid length with a header length past the frame.
        await writeAll(bad, new Uint8Array([0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0, 0]));
        equal(await readFrames(bad, 1), "closed");
      } finally {
        bad.close();
      }
      equal(server.connections.size, 1);
    } finally {
      raw.close();
      await client.close();
    }
  });
});

Deno.test("RemotingClient.invoke() rejects with CONNECTION_CLOSED and reconnects on next use", async () => {
  const closing: RemotingHandler = (cmd, conn) => {
    if (cmd.code === RequestCode.UNREGISTER_CLIENT) {
      conn.close();
      return undefined;
    }
    return createResponse(cmd, ResponseCode.SUCCESS);
  };
  await withServer(closing, async (_server, addr) => {
    const closedAddrs: string[] = [];
    const client = new RemotingClient({ onClose: (a) => closedAddrs.push(a) });
    try {
      const first = await client.connection(addr);
      await rejects(
        client.invoke(addr, createRequest(RequestCode.UNREGISTER_CLIENT), 2000),
        (error: unknown) => error instanceof BrokerError && error.code === "CONNECTION_CLOSED",
      );
      await first.closed;
      deepEqual(closedAddrs, [addr]);
      const again = await client.invoke(addr, createRequest(RequestCode.HEART_BEAT), 2000);
      equal(again.code, ResponseCode.SUCCESS);
      ok((await client.connection(addr)) !== first);
    } finally {
      await client.close();
    }
  });
});

Deno.test("RemotingClient.invoke() rejects with BrokerError when nobody listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const client = new RemotingClient({ connectTimeoutMs: 1000 });
  try {
    await rejects(
      client.invoke(`127.0.0.1:${port}`, createRequest(RequestCode.HEART_BEAT)),
      BrokerError,
    );
    await rejects(client.invoke("no-port", createRequest(RequestCode.HEART_BEAT)), RangeError);
  } finally {
    await client.close();
  }
});

Deno.test("RemotingConnection.send() delivers a late response after the handler returned", async () => {
  const held: { cmd: RemotingCommand; conn: RemotingConnection }[] = [];
  const holding: RemotingHandler = (cmd, conn) => {
    held.push({ cmd, conn });
    return undefined;
  };
  await withServer(holding, async (_server, addr) => {
    const client = new RemotingClient();
    try {
      const pending = client.invoke(addr, createRequest(RequestCode.PULL_MESSAGE), 2000);
      for (let i = 0; i < 200 && held.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const first = held[0];
      ok(first !== undefined);
      ok(first.conn.send(createResponse(first.cmd, ResponseCode.PULL_NOT_FOUND)));
      equal((await pending).code, ResponseCode.PULL_NOT_FOUND);
    } finally {
      await client.close();
    }
  });
});

Deno.test("RemotingClient answers REQUEST_CODE_NOT_SUPPORTED when it has no onRequest", async () => {
  let serverSide: RemotingConnection | undefined;
  await withServer(echo, async (_server, addr) => {
    const client = new RemotingClient();
    try {
      await client.invoke(addr, createRequest(RequestCode.HEART_BEAT));
      ok(serverSide !== undefined);
      const answer = await serverSide.request(createRequest(12345), 2000);
      equal(answer.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
      equal(answer.remark, " request type 12345 not supported");
    } finally {
      await client.close();
    }
  }, { onConnect: (conn) => serverSide = conn });
});

Deno.test("RemotingConnection.request() times out each request at its own deadline when timeouts differ", async () => {
  const releases: (() => void)[] = [];
  const never: RemotingHandler = (cmd) =>
    new Promise((resolve) => {
      releases.push(() => resolve(createResponse(cmd, ResponseCode.SUCCESS)));
    });
  await withServer(never, async (_server, addr) => {
    const client = new RemotingClient();
    try {
      const conn = await client.connection(addr);
      const start = performance.now();
      const settledAt = (p: Promise<RemotingCommand>) =>
        p.then(() => -1, (error) => error instanceof TimeoutError ? performance.now() - start : -2);
      // A long one first, then a shorter one that must re-arm the shared timer earlier.
      const long = settledAt(conn.request(createRequest(RequestCode.PULL_MESSAGE), 400));
      const short = settledAt(conn.request(createRequest(RequestCode.PULL_MESSAGE), 60));
      const mid = settledAt(conn.request(createRequest(RequestCode.PULL_MESSAGE), 150));
      const answered = conn.request(createRequest(RequestCode.PULL_MESSAGE), 2000);
      const [shortMs, midMs] = await Promise.all([short, mid]);
      ok(shortMs >= 59 && shortMs < 140, `short timed out after ${shortMs} ms`);
      ok(midMs >= 149 && midMs < 390, `mid timed out after ${midMs} ms`);
      equal(conn.pendingRequests, 2);
      const longMs = await long;
      ok(longMs >= 399, `long timed out after ${longMs} ms`);
      for (let i = 0; i < 200 && releases.length < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      releases[3]?.();
      equal((await answered).code, ResponseCode.SUCCESS);
      equal(conn.pendingRequests, 0);
    } finally {
      await client.close();
    }
  });
});
