/**
 * Crash tests of the store. Goal: no acknowledged SYNC_FLUSH message is ever
 * lost and no torn or corrupt record is ever visible. Method: a subprocess
 * (`store_crash_writer.ts`) writes with SYNC_FLUSH from 16 writers and prints
 * each acknowledged put; it is killed with SIGKILL at a seeded random moment;
 * the store is reopened and every acknowledged message must be readable at
 * its queue offset and physical offset with a valid body CRC, and every
 * queue must read back as a gap-free run of valid records. Then the same
 * after damaging the files: a truncated last segment, a flipped byte after
 * the checkpoint, a deleted consume-queue file. Set SEED to replay.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { equal, ok } from "node:assert/strict";
import { bodyCrc, decodeStoredMessage, SeededRandom, testSeed } from "../../common/mod.ts";
import { MessageStore } from "../../store/mod.ts";

const WRITER = new URL("./store_crash_writer.ts", import.meta.url).pathname;
const CONFIG = {
  shardCount: 2,
  flushDiskType: "SYNC_FLUSH" as const,
  mappedFileSizeCommitLog: 1024 * 1024,
  mappedFileSizeConsumeQueue: 20 * 1000,
  maxMessageSize: 64 * 1024,
  maxHashSlotNum: 4096,
  maxIndexNum: 100_000,
  flushIntervalConsumeQueue: 100,
};
const QUEUES = 8;
const TOPIC = "CrashTopic";

interface Ack {
  queueId: number;
  queueOffset: number;
  physicalOffset: number;
  uniq: string;
}

/** Runs the writer until `killAfterMs` past its READY line, then SIGKILLs it; returns the acks. */
async function runAndKill(
  dir: string,
  tag: string,
  killAfterMs: number,
  flushDiskType = "SYNC_FLUSH",
): Promise<Ack[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", WRITER, dir, tag, flushDiskType],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const startTimer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  for (let i = 0; i < 1_000_000; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    if (killTimer === undefined && text.includes("READY\n")) {
      clearTimeout(startTimer);
      killTimer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    }
  }
  clearTimeout(startTimer);
  if (killTimer !== undefined) clearTimeout(killTimer);
  const status = await child.status;
  equal(status.signal, "SIGKILL", "the writer must die by SIGKILL, not on its own");
  const acks: Ack[] = [];
  for (const line of text.split("\n")) {
    const parts = line.split(" ");
    if (parts[0] !== "ACK" || parts.length !== 5) continue;
    acks.push({
      queueId: Number(parts[1]),
      queueOffset: Number(parts[2]),
      physicalOffset: Number(parts[3]),
      uniq: parts[4]!,
    });
  }
  return acks;
}

async function openStore(dir: string): Promise<MessageStore> {
  return await MessageStore.open({ config: { storePathRootDir: dir, ...CONFIG }, inProcess: true });
}

/** Every queue reads back as a contiguous run of CRC-valid records; returns uniq keys by position. */
async function readAll(store: MessageStore): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (let q = 0; q < QUEUES; q++) {
    const max = await store.getMaxOffsetInQueue(TOPIC, q);
    let offset = await store.getMinOffsetInQueue(TOPIC, q);
    for (let guard = 0; guard < 1_000_000 && offset < max; guard++) {
      const got = await store.getMessage({ topic: TOPIC, queueId: q, offset, maxCount: 32 });
      equal(got.status, "FOUND", `queue ${q} offset ${offset} of ${max}`);
      let pos = 0;
      for (let i = 0; i < got.count; i++) {
        const { message: m, size } = decodeStoredMessage(got.messages, pos);
        equal(bodyCrc(m.body), m.bodyCRC, `CRC of queue ${q} offset ${m.queueOffset}`);
        equal(m.queueOffset, offset + i);
        equal(m.queueId, q);
        seen.set(`${q}/${m.queueOffset}`, `${m.commitLogOffset} ${m.properties.get("UNIQ_KEY")}`);
        pos += size;
      }
      offset = got.nextBeginOffset;
    }
  }
  return seen;
}

function checkAcks(seen: Map<string, string>, acks: readonly Ack[]): void {
  for (const ack of acks) {
    equal(
      seen.get(`${ack.queueId}/${ack.queueOffset}`),
      `${ack.physicalOffset} ${ack.uniq}`,
      `ack ${ack.uniq}`,
    );
  }
}

function readSafeOffset(shardDir: string): number {
  const bytes = Deno.readFileSync(`${shardDir}/checkpoint`);
  return new DataView(bytes.buffer).getFloat64(8);
}

function removeDir(dir: string): void {
  Deno.removeSync(dir, { recursive: true });
}

Deno.test("MessageStore keeps every acknowledged SYNC_FLUSH message across repeated SIGKILLs", async () => {
  const seed = testSeed();
  const random = new SeededRandom(seed);
  const dir = await Deno.makeTempDir({ prefix: "store_crash_" });
  const allAcks: Ack[] = [];
  try {
    for (let round = 0; round < 5; round++) {
      const acks = await runAndKill(dir, `r${round}`, 150 + random.nextInt(900));
      ok(acks.length > 0, `round ${round} (seed ${seed}) acknowledged nothing`);
      allAcks.push(...acks);
      const store = await openStore(dir);
      try {
        ok((await store.stats()).some((s) => s.recovery === "crash"), `seed ${seed}`);
        checkAcks(await readAll(store), allAcks);
      } finally {
        await store.close();
      }
    }
  } finally {
    removeDir(dir);
  }
});

Deno.test("MessageStore recovers from a truncated last segment, a flipped byte and a deleted consume-queue file", async () => {
  const seed = testSeed();
  const random = new SeededRandom(seed);
  const dir = await Deno.makeTempDir({ prefix: "store_damage_" });
  try {
    const acks = await runAndKill(dir, "d", 600 + random.nextInt(400));
    const shard = acks.at(-1)!.physicalOffset >= 2 ** 48 ? 1 : 0;
    const shardDir = `${dir}/shard-${shard}`;
    const inShard = acks.filter((a) => Math.floor(a.physicalOffset / 2 ** 48) === shard)
      .sort((a, b) => a.physicalOffset - b.physicalOffset);
    const safe = readSafeOffset(shardDir);
    // 1. Flip a byte in a record past the checkpoint: it and everything after it in the shard are cut.
    // A record past the checkpoint (only those are re-validated), with acknowledged ones before it.
    const firstAfterSafe = Math.max(0, inShard.findIndex((a) => a.physicalOffset >= safe));
    const victim = inShard[Math.max(firstAfterSafe, Math.floor(inShard.length * 0.6))]!;
    const segStart = victim.physicalOffset -
      (victim.physicalOffset - shard * 2 ** 48) % (1024 * 1024);
    const segPath = `${shardDir}/commitlog/${String(segStart).padStart(20, "0")}`;
    const seg = await Deno.readFile(segPath);
    const rel = victim.physicalOffset - segStart;
    seg[rel + 100] = seg[rel + 100]! ^ 0x40;
    await Deno.writeFile(segPath, seg);
    let store = await openStore(dir);
    let seen: Map<string, string>;
    try {
      seen = await readAll(store);
    } finally {
      await store.close();
    }
    checkAcks(
      seen,
      acks.filter((a) =>
        Math.floor(a.physicalOffset / 2 ** 48) !== shard || a.physicalOffset < victim.physicalOffset
      ),
    );
    equal(
      seen.get(`${victim.queueId}/${victim.queueOffset}`),
      undefined,
      "the corrupt record is not visible",
    );
    // 2. Truncate the last segment in the middle of a record (after a clean close).
    const before = inShard.filter((a) => a.physicalOffset < victim.physicalOffset);
    const cutAck = before[Math.floor(before.length / 2)]!;
    const cutSeg = cutAck.physicalOffset -
      (cutAck.physicalOffset - shard * 2 ** 48) % (1024 * 1024);
    const names = (await Array.fromAsync(Deno.readDir(`${shardDir}/commitlog`))).map((e) => e.name)
      .sort();
    for (const name of names) {
      if (Number(name) > cutSeg) await Deno.remove(`${shardDir}/commitlog/${name}`);
    }
    await Deno.truncate(
      `${shardDir}/commitlog/${String(cutSeg).padStart(20, "0")}`,
      cutAck.physicalOffset - cutSeg + 30,
    );
    store = await openStore(dir);
    try {
      seen = await readAll(store);
    } finally {
      await store.close();
    }
    checkAcks(seen, before.filter((a) => a.physicalOffset < cutAck.physicalOffset));
    equal(
      seen.get(`${cutAck.queueId}/${cutAck.queueOffset}`),
      undefined,
      "the truncated record is not visible",
    );
    // 3. Delete a consume-queue folder: it is rebuilt from the commit log.
    const q = cutAck.queueId;
    await Deno.remove(`${shardDir}/consumequeue/${TOPIC}/${q}`, { recursive: true });
    store = await openStore(dir);
    try {
      const rebuilt = await readAll(store);
      equal(await store.getMaxOffsetInQueue(TOPIC, q), cutAck.queueOffset);
      for (const [key, value] of seen) equal(rebuilt.get(key), value);
    } finally {
      await store.close();
    }
  } finally {
    removeDir(dir);
  }
});

Deno.test("MessageStore with ASYNC_FLUSH survives a process SIGKILL with every acknowledged message", async () => {
  // A killed process loses nothing the kernel already has, so even unflushed puts must survive;
  // this exercises the off-thread flusher, deferred segment syncs and checkpoints.
  const seed = testSeed();
  const random = new SeededRandom(seed);
  const dir = await Deno.makeTempDir({ prefix: "store_async_crash_" });
  try {
    const all: Ack[] = [];
    for (let round = 0; round < 2; round++) {
      all.push(...await runAndKill(dir, `a${round}`, 300 + random.nextInt(700), "ASYNC_FLUSH"));
      const store = await openStore(dir);
      try {
        checkAcks(await readAll(store), all);
      } finally {
        await store.close();
      }
    }
    ok(all.length > 0, `seed ${seed}`);
  } finally {
    removeDir(dir);
  }
});
