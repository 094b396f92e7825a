/**
 * The broker's safety wiring: remoting-server options from the settings (limits and TLS), the
 * ACL hook (`plain_acl.yml` checked before dispatch, NO_PERMISSION with a remark, every denial
 * logged with client address, access key, code and remark; the file is reloaded when it
 * changes), and the credentials the broker signs its own name-server requests with.
 *
 * Runs on: main thread
 * @module
 */
import { ConfigError, getLogger } from "../common/mod.ts";
import {
  ACCESS_KEY_FIELD,
  AclValidator,
  type SessionCredentials,
  signRequest,
  watchAclFile,
} from "../common/acl/mod.ts";
import {
  createResponse,
  isOneway,
  makeSelfSignedCertificate,
  type RemotingClientTlsOptions,
  type RemotingCommand,
  type RemotingServerOptions,
  ResponseCode,
} from "../remoting/mod.ts";
import type { BrokerSettings } from "./broker_settings.ts";

const log = getLogger("broker");

/** The `RemotingServerOptions` bounds and TLS a broker listener gets from its settings. */
export type ListenerOptions = Pick<
  RemotingServerOptions,
  | "maxConnections"
  | "maxInFlight"
  | "maxWriteBacklogBytes"
  | "maxFrameBytes"
  | "idleTimeoutMs"
  | "tls"
>;

/** Listener limits and TLS from settings; throws `ConfigError` when TLS lacks its files. */
export function listenerOptions(settings: BrokerSettings): ListenerOptions {
  return {
    maxConnections: settings.serverMaxConnections,
    maxInFlight: settings.serverMaxInFlight,
    maxWriteBacklogBytes: settings.serverMaxWriteBacklogBytes,
    maxFrameBytes: settings["com.rocketmq.remoting.frameMaxLength"],
    idleTimeoutMs: settings.serverChannelMaxIdleTimeSeconds * 1000,
    tls: serverTls(settings),
  };
}

function serverTls(settings: BrokerSettings): RemotingServerOptions["tls"] {
  if (!settings.tlsEnable) return undefined;
  const certFile = settings["tls.server.certPath"];
  const keyFile = settings["tls.server.keyPath"];
  if (certFile === null || keyFile === null) {
    if (!settings.tlsTestModeEnable) {
      throw new ConfigError(
        "tlsEnable=true with tlsTestModeEnable=false needs tls.server.certPath and " +
          "tls.server.keyPath (PEM files)",
      );
    }
    log.warn("tlsTestModeEnable: serving TLS with a generated self-signed certificate");
    return { certFile: "", keyFile: "", ...makeSelfSignedCertificate() };
  }
  return { certFile, keyFile };
}

/** TLS of outgoing connections (name servers): `tls.client.trustCertPath` or the system store. */
export function clientTls(settings: BrokerSettings): RemotingClientTlsOptions | undefined {
  if (!settings.tlsEnable) return undefined;
  const trust = settings["tls.client.trustCertPath"];
  return trust === null ? {} : { caCerts: [Deno.readTextFileSync(trust)] };
}

/** The broker's own credentials, when both `accessKey` and `secretKey` are set. */
export function brokerCredentials(settings: BrokerSettings): SessionCredentials | undefined {
  const { accessKey, secretKey } = settings;
  if (accessKey === null || secretKey === null || accessKey === "") return undefined;
  return { accessKey, secretKey };
}

/** `cmd` signed with `credentials` (last step before sending), or `cmd` when none. */
export function signIfConfigured(
  cmd: RemotingCommand,
  credentials: SessionCredentials | undefined,
): RemotingCommand {
  return credentials === undefined ? cmd : signRequest(cmd, credentials);
}

/** IP of `host:port` (IPv6 keeps its colons). */
function hostOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(":");
  const host = colon < 0 ? remoteAddress : remoteAddress.slice(0, colon);
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** The ACL hook of one broker: off (everything passes) unless `aclEnable`. */
export class BrokerAcl {
  readonly #validator: AclValidator | undefined;
  readonly #stopWatch: (() => void) | undefined;
  #denied = 0;

  /** Reads `plainAclFile` and starts watching it when `aclEnable`; throws `ConfigError`. */
  constructor(settings: BrokerSettings) {
    if (!settings.aclEnable) return;
    const file = settings.plainAclFile;
    try {
      Deno.statSync(file);
    } catch {
      throw new ConfigError(`aclEnable=true but plainAclFile "${file}" cannot be read`);
    }
    this.#validator = new AclValidator({ file });
    this.#stopWatch = watchAclFile(this.#validator, file);
    log.info("ACL enabled", { file });
  }

  /** Requests refused so far. */
  get denied(): number {
    return this.#denied;
  }

  /**
   * `undefined` when `request` may be dispatched; otherwise the NO_PERMISSION answer
   * (`null` for a one-way request, which gets none).
   */
  check(request: RemotingCommand, remoteAddress: string): RemotingCommand | null | undefined {
    if (this.#validator === undefined) return undefined;
    const result = this.#validator.validate(request, hostOf(remoteAddress));
    if (result.status === "allowed") return undefined;
    this.#denied++;
    log.warn("Request refused by ACL", {
      client: remoteAddress,
      accessKey: request.extFields?.[ACCESS_KEY_FIELD] ?? null,
      code: request.code,
      topic: request.extFields?.["topic"] ?? request.extFields?.["b"] ?? null,
      group: request.extFields?.["consumerGroup"] ?? request.extFields?.["group"] ?? null,
      remark: result.remark,
    });
    if (isOneway(request)) return null;
    return createResponse(request, ResponseCode.NO_PERMISSION, { remark: result.remark });
  }

  /** Stops watching the file. */
  close(): void {
    this.#stopWatch?.();
  }
}
