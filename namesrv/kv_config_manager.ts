/**
 * Namespaced key/value configuration of the name server (Java
 * `KVConfigManager`), persisted as `{"configTable":{"<ns>":{"<key>":"<value>"}}}`
 * to `kvConfigPath` like Java's `kvConfig.json`. Writes go to a temporary
 * file that is then renamed over the old one, so a crash never leaves a torn file.
 *
 * Runs on: main thread
 * @module
 */
import { ConfigError, getLogger } from "../common/mod.ts";

const log = getLogger("namesrv");

/** Options of `KvConfigManager`. */
export interface KvConfigManagerOptions {
  /** File to load from and persist to; empty or absent = memory only. */
  kvConfigPath?: string;
}

/** Namespaced key/value store. */
export class KvConfigManager {
  readonly #path: string;
  readonly #table = new Map<string, Map<string, string>>();

  /** Creates an empty store; call `load()` to read the file. */
  constructor(options: KvConfigManagerOptions = {}) {
    this.#path = options.kvConfigPath ?? "";
  }

  /** Reads `kvConfigPath` if it exists; throws ConfigError when the file is not valid. */
  load(): void {
    if (this.#path === "") return;
    let text: string;
    try {
      text = Deno.readTextFileSync(this.#path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw new ConfigError(`Cannot read KV config file "${this.#path}"`, { cause: error });
    }
    if (text.trim() === "") return;
    const table = parseConfigTable(text, this.#path);
    this.#table.clear();
    for (const [namespace, entries] of table) this.#table.set(namespace, entries);
    log.info("KV config loaded", { path: this.#path, namespaces: this.#table.size });
  }

  /** Sets `key` in `namespace` and persists. */
  putKvConfig(namespace: string, key: string, value: string): void {
    let entries = this.#table.get(namespace);
    if (entries === undefined) {
      entries = new Map();
      this.#table.set(namespace, entries);
    }
    entries.set(key, value);
    this.#persist();
  }

  /** Removes `key` from `namespace` and persists; false when it was absent. */
  deleteKvConfig(namespace: string, key: string): boolean {
    const entries = this.#table.get(namespace);
    if (entries === undefined || !entries.delete(key)) return false;
    this.#persist();
    return true;
  }

  /** The value of `key` in `namespace`. */
  getKvConfig(namespace: string, key: string): string | undefined {
    return this.#table.get(namespace)?.get(key);
  }

  /** A copy of one namespace, or undefined when it has no entries. */
  getKvListByNamespace(namespace: string): Map<string, string> | undefined {
    const entries = this.#table.get(namespace);
    return entries === undefined || entries.size === 0 ? undefined : new Map(entries);
  }

  /** The whole store as Java writes it: `{"configTable":{...}}`. */
  toJson(): string {
    const configTable: Record<string, Record<string, string>> = {};
    for (const [namespace, entries] of this.#table) {
      configTable[namespace] = Object.fromEntries(entries);
    }
    return JSON.stringify({ configTable });
  }

  #persist(): void {
    if (this.#path === "") return;
    const tmp = `${this.#path}.tmp`;
    try {
      const dir = this.#path.replace(/[\\/][^\\/]*$/, "");
      if (dir !== this.#path && dir !== "") Deno.mkdirSync(dir, { recursive: true });
      Deno.writeTextFileSync(tmp, this.toJson());
      Deno.renameSync(tmp, this.#path);
    } catch (error) {
      // Kept in memory; the next change retries the write.
      log.error("Cannot persist KV config", { path: this.#path, error });
    }
  }
}

function parseConfigTable(text: string, path: string): Map<string, Map<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Invalid KV config file "${path}": not JSON`, { cause: error });
  }
  const configTable = isRecord(parsed) ? parsed.configTable : undefined;
  const result = new Map<string, Map<string, string>>();
  if (configTable === undefined || configTable === null) return result;
  if (!isRecord(configTable)) {
    throw new ConfigError(`Invalid KV config file "${path}": "configTable" is not an object`);
  }
  for (const [namespace, entries] of Object.entries(configTable)) {
    if (!isRecord(entries)) {
      throw new ConfigError(
        `Invalid KV config file "${path}": namespace "${namespace}" is not an object`,
      );
    }
    const map = new Map<string, string>();
    for (const [key, value] of Object.entries(entries)) map.set(key, String(value));
    result.set(namespace, map);
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
