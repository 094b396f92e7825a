/**
 * Process harness for integration tests: start an entry point (name server,
 * broker, ...) as a child process on 127.0.0.1 with a fresh temp dir and a
 * generated properties file, read the chosen port from its ready line, and
 * stop it (SIGTERM, bounded wait, then SIGKILL). Plus bounded polling
 * (`waitFor`), `freePort`, and `WireClient`, a raw remoting client that sends
 * frames exactly as a Java broker or client does (and garbage, on purpose).
 *
 * Every wait is bounded in time; every process, socket and temp dir this
 * module opens is closed by `stop()` / `kill()` / `close()`.
 *
 * Runs on: main thread
 * @module
 */
import { bodyCrc, TimeoutError } from "../common/mod.ts";
import {
  createRequest,
  encodeCommand,
  FrameDecoder,
  isResponse,
  type RemotingCommand,
} from "../remoting/mod.ts";

/** The repository root (this file lives in `tests/`). */
export const REPO_ROOT: string = new URL("../", import.meta.url).pathname;

/** Options of `startProcess`. */
export interface StartProcessOptions {
  /** Entry file relative to the repository root, such as `"namesrv/main.ts"`. */
  entry: string;
  /** Extra command-line arguments (after `-c <file>` when `properties` is given). */
  args?: string[];
  /** Extra `deno run` flags before the entry, such as `["--cpu-prof"]`. */
  denoFlags?: string[] | undefined;
  /**
   * Written to `<tempDir>/process.properties` and passed with `-c`. The text
   * `${tempDir}` in a value is replaced by the process's temp dir.
   */
  properties?: Record<string, string>;
  /** Matches the ready line on stdout; capture group 1 is the port. */
  readyPattern: RegExp;
  /** How long to wait for the ready line; default 20000 ms. */
  timeoutMs?: number;
  /** Extra environment variables (LOG_LEVEL defaults to "warn"). */
  env?: Record<string, string>;
}

/** A started child process. */
export interface RunningProcess {
  /** The port read from the ready line. */
  port: number;
  /** The child. */
  child: Deno.ChildProcess;
  /** The temp dir made for this process (removed by `stop` / `kill`). */
  tempDir: string;
  /** Everything the child wrote to stdout so far. */
  stdoutText(): string;
  /** Everything the child wrote to stderr so far. */
  stderrText(): string;
  /** SIGTERM, wait up to `timeoutMs` (default 10000), then SIGKILL; returns the exit status. */
  stop(timeoutMs?: number): Promise<Deno.CommandStatus>;
  /** SIGKILL and wait; returns the exit status. */
  kill(): Promise<Deno.CommandStatus>;
}

async function pump(
  stream: ReadableStream<Uint8Array>,
  sink: (text: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) sink(decoder.decode(chunk, { stream: true }));
  sink(decoder.decode());
}

function propertiesText(properties: Record<string, string>, tempDir: string): string {
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${value.replaceAll("${tempDir}", tempDir)}\n`)
    .join("");
}

/** Starts `entry` with `deno run --allow-all` and waits for its ready line. */
export async function startProcess(options: StartProcessOptions): Promise<RunningProcess> {
  const tempDir = await Deno.makeTempDir({ prefix: "rmq-it-" });
  const args = ["run", "--allow-all", ...(options.denoFlags ?? []), `${REPO_ROOT}${options.entry}`];
  if (options.properties !== undefined) {
    const file = `${tempDir}/process.properties`;
    await Deno.writeTextFile(file, propertiesText(options.properties, tempDir));
    args.push("-c", file);
  }
  args.push(...(options.args ?? []));
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO_ROOT,
    env: { LOG_LEVEL: "warn", NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  let stderr = "";
  const pumps = Promise.all([
    pump(child.stdout, (text) => stdout += text),
    pump(child.stderr, (text) => stderr += text),
  ]);
  let finished: Promise<Deno.CommandStatus> | undefined;
  const finish = async (signal: Deno.Signal, timeoutMs: number) => {
    finished ??= (async () => {
      const status = await terminate(child, signal, timeoutMs);
      await pumps;
      await Deno.remove(tempDir, { recursive: true }).catch(() => undefined);
      return status;
    })();
    return await finished;
  };
  const running: RunningProcess = {
    port: 0,
    child,
    tempDir,
    stdoutText: () => stdout,
    stderrText: () => stderr,
    stop: (timeoutMs = 10_000) => finish("SIGTERM", timeoutMs),
    kill: () => finish("SIGKILL", 10_000),
  };
  try {
    running.port = await waitForReady(() => stdout, child.status, options);
  } catch (error) {
    await running.kill();
    throw new Error(`${options.entry} did not start: ${String(error)}\nstderr:\n${stderr}`, {
      cause: error,
    });
  }
  return running;
}

async function waitForReady(
  stdout: () => string,
  exited: Promise<Deno.CommandStatus>,
  options: StartProcessOptions,
): Promise<number> {
  let exitCode: number | undefined;
  exited.then((status) => exitCode = status.code);
  let port = 0;
  await waitFor(() => {
    if (exitCode !== undefined) throw new Error(`exited with code ${exitCode} before ready`);
    const match = options.readyPattern.exec(stdout());
    if (match === null) return false;
    port = Number(match[1]);
    return true;
  }, { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 20, message: "ready line" });
  return port;
}

async function terminate(
  child: Deno.ChildProcess,
  signal: Deno.Signal,
  timeoutMs: number,
): Promise<Deno.CommandStatus> {
  try {
    child.kill(signal);
  } catch {
    // Already exited: the status below is ready.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const first = await Promise.race([child.status, timedOut]);
  clearTimeout(timer);
  if (first !== "timeout") return first;
  try {
    child.kill("SIGKILL");
  } catch {
    // Exited between the timeout and the kill.
  }
  return await child.status;
}

/** Ready line of `namesrv/main.ts`; group 1 is the port. */
export const NAMESRV_READY =
  /The Name Server boot success\. serializeType=JSON, listening on \S+:(\d+)/;

/**
 * Starts a name server on 127.0.0.1, a free port and a KV file in its temp
 * dir; `properties` add to or override those.
 */
export function startNameServer(properties: Record<string, string> = {}): Promise<RunningProcess> {
  return startProcess({
    entry: "namesrv/main.ts",
    properties: {
      bindAddress: "127.0.0.1",
      listenPort: "0",
      kvConfigPath: "${tempDir}/kvConfig.json",
      ...properties,
    },
    readyPattern: NAMESRV_READY,
  });
}

/** Options of `waitFor`. */
export interface WaitForOptions {
  /** Give up after this long; default 5000 ms. */
  timeoutMs?: number;
  /** Poll interval; default 25 ms. */
  intervalMs?: number;
  /** Named in the timeout error. */
  message?: string;
}

/** Polls `predicate` until it is true; throws TimeoutError after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = performance.now() + timeoutMs;
  const rounds = Math.ceil(timeoutMs / Math.max(1, intervalMs)) + 1;
  for (let round = 0; round <= rounds; round++) {
    if (await predicate()) return;
    if (performance.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new TimeoutError(
    `Timed out after ${timeoutMs} ms waiting for ${options.message ?? "a condition"}`,
  );
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Options of `WireClient.connect`. */
export interface WireClientOptions {
  /** Host to connect to; default 127.0.0.1. */
  hostname?: string;
  /** Largest frame accepted from the server; default 16 MiB. */
  maxFrameBytes?: number;
}

/**
 * A raw remoting client for tests: sends commands as given (header type,
 * language, version, opaque and extFields untouched) or arbitrary bytes, and
 * matches responses by opaque. `closed` resolves when the server closes.
 */
export class WireClient {
  readonly #conn: Deno.TcpConn;
  readonly #decoder: FrameDecoder;
  readonly #waiting = new Map<number, (cmd: RemotingCommand) => void>();
  readonly #received: RemotingCommand[] = [];
  readonly #readLoop: Promise<void>;
  #closed = false;

  private constructor(conn: Deno.TcpConn, options: WireClientOptions) {
    this.#conn = conn;
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes ?? 16 * 1024 * 1024 });
    this.#readLoop = this.#read();
  }

  /** Connects to `port`. */
  static async connect(port: number, options: WireClientOptions = {}): Promise<WireClient> {
    const conn = await Deno.connect({ hostname: options.hostname ?? "127.0.0.1", port });
    return new WireClient(conn, options);
  }

  /** True once the server closed the connection (or `close()` was called). */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Every command received that no `request()` was waiting for (requests, late answers). */
  get received(): readonly RemotingCommand[] {
    return this.#received;
  }

  async #read(): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (let round = 0; round < 10_000_000; round++) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        for (const cmd of this.#decoder.push(buffer.subarray(0, n))) {
          const waiter = isResponse(cmd) ? this.#waiting.get(cmd.opaque) : undefined;
          if (waiter === undefined) this.#received.push(cmd);
          else {
            this.#waiting.delete(cmd.opaque);
            waiter(cmd);
          }
        }
      }
    } catch {
      // Reset by the server or closed by us: both end the stream.
    }
    this.#closed = true;
  }

  /** Writes all of `bytes`. */
  async sendRaw(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    for (let round = 0; offset < bytes.length && round < 100_000; round++) {
      offset += await this.#conn.write(bytes.subarray(offset));
    }
  }

  /** Sends `cmd` without waiting (oneway, or a request answered later). */
  async send(cmd: RemotingCommand): Promise<void> {
    await this.sendRaw(encodeCommand(cmd));
  }

  /** Sends `cmd` and waits for the response with its opaque (default 5000 ms). */
  async request(cmd: RemotingCommand, timeoutMs = 5000): Promise<RemotingCommand> {
    const { promise, resolve } = Promise.withResolvers<RemotingCommand>();
    this.#waiting.set(cmd.opaque, resolve);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#waiting.delete(cmd.opaque);
        reject(new TimeoutError(`No response to code ${cmd.code} opaque ${cmd.opaque}`));
      }, timeoutMs);
    });
    try {
      await this.send(cmd);
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until the server closes the connection; false if it stays open for `timeoutMs`. */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    try {
      await waitFor(() => this.#closed, { timeoutMs, intervalMs: 10, message: "connection close" });
      return true;
    } catch (error) {
      if (error instanceof TimeoutError) return false;
      throw error;
    }
  }

  /** Closes the connection and waits for the read loop to end. */
  async close(): Promise<void> {
    try {
      this.#conn.close();
    } catch {
      // Already closed by the server.
    }
    await this.#readLoop;
  }
}

/** A request as a Java 4.9.4 component sends it: language JAVA, version 401, JSON header. */
export function javaRequest(
  code: number,
  extFields?: Record<string, string>,
  options: { body?: Uint8Array; version?: number; oneway?: boolean } = {},
): RemotingCommand {
  return createRequest(code, {
    extFields,
    body: options.body,
    version: options.version ?? 401,
    language: "JAVA",
    oneway: options.oneway,
    serializeType: "JSON",
  });
}

/** One topic of a Java broker's registration body. */
export interface JavaTopic {
  /** Topic name. */
  name: string;
  /** Read and write queue count; default 4. */
  queues?: number;
  /** Permission bits; default 6. */
  perm?: number;
}

/** Options of `registerBrokerRequest`. */
export interface RegisterBrokerRequestOptions {
  /** Default "DefaultCluster". */
  clusterName?: string;
  /** Default "broker-a". */
  brokerName?: string;
  /** Default "127.0.0.1:10911". */
  brokerAddr?: string;
  /** Default 0 (master). */
  brokerId?: number;
  /** Default: the broker address with port + 1. */
  haServerAddr?: string;
  /** Topics; default TBW102 and TopicTest. */
  topics?: JavaTopic[];
  /** DataVersion counter; default 1. */
  counter?: number;
  /** Send oneway (flag 2). */
  oneway?: boolean;
}

/**
 * REGISTER_BROKER exactly as a Java 4.9.4 broker builds it: extFields in its
 * HashMap order, `bodyCrc32` = CRC-32 & 0x7FFFFFFF of the compact JSON body.
 */
export function registerBrokerRequest(options: RegisterBrokerRequestOptions = {}): RemotingCommand {
  const brokerAddr = options.brokerAddr ?? "127.0.0.1:10911";
  const [host, port] = brokerAddr.split(":");
  const topics = options.topics ?? [{ name: "TBW102", queues: 8, perm: 7 }, { name: "TopicTest" }];
  const table = topics.map((t) =>
    `"${t.name}":{"order":false,"perm":${t.perm ?? 6},"readQueueNums":${t.queues ?? 4},` +
    `"topicFilterType":"SINGLE_TAG","topicName":"${t.name}","topicSysFlag":0,` +
    `"writeQueueNums":${t.queues ?? 4}}`
  ).join(",");
  const body = new TextEncoder().encode(
    `{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":` +
      `${options.counter ?? 1},"timestamp":1795591218016},"topicConfigTable":{${table}}}}`,
  );
  return javaRequest(103, {
    brokerId: String(options.brokerId ?? 0),
    bodyCrc32: String(bodyCrc(body)),
    clusterName: options.clusterName ?? "DefaultCluster",
    brokerAddr,
    haServerAddr: options.haServerAddr ?? `${host}:${Number(port) + 1}`,
    compressed: "false",
    brokerName: options.brokerName ?? "broker-a",
  }, { body, oneway: options.oneway ?? false });
}
