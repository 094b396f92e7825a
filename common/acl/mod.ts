/**
 * RocketMQ 4.x ACL, pure: `plain_acl.yml` parsing, request signing
 * (HmacSHA1 over sorted header values and body), IP whitelist patterns,
 * permissions per request code, and `AclValidator` with reload and a file
 * watcher.
 *
 * ```ts
 * import { AclValidator, signRequest } from "./mod.ts";
 * const acl = new AclValidator({ text: "accounts:\n  - accessKey: ak\n    secretKey: sk\n    admin: true\n" });
 * const signed = signRequest({ code: 105, extFields: { topic: "T" } }, { accessKey: "ak", secretKey: "sk" });
 * if (acl.validate(signed, "10.0.0.1").status !== "allowed") throw new Error("denied");
 * ```
 *
 * Runs on: any
 * @module
 */
export {
  ACCESS_KEY_FIELD,
  calculateSignature,
  SECURITY_TOKEN_FIELD,
  SIGNATURE_FIELD,
  signatureContent,
  signRequest,
} from "./acl_signature.ts";
export type { SessionCredentials, SignableRequest } from "./acl_signature.ts";
export { compileRemoteAddress } from "./remote_address_strategy.ts";
export type { RemoteAddressMatcher } from "./remote_address_strategy.ts";
export {
  ADMIN_REQUEST_CODES,
  checkPermission,
  groupResource,
  neededPermissions,
  parsePermission,
  Permission,
} from "./permission.ts";
export { parsePlainAclConfig, parseYamlSubset } from "./plain_acl_config.ts";
export type { PlainAccessConfig, PlainAclConfig } from "./plain_acl_config.ts";
export { AclValidator, watchAclFile } from "./acl_validator.ts";
export type { AclRequest, AclResult, AclValidatorOptions } from "./acl_validator.ts";
