/**
 * Facts about the machine that config defaults depend on (host name, first
 * non-loopback IPv4 address, core count, home directory), gathered once so
 * tests can pass fixed values instead.
 *
 * Runs on: main thread
 * @module
 */

/** Machine facts used for derived defaults. */
export interface MachineInfo {
  /** Local host name, or `"DEFAULT_BROKER"` when unknown (as Java falls back). */
  hostname: string;
  /** First non-loopback IPv4 address, or `"127.0.0.1"`. */
  ipv4: string;
  /** Logical CPU cores, at least 1. */
  cores: number;
  /** Home directory (`$HOME`, `$USERPROFILE`), or `"."`. */
  homeDir: string;
}

/** Environment lookup: returns a variable's value or undefined. */
export type EnvLookup = (name: string) => string | undefined;

/** Reads the real environment; without permission every variable is unset. */
export const denoEnv: EnvLookup = (name: string): string | undefined => {
  try {
    return Deno.env.get(name);
  } catch {
    // No --allow-env: behave as if the variable were unset.
    return undefined;
  }
};

/** Gathers machine facts; each falls back to a safe default without permission. */
export function detectMachineInfo(env: EnvLookup = denoEnv): MachineInfo {
  return {
    hostname: tryOr(() => Deno.hostname(), "DEFAULT_BROKER") || "DEFAULT_BROKER",
    ipv4: tryOr(firstNonLoopbackIpv4, "127.0.0.1"),
    cores: Math.max(1, navigator.hardwareConcurrency || 1),
    homeDir: env("HOME") ?? env("USERPROFILE") ?? ".",
  };
}

function firstNonLoopbackIpv4(): string {
  const found = Deno.networkInterfaces().find((info) =>
    info.family === "IPv4" && !info.address.startsWith("127.")
  );
  return found?.address ?? "127.0.0.1";
}

function tryOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    // Missing --allow-sys or an unsupported platform: use the fallback.
    return fallback;
  }
}
