/**
 * The ACL credentials `mqadmin` signs with, first found wins: `--accessKey` and `--secretKey`,
 * the environment (`ROCKETMQ_ACCESS_KEY`, `ROCKETMQ_SECRET_KEY`), then `conf/tools.yml` under
 * `ROCKETMQ_HOME` (`accessKey:` / `secretKey:`, as Java's mqadmin reads it). None = unsigned.
 *
 * Runs on: main thread
 * @module
 */
import { parseYamlSubset, type SessionCredentials } from "../../common/acl/mod.ts";
import { UsageError } from "../exit_codes.ts";
import type { OptionValues } from "./_command.ts";

/** Flags every command accepts for signing. */
export const CREDENTIAL_OPTIONS = {
  accessKey: { description: "ACL access key (or ROCKETMQ_ACCESS_KEY, or conf/tools.yml)" },
  secretKey: { description: "ACL secret key (or ROCKETMQ_SECRET_KEY, or conf/tools.yml)" },
} as const;

function pair(
  accessKey: string | undefined,
  secretKey: string | undefined,
  where: string,
): SessionCredentials | undefined {
  if ((accessKey ?? "") === "" && (secretKey ?? "") === "") return undefined;
  if ((accessKey ?? "") === "" || (secretKey ?? "") === "") {
    throw new UsageError(`${where}: give both an access key and a secret key`);
  }
  return { accessKey: accessKey as string, secretKey: secretKey as string };
}

function fromToolsYml(
  home: string | undefined,
  readFile: (path: string) => string | undefined,
): SessionCredentials | undefined {
  if (home === undefined || home === "") return undefined;
  const file = `${home.replace(/\/+$/, "")}/conf/tools.yml`;
  const text = readFile(file);
  if (text === undefined) return undefined;
  const yaml = parseYamlSubset(text);
  if (typeof yaml !== "object" || yaml === null || Array.isArray(yaml)) return undefined;
  const record = yaml as Record<string, unknown>;
  const str = (v: unknown) => typeof v === "string" ? v : undefined;
  return pair(str(record["accessKey"]), str(record["secretKey"]), file);
}

/** Reads a text file, or `undefined` when it does not exist or cannot be read. */
export function readOptionalFile(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/** The credentials to sign with, or `undefined`; throws `UsageError` for half a pair. */
export function resolveCredentials(
  values: OptionValues,
  options: {
    env?: ((name: string) => string | undefined) | undefined;
    readFile?: ((path: string) => string | undefined) | undefined;
  } = {},
): SessionCredentials | undefined {
  const flag = (name: string) =>
    typeof values[name] === "string" ? values[name] as string : undefined;
  const env = options.env ?? (() => undefined);
  return pair(flag("accessKey"), flag("secretKey"), "--accessKey/--secretKey") ??
    pair(
      env("ROCKETMQ_ACCESS_KEY"),
      env("ROCKETMQ_SECRET_KEY"),
      "ROCKETMQ_ACCESS_KEY/SECRET_KEY",
    ) ??
    fromToolsYml(env("ROCKETMQ_HOME"), options.readFile ?? readOptionalFile);
}

/** Flags every command accepts for TLS (Java mqadmin: `-Dtls.enable`, `tls.client.trustCertPath`). */
export const TLS_OPTIONS = {
  tls: { type: "boolean", description: "Connect with TLS (or ROCKETMQ_TLS_ENABLE=true)" },
  tlsTrustCertPath: {
    description: "PEM certificate(s) to trust besides the system roots, with --tls " +
      "(or ROCKETMQ_TLS_TRUST_CERT_PATH)",
  },
} as const;

/** TLS of mqadmin's connections, or `undefined` for plain TCP; throws `UsageError` on a bad file. */
export function resolveTls(
  values: OptionValues,
  options: {
    env?: ((name: string) => string | undefined) | undefined;
    readFile?: ((path: string) => string | undefined) | undefined;
  } = {},
): { caCerts?: string[] } | undefined {
  const env = options.env ?? (() => undefined);
  const enabled = values.tls === true || env("ROCKETMQ_TLS_ENABLE") === "true";
  if (!enabled) return undefined;
  const path = typeof values.tlsTrustCertPath === "string"
    ? values.tlsTrustCertPath
    : env("ROCKETMQ_TLS_TRUST_CERT_PATH");
  if (path === undefined || path === "") return {};
  const text = (options.readFile ?? readOptionalFile)(path);
  if (text === undefined) throw new UsageError(`Cannot read --tlsTrustCertPath file "${path}"`);
  return { caCerts: [text] };
}
