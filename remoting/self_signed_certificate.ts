/**
 * RocketMQ's `tlsTestModeEnable` on the server side: Java's `TlsHelper` builds its server
 * context from a freshly generated self-signed certificate (Netty `SelfSignedCertificate`).
 * Deno has no X.509 generator and we take no dependency, so the certificate is made by running
 * `openssl` (P-256 key, one year, CN=localhost, SAN localhost / 127.0.0.1 / ::1, not a CA, so a
 * client may trust the certificate itself) in a temporary folder that is removed at once; only
 * the PEM text is kept, in memory. Without `openssl` on the PATH it throws `ConfigError` saying
 * how to proceed.
 *
 * Runs on: main thread
 * @module
 */
import { ConfigError } from "../common/mod.ts";

/** A generated certificate and its key, PEM text. */
export interface SelfSignedCertificate {
  /** Certificate (PEM). */
  cert: string;
  /** Unencrypted private key (PEM). */
  key: string;
}

const HOW_TO = "give tls.server.certPath and tls.server.keyPath (PEM files), or install openssl";

/** Makes a self-signed certificate with `openssl`; throws `ConfigError` when it cannot. */
export function makeSelfSignedCertificate(): SelfSignedCertificate {
  const dir = Deno.makeTempDirSync({ prefix: "rmq-tls-test-mode-" });
  try {
    let output: Deno.CommandOutput;
    try {
      output = new Deno.Command("openssl", {
        args: [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-days",
          "365",
          "-subj",
          "/CN=localhost",
          "-addext",
          "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
          "-addext",
          "basicConstraints=critical,CA:FALSE",
          "-addext",
          "extendedKeyUsage=serverAuth",
          "-keyout",
          `${dir}/key.pem`,
          "-out",
          `${dir}/cert.pem`,
        ],
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).outputSync();
    } catch (error) {
      throw new ConfigError(
        `tlsTestModeEnable=true without certificate files needs openssl to make a self-signed ` +
          `certificate, and it cannot be run (${String(error)}): ${HOW_TO}`,
      );
    }
    if (!output.success) {
      const detail = new TextDecoder().decode(output.stderr).trim().slice(0, 300);
      throw new ConfigError(`openssl could not make a self-signed certificate: ${detail}`);
    }
    return {
      cert: Deno.readTextFileSync(`${dir}/cert.pem`),
      key: Deno.readTextFileSync(`${dir}/key.pem`),
    };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
