/**
 * Helpers shared by the broker security and hostile suites: a broker child process on
 * 127.0.0.1 with extra properties, Java-shaped send and pull requests, and a self-signed
 * certificate made with openssl (undefined when openssl is missing).
 *
 * Runs on: main thread
 */
import type { RemotingCommand } from "../../remoting/mod.ts";
import { RequestCode } from "../../remoting/mod.ts";
import { javaRequest, type RunningProcess, startProcess } from "../harness.ts";

/** Ready line of `broker/main.ts`; group 1 is the port. */
export const BROKER_READY = /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/;

/** Starts `broker/main.ts` on 127.0.0.1 and a free port with its store in its temp dir. */
export function startBrokerProcess(
  properties: Record<string, string> = {},
): Promise<RunningProcess> {
  return startProcess({
    entry: "broker/main.ts",
    properties: {
      brokerName: "broker-h",
      brokerIP1: "127.0.0.1",
      bindAddress: "127.0.0.1",
      listenPort: "0",
      storePathRootDir: "${tempDir}/store",
      ...properties,
    },
    readyPattern: BROKER_READY,
  });
}

/** SEND_MESSAGE_V2 as a Java 4.9.4 producer sends it. */
export function sendV2(topic: string, body: Uint8Array | string, queueId = 0): RemotingCommand {
  return javaRequest(RequestCode.SEND_MESSAGE_V2, {
    a: "pg",
    b: topic,
    c: "TBW102",
    d: "4",
    e: String(queueId),
    f: "0",
    g: String(Date.now()),
    h: "0",
    i: "WAIT\u0001true",
    j: "0",
    k: "false",
    m: "false",
  }, { body: typeof body === "string" ? new TextEncoder().encode(body) : body });
}

/** PULL_MESSAGE without suspension (fields are strings so tests can put anything in them). */
export function pullRequest(
  topic: string,
  fields: { queueOffset?: string; maxMsgNums?: string; queueId?: string; group?: string } = {},
): RemotingCommand {
  return javaRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: fields.group ?? "cg",
    topic,
    queueId: fields.queueId ?? "0",
    queueOffset: fields.queueOffset ?? "0",
    maxMsgNums: fields.maxMsgNums ?? "32",
    sysFlag: "4",
    commitOffset: "0",
    suspendTimeoutMillis: "0",
    subscription: "*",
    subVersion: "0",
    expressionType: "TAG",
  });
}

/** A CA and a server certificate it signed, for 127.0.0.1 / localhost. */
export interface TestCertificate {
  dir: string;
  /** Server certificate (PEM file). */
  certFile: string;
  /** Server key (PEM file, unencrypted). */
  keyFile: string;
  /** CA certificate file clients trust. */
  caFile: string;
  /** CA certificate text. */
  caPem: string;
}

async function openssl(args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

/** Makes a one-day CA and server certificate with openssl, or undefined when that fails. */
export async function makeCertificate(): Promise<TestCertificate | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "rmq-tls-" });
  const f = (name: string) => `${dir}/${name}`;
  try {
    await openssl([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=test-ca",
      "-keyout",
      f("ca.key"),
      "-out",
      f("ca.pem"),
    ]);
    await openssl([
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-keyout",
      f("key.pem"),
      "-out",
      f("server.csr"),
    ]);
    await Deno.writeTextFile(
      f("ext.cnf"),
      "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n" +
        "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    );
    await openssl([
      "x509",
      "-req",
      "-in",
      f("server.csr"),
      "-CA",
      f("ca.pem"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      f("ext.cnf"),
      "-out",
      f("cert.pem"),
    ]);
    return {
      dir,
      certFile: f("cert.pem"),
      keyFile: f("key.pem"),
      caFile: f("ca.pem"),
      caPem: await Deno.readTextFile(f("ca.pem")),
    };
  } catch {
    await Deno.remove(dir, { recursive: true }).catch(() => undefined);
    return undefined;
  }
}

/** True when `openssl` runs on this machine. */
export function hasOpenssl(): boolean {
  try {
    return new Deno.Command("openssl", { args: ["version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}
