/**
 * `tlsTestModeEnable` certificates: `makeSelfSignedCertificate()` (openssl) gives PEM text a
 * `RemotingServer` serves TLS with, and a client that trusts that certificate itself talks to
 * it; a client trusting only the system roots is refused. Skipped without openssl.
 *
 * Runs on: main thread
 */
import { equal, match, rejects } from "node:assert/strict";
import { createRequest, createResponse } from "./remoting_command.ts";
import { RemotingClient } from "./remoting_client.ts";
import { RemotingServer } from "./remoting_server.ts";
import { ResponseCode } from "./response_code.ts";
import { makeSelfSignedCertificate } from "./self_signed_certificate.ts";

function hasOpenssl(): boolean {
  try {
    return new Deno.Command("openssl", { args: ["version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "makeSelfSignedCertificate() makes a certificate a TLS RemotingServer serves",
  ignore: !hasOpenssl(),
  fn: async () => {
    const { cert, key } = makeSelfSignedCertificate();
    match(cert, /^-----BEGIN CERTIFICATE-----/);
    match(key, /-----BEGIN PRIVATE KEY-----/);
    const server = new RemotingServer({
      hostname: "127.0.0.1",
      port: 0,
      handler: (cmd) => Promise.resolve(createResponse(cmd, ResponseCode.SUCCESS)),
      tls: { certFile: "", keyFile: "", cert, key },
    });
    await server.start();
    const trusting = new RemotingClient({ tls: { caCerts: [cert] }, requestTimeoutMs: 3000 });
    const untrusting = new RemotingClient({ tls: {}, requestTimeoutMs: 1000 });
    try {
      const answer = await trusting.invoke(`127.0.0.1:${server.port}`, createRequest(10));
      equal(answer.code, ResponseCode.SUCCESS);
      await rejects(untrusting.invoke(`127.0.0.1:${server.port}`, createRequest(10)));
    } finally {
      await trusting.close();
      await untrusting.close();
      await server.close();
    }
  },
});
