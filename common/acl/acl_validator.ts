/**
 * `AclValidator`: RocketMQ's `PlainPermissionManager.validate` over a parsed
 * `plain_acl.yml`. Order, as Java: a global whitelist match allows; no
 * access key, an unknown key denies; an account whitelist match allows;
 * a wrong signature denies; an admin-only code needs `admin: true`; each
 * needed resource is checked against the account's perms, else its default
 * topic / group perm. Outcomes are values; the broker maps "denied" to
 * NO_PERMISSION (16) with `remark`. `reload()` re-reads the file;
 * `watchAclFile` calls it on change.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../log.ts";
import {
  ACCESS_KEY_FIELD,
  calculateSignature,
  SIGNATURE_FIELD,
  signatureContent,
} from "./acl_signature.ts";
import { compileRemoteAddress } from "./remote_address_strategy.ts";
import type { RemoteAddressMatcher } from "./remote_address_strategy.ts";
import {
  ADMIN_REQUEST_CODES,
  checkPermission,
  groupResource,
  isGroupResource,
  neededPermissions,
  parsePermission,
} from "./permission.ts";
import { parsePlainAclConfig } from "./plain_acl_config.ts";
import type { PlainAccessConfig } from "./plain_acl_config.ts";

/** A request as the validator sees it. */
export interface AclRequest {
  code: number;
  extFields?: Record<string, string> | undefined;
  body?: Uint8Array | undefined;
}

/** Outcome of `validate`. */
export type AclResult = { status: "allowed" } | { status: "denied"; remark: string };

interface Account {
  config: PlainAccessConfig;
  whitelist: RemoteAddressMatcher;
  perms: Map<string, number>;
  defaultTopicPerm: number;
  defaultGroupPerm: number;
}

interface Compiled {
  global: RemoteAddressMatcher[];
  accounts: Map<string, Account>;
}

const log = getLogger("acl");

function compile(text: string): Compiled {
  const config = parsePlainAclConfig(text);
  const accounts = new Map<string, Account>();
  for (const account of config.accounts) {
    const perms = new Map<string, number>();
    for (
      const [entries, group] of [[account.topicPerms, false], [account.groupPerms, true]] as const
    ) {
      for (const entry of entries) {
        const eq = entry.indexOf("=");
        if (eq <= 0) continue;
        const name = entry.slice(0, eq).trim();
        perms.set(group ? groupResource(name) : name, parsePermission(entry.slice(eq + 1)));
      }
    }
    accounts.set(account.accessKey, {
      config: account,
      whitelist: compileRemoteAddress(account.whiteRemoteAddress),
      perms,
      defaultTopicPerm: parsePermission(account.defaultTopicPerm),
      defaultGroupPerm: parsePermission(account.defaultGroupPerm),
    });
  }
  return { global: config.globalWhiteRemoteAddresses.map(compileRemoteAddress), accounts };
}

/** Options of `AclValidator`. */
export interface AclValidatorOptions {
  /** Path of `plain_acl.yml` (read by `reload()`). */
  file?: string | undefined;
  /** The file's text, instead of `file`. */
  text?: string | undefined;
}

/** Validates requests against a `plain_acl.yml`. */
export class AclValidator {
  readonly #file: string | undefined;
  #compiled: Compiled;

  /** Parses `text`, or reads `file`; throws `ConfigError` on a bad file. */
  constructor(options: AclValidatorOptions) {
    this.#file = options.file;
    if (options.text === undefined && options.file === undefined) {
      throw new RangeError("AclValidator needs file or text");
    }
    this.#compiled = compile(options.text ?? Deno.readTextFileSync(options.file as string));
  }

  /** Re-reads the file; on a bad file keeps the old rules, logs and returns false. */
  reload(text?: string): boolean {
    try {
      this.#compiled = compile(text ?? Deno.readTextFileSync(this.#file as string));
      log.info("ACL rules reloaded", { file: this.#file });
      return true;
    } catch (error) {
      log.error("Cannot reload ACL rules: keeping the previous ones", { file: this.#file, error });
      return false;
    }
  }

  /** Checks `request` from peer `host` (IP without port). */
  validate(request: AclRequest, host: string): AclResult {
    const compiled = this.#compiled;
    if (compiled.global.some((match) => match(host))) return { status: "allowed" };
    const fields = request.extFields ?? {};
    const accessKey = fields[ACCESS_KEY_FIELD];
    if (accessKey === undefined) return this.#deny(request, host, "No accessKey is configured");
    const account = compiled.accounts.get(accessKey);
    if (account === undefined) return this.#deny(request, host, `No acl config for ${accessKey}`);
    if (account.whitelist(host)) return { status: "allowed" };
    const expected = calculateSignature(signatureContent(request), account.config.secretKey);
    if (fields[SIGNATURE_FIELD] !== expected) {
      return this.#deny(request, host, `Check signature failed for accessKey=${accessKey}`);
    }
    if (ADMIN_REQUEST_CODES.has(request.code) && !account.config.admin) {
      return this.#deny(
        request,
        host,
        `Need admin permission for request code=${request.code}, but accessKey=${accessKey} is not`,
      );
    }
    if (account.config.admin && account.perms.size === 0) return { status: "allowed" };
    for (const [resource, needed] of neededPermissions(request.code, fields, request.body)) {
      const owned = account.perms.get(resource) ??
        (isGroupResource(resource) ? account.defaultGroupPerm : account.defaultTopicPerm);
      if (!checkPermission(needed, owned)) {
        return this.#deny(request, host, `No permission for ${resource}`);
      }
    }
    return { status: "allowed" };
  }

  #deny(request: AclRequest, host: string, remark: string): AclResult {
    log.warn("ACL denied request", { code: request.code, host, remark });
    return { status: "denied", remark };
  }
}

/** Calls `validator.reload()` whenever `file` changes; returns a function that stops watching. */
export function watchAclFile(validator: AclValidator, file: string): () => void {
  const watcher = Deno.watchFs(file);
  void (async () => {
    try {
      for await (const event of watcher) {
        if (event.kind === "modify" || event.kind === "create") validator.reload();
      }
    } catch (error) {
      log.warn("ACL file watcher stopped", { file, error });
    }
  })();
  return () => watcher.close();
}
