/**
 * Test helpers of `common/`: the seed of property tests (logged so a run can
 * be replayed with `SEED=...`), and the Java 4.9.4 wire captures in
 * `../shared/fixtures/java-4.9.4/` beside the repository. Tests that use the
 * captures pass `ignore: !FIXTURES_AVAILABLE` so they skip when it is missing.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "./log.ts";
import { testSeed } from "./random.ts";

/** A seed for a property test, logged with the test's name; replay with `SEED=<n>`. */
export function propertySeed(testName: string): number {
  const seed = testSeed();
  getLogger("test").info("Property test seed", { test: testName, seed });
  return seed;
}

/** Folder of the Java 4.9.4 captures. */
export const FIXTURES_DIR = new URL("../../shared/fixtures/java-4.9.4/", import.meta.url);

function fixturesPresent(): boolean {
  try {
    return Deno.statSync(FIXTURES_DIR).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Whether the captures exist; tests print why they skip when not. */
export const FIXTURES_AVAILABLE: boolean = fixturesPresent();
/** Shown in the names of fixture tests when the folder is missing. */
export const FIXTURES_SKIP_NOTE = FIXTURES_AVAILABLE
  ? ""
  : " (skipped: ../shared/fixtures/java-4.9.4/ not found)";

/** One decoded stored message as the capture tool wrote it. */
export interface FixtureMessage {
  totalSize: number;
  magicCode: string;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  physicalOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  bodyLength: number;
  body?: string;
  topic: string;
  propertiesLength: number;
  properties: Record<string, string>;
}

/** One decoded SEND_BATCH_MESSAGE entry as the capture tool wrote it. */
export interface FixtureBatchMessage {
  totalSize: number;
  magicCode: number | string;
  bodyCRC: number;
  flag: number;
  bodyLength: number;
  body?: string;
  propertiesLength: number;
  properties: Record<string, string>;
}

/** The fields of a frame line these tests use. */
export interface FixtureFrame {
  scenario: string;
  codeName?: string;
  isResponse: boolean;
  extFields?: Record<string, string>;
  body?: string;
  messages?: FixtureMessage[];
  batchMessages?: FixtureBatchMessage[];
}

/** Base64 to bytes (absent means empty). */
export function fromBase64(text: string | undefined): Uint8Array {
  if (text === undefined) return new Uint8Array(0);
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Every frame line of every remoting capture file (the HA stream is left out). */
export function loadFrames(): FixtureFrame[] {
  if (!FIXTURES_AVAILABLE) return [];
  const frames: FixtureFrame[] = [];
  const names = [...Deno.readDirSync(FIXTURES_DIR)]
    .map((entry) => entry.name)
    .filter((name) => name.endsWith(".jsonl") && !name.includes("ha-stream"))
    .sort();
  for (const name of names) {
    const text = Deno.readTextFileSync(new URL(name, FIXTURES_DIR));
    for (const line of text.split("\n")) {
      if (line.trim() !== "") frames.push(JSON.parse(line) as FixtureFrame);
    }
  }
  return frames;
}
