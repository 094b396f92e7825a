/**
 * `deno task mqadmin <command> [-n host:port] [args]`: RocketMQ's admin tool. With no command
 * it lists the commands; `help <command>` shows a command's flags. Exit codes are in
 * `exit_codes.ts` (0 ok, 1 failed request, 2 bad command line).
 *
 * Runs on: main thread
 * @module
 */
import { runMqadmin } from "./admin/mod.ts";

const encoder = new TextEncoder();

function writeLine(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(`${text}\n`);
  let offset = 0;
  for (let round = 0; offset < bytes.length && round < 100_000; round++) {
    offset += stream.writeSync(bytes.subarray(offset));
  }
}

if (import.meta.main) {
  const code = await runMqadmin(Deno.args, {
    io: { out: (t) => writeLine(Deno.stdout, t), err: (t) => writeLine(Deno.stderr, t) },
    env: (name) => Deno.env.get(name),
  });
  Deno.exit(code);
}
