/**
 * `deno task fuzz`: a seeded fuzz run over the decoders and the name-server and broker
 * handlers. Prints the seed, the inputs tried per target and every finding;
 * exits 1 when something broke a rule.
 *
 * Usage: `deno run --allow-read --allow-write --allow-env tests/fuzz/fuzz.ts [--seconds 60] [--seed N] [--target frame,namesrv]`
 *
 * Runs on: main thread
 * @module
 */
import { parseArgs } from "node:util";
import { configureLogging } from "../../common/mod.ts";
import { fuzzTargetNames, runFuzz } from "./fuzz_runner.ts";

const encoder = new TextEncoder();

async function print(line: string): Promise<void> {
  await Deno.stdout.write(encoder.encode(`${line}\n`));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seconds: { type: "string", default: "60" },
      seed: { type: "string" },
      target: { type: "string", default: "" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    await print("Usage: fuzz.ts [--seconds N] [--seed N] [--target a,b]");
    await print(`Targets: ${fuzzTargetNames().join(", ")}`);
    return 0;
  }
  const seed = values.seed === undefined
    ? crypto.getRandomValues(new Uint32Array(1))[0] ?? 1
    : Number(values.seed) >>> 0;
  const seconds = Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    await print(`Invalid --seconds "${values.seconds}"`);
    return 2;
  }
  const targets = values.target === "" ? undefined : values.target.split(",");
  configureLogging({ level: "error" }); // handlers log rejected input at warn: keep output short
  await print(`fuzz seed=${seed} seconds=${seconds} targets=${targets?.join(",") ?? "all"}`);
  const report = await runFuzz({ seed, seconds, targets });
  for (const [name, stats] of Object.entries(report.stats)) {
    await print(`  ${name.padEnd(20)} inputs=${stats.inputs} rejected=${stats.rejected}`);
  }
  await print(
    `total inputs=${report.inputs} in ${report.elapsedMs} ms, findings=${report.findings.length}`,
  );
  for (const f of report.findings) {
    await print(`FINDING target=${f.target} index=${f.index} ${f.problem}\n  input=${f.input}`);
  }
  if (report.findings.length > 0) await print(`replay: --seed ${seed} --target <name>`);
  return report.findings.length === 0 ? 0 : 1;
}

Deno.exit(await main());
