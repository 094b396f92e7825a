/**
 * Authentication of the admin HTTP API and dashboard (Not RocketMQ): a bearer token
 * (`Authorization: Bearer <httpAuthToken>`) or basic credentials (`httpBasicAuth` =
 * `user:password`). Bound to anything but loopback, the server refuses to start without one
 * (`assertSafeExposure`). Comparisons are constant-time over SHA-256 digests.
 *
 * Runs on: main thread
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ConfigError, getLogger } from "../common/mod.ts";

const log = getLogger("http");
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** Credentials the admin API accepts; both absent = open (loopback only). */
export interface AdminAuth {
  /** Bearer token. */
  token?: string | undefined;
  /** `user:password` for HTTP basic authentication. */
  basic?: string | undefined;
}

function hasCredentials(auth: AdminAuth | undefined): boolean {
  return (auth?.token ?? "") !== "" || (auth?.basic ?? "") !== "";
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Throws `ConfigError` when `hostname` is not loopback and `auth` has no credentials. */
export function assertSafeExposure(hostname: string, auth: AdminAuth | undefined): void {
  if (LOOPBACK.has(hostname) || hasCredentials(auth)) return;
  throw new ConfigError(
    `Refusing to serve the admin HTTP API on ${hostname} without credentials: ` +
      "set httpAuthToken or httpBasicAuth, or bind httpBindAddress to 127.0.0.1",
  );
}

/** True when the `Authorization` header carries the token or the basic credentials. */
export function isAuthorized(header: string | undefined, auth: AdminAuth): boolean {
  if (header === undefined) return false;
  const space = header.indexOf(" ");
  if (space <= 0) return false;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === "bearer" && (auth.token ?? "") !== "") {
    return sameSecret(value, auth.token as string);
  }
  if (scheme === "basic" && (auth.basic ?? "") !== "") {
    let decoded: string;
    try {
      decoded = new TextDecoder().decode(Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0)));
    } catch {
      return false;
    }
    return sameSecret(decoded, auth.basic as string);
  }
  return false;
}

/** Hono middleware answering 401 (with a basic challenge when basic is set) to others. */
export function adminAuth(auth: AdminAuth): MiddlewareHandler {
  return async (c, next) => {
    if (isAuthorized(c.req.header("authorization"), auth)) return await next();
    log.warn("Admin HTTP request refused: no valid credentials", {
      method: c.req.method,
      path: c.req.path,
    });
    const headers: Record<string, string> = (auth.basic ?? "") !== ""
      ? { "www-authenticate": 'Basic realm="rocketmq-deno admin"' }
      : { "www-authenticate": "Bearer" };
    return c.json({ error: "Unauthorized" }, 401, headers);
  };
}

/** Whether `auth` turns authentication on. */
export function authEnabled(auth: AdminAuth | undefined): auth is AdminAuth {
  return hasCredentials(auth);
}
