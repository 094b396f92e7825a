/**
 * One JSON configuration file of the broker (`topics.json`, `subscriptionGroup.json`,
 * `consumerOffset.json`, ...) with RocketMQ's backup rule: before a rewrite the previous
 * content is copied to `<file>.bak`, and loading falls back to the `.bak` copy when the main
 * file is missing or unreadable. Writes go to a temporary file first and are renamed into place,
 * so a crash never leaves a half-written main file.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/mod.ts";
import { BrokerError } from "../common/mod.ts";

const log = getLogger("broker");

/** A JSON file with a `.bak` copy; writes are serialised. */
export class ConfigFile {
  readonly #path: string;
  #chain: Promise<void> = Promise.resolve();

  /** Binds the file at `path` (its folder is created on the first write). */
  constructor(path: string) {
    this.#path = path;
  }

  /** Absolute or relative path of the main file. */
  get path(): string {
    return this.#path;
  }

  /**
   * Reads and parses the file with `parse`, falling back to the `.bak` copy when the main file
   * is missing or `parse` throws. Returns `undefined` when neither exists.
   */
  load<T>(parse: (text: string) => T): T | undefined {
    for (const candidate of [this.#path, `${this.#path}.bak`]) {
      let text: string;
      try {
        text = Deno.readTextFileSync(candidate);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue;
        log.warn("Cannot read configuration file", { path: candidate, error });
        continue;
      }
      if (text.trim() === "") continue;
      try {
        return parse(text);
      } catch (error) {
        log.warn("Cannot parse configuration file", { path: candidate, error });
      }
    }
    return undefined;
  }

  /** Writes `text`, keeping the previous content as `.bak`. Resolves when it is on disk. */
  persist(text: string): Promise<void> {
    const next = this.#chain.then(() => this.#write(text));
    this.#chain = next.catch(() => {});
    return next;
  }

  /** Same as `persist`, synchronously (used on shutdown and in start-up paths). */
  persistSync(text: string): void {
    try {
      ensureParentDir(this.#path);
      try {
        Deno.copyFileSync(this.#path, `${this.#path}.bak`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      const tmp = `${this.#path}.tmp`;
      Deno.writeTextFileSync(tmp, text);
      Deno.renameSync(tmp, this.#path);
    } catch (error) {
      throw new BrokerError(`Cannot write configuration file "${this.#path}"`, {
        code: "CONFIG_WRITE_FAILED",
        cause: error,
      });
    }
  }

  async #write(text: string): Promise<void> {
    try {
      await Deno.mkdir(parentDir(this.#path), { recursive: true });
      try {
        await Deno.copyFile(this.#path, `${this.#path}.bak`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      const tmp = `${this.#path}.tmp`;
      await Deno.writeTextFile(tmp, text);
      await Deno.rename(tmp, this.#path);
    } catch (error) {
      throw new BrokerError(`Cannot write configuration file "${this.#path}"`, {
        code: "CONFIG_WRITE_FAILED",
        cause: error,
      });
    }
  }
}

function parentDir(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "." : path.slice(0, slash);
}

function ensureParentDir(path: string): void {
  Deno.mkdirSync(parentDir(path), { recursive: true });
}
