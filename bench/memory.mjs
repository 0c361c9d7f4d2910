/**
 * Section 4 of `npm run bench`: the server's resident size from 100 to N
 * calls, and where its growth goes. Each mark reads, in the same process and
 * without forcing a collection, the kernel's count of resident pages per
 * mapping (/proc/PID/smaps) and V8's committed memory per heap space
 * (bench/heap-probe.mjs), so the growth splits into: pages of V8's young
 * generation touched for the first time, the C library's per-thread malloc
 * arenas (V8's background threads: the optimising compiler and the GC),
 * V8's other spaces, and the rest (the node binary's pages, the main heap).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ENTRY, ROOT, RpcProcess, rssMb, sandboxProcess, sleep } from "./lib.mjs";

const MB = 1048576;
/** glibc reserves each thread arena as one 64 MB region, aligned to its size; the part in use is read-write, the rest inaccessible. */
const ARENA_BYTES = 64 * MB;

/** Resident MB of every non-main malloc arena of a process, from /proc/PID/smaps (null off Linux). */
export function arenaMb(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return null;
  }
  const maps = [];
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) {
      maps.push({
        start: BigInt(`0x${head[1]}`),
        end: BigInt(`0x${head[2]}`),
        perms: head[3],
        anon: head[4] === "0" && head[5] === "",
        rss: 0,
      });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && maps.length) maps[maps.length - 1].rss = Number(rss[1]) / 1024;
  }
  let total = 0;
  for (const [i, m] of maps.entries()) {
    if (!m.anon || m.perms !== "rw-p" || m.start % BigInt(ARENA_BYTES) !== 0n) continue;
    const rest = maps[i + 1];
    const reserved = rest?.anon && rest.perms === "---p" && rest.start === m.end ? rest.end - m.start : m.end - m.start;
    if (reserved === BigInt(ARENA_BYTES)) total += m.rss;
  }
  return total;
}

/** `list_alt_urls` calls one at a time (alternating two campaigns), with `at(i)` after call i. */
async function drive(srv, calls, at) {
  for (let i = 1; i <= calls; i++) {
    await srv.callTool("list_alt_urls", { campaign_id: i % 2 ? "2001" : "3001" });
    await at(i);
  }
}

const heapLines = (p) => [...p.stderr.matchAll(/^HEAP (.*)$/gm)].map((m) => JSON.parse(m[1]));

/** One fresh server driven through `calls` calls, read at 100, 1,000 and the last (`nodeArgs`: only for the diagnosis). */
async function oneRun({ env, calls, nodeArgs = [] }) {
  const probeScript = path.join(ROOT, "bench", "heap-probe.mjs");
  const marks = [100, 1000, calls];
  const srv = new RpcProcess([...nodeArgs, "--import", probeScript, ENTRY], env);
  const at = {};
  await srv.handshake();
  await drive(srv, calls, async (i) => {
    if (!marks.includes(i)) return;
    await sleep(300);
    at[i] = { rss: rssMb(srv.pid), arenas: arenaMb(srv.pid) };
    process.kill(srv.pid, "SIGUSR2");
    await sleep(50);
  });
  await srv.close();
  const heaps = heapLines(srv);
  for (const [k, n] of marks.entries()) {
    const { spaces, physical } = heaps[k];
    at[n].spaces = {
      young: spaces.new_space / MB,
      old: spaces.old_space / MB,
      code: spaces.code_space / MB,
      large: spaces.large_object_space / MB,
    };
    at[n].youngTouched = physical.new_space / MB;
    at[n].v8Other = Object.entries(physical).reduce((sum, [space, bytes]) => sum + (space === "new_space" ? 0 : bytes / MB), 0);
  }
  return { at, growth: at[calls].rss / at[100].rss - 1 };
}

/**
 * `runs` fresh processes without any flag (the median run is reported), a
 * process with `--expose-gc` for the live heap, and one with the two node
 * flags that remove the growth's causes, to show what they are.
 */
export async function memory({ calls, runs, credentials, log }) {
  log("memory ...");
  const sandbox = await sandboxProcess();
  const env = { VICIDIAL_URL: sandbox.url, ...credentials };
  try {
    const all = [];
    for (let run = 0; run < runs; run++) all.push(await oneRun({ env, calls }));
    const median = [...all].sort((a, b) => a.growth - b.growth)[all.length >> 1];
    // Live heap after a full collection, in a second process: a leak would show here.
    const probe = new RpcProcess(["--expose-gc", "--import", path.join(ROOT, "bench", "heap-probe.mjs"), ENTRY], env);
    await probe.handshake();
    await drive(probe, calls, async (i) => {
      if (i !== 100 && i !== calls) return;
      process.kill(probe.pid, "SIGUSR2");
      await sleep(300);
    });
    await probe.close();
    const heaps = heapLines(probe);
    const live = {
      first: heaps[0].heapUsed / MB,
      last: heaps[1].heapUsed / MB,
      reservedFirst: heaps[0].heapTotal / MB,
      reservedLast: heaps[1].heapTotal / MB,
    };
    const flagged = await oneRun({ env, calls, nodeArgs: DIAGNOSIS_FLAGS });
    return { calls, at: median.at, growth: median.growth, growths: all.map((r) => r.growth), live, flagged };
  } finally {
    await sandbox.close();
  }
}

/** Each undoes one cause: V8's young generation kept at 1 MB half-spaces, and V8's optimising compiler on the main thread. */
const DIAGNOSIS_FLAGS = ["--max-semi-space-size=1", "--no-concurrent-recompilation"];

const pct = (x) => `${(x * 100).toFixed(1)} %`;
const mb = (x) => `${x.toFixed(1)} MB`;

/** Section 4's lines. */
export function memorySection(mem) {
  const n = mem.calls;
  const first = mem.at[100];
  const last = mem.at[n];
  const delta = (k) => last[k] - first[k];
  const rest = delta("rss") - delta("youngTouched") - (delta("arenas") ?? 0) - delta("v8Other");
  return [
    "## 4. Memory: resident size of the server process",
    "",
    "| after calls | RSS | V8 young generation: reserved, touched | V8 other spaces, committed | malloc arenas of other threads | V8 old generation reserved | code | large objects |",
    "|---|---|---|---|---|---|---|---|",
    ...Object.entries(mem.at).map(([calls, a]) => {
      const s = a.spaces;
      return `| ${Number(calls).toLocaleString("en")} | ${mb(a.rss)} | ${mb(s.young)}, ${mb(a.youngTouched)} | ${mb(a.v8Other)} | ${a.arenas === null ? "n/a" : mb(a.arenas)} | ${mb(s.old)} | ${mb(s.code)} | ${mb(s.large)} |`;
    }),
    "",
    `Growth from 100 to ${n.toLocaleString("en")} calls: **${pct(mem.growth)}** (target under 15 %: ${mem.growth < 0.15 ? "met" : "**missed**"}), the median of ${mem.growths.length} fresh processes (${mem.growths.map(pct).join(", ")}; the table is that run). Calls are \`list_alt_urls\`, alternating two campaigns, one at a time, with no flag given to node. Each row is read in the same process without forcing a collection: the resident size and the malloc arenas from the kernel (/proc/PID/status and smaps), V8's spaces from V8 (bench/heap-probe.mjs; "touched" is the young generation's committed physical memory).`,
    "",
    `Where the ${mb(delta("rss"))} go: ${mb(delta("youngTouched"))} are pages of V8's young generation touched for the first time, ${delta("arenas") === null ? "(arenas not readable here)" : `${mb(delta("arenas"))} the malloc arenas of V8's background threads`}, ${mb(delta("v8Other"))} V8's other spaces (old generation and code), ${mb(rest)} the rest.`,
    "",
    `Live heap after a full garbage collection (a second process, \`--expose-gc\` and bench/heap-probe.mjs): ${mb(mem.live.first)} after 100 calls, ${mb(mem.live.last)} after ${n.toLocaleString("en")} (${pct(mem.live.last / mem.live.first - 1)}); V8's reserved heap ${mb(mem.live.reservedFirst)}, then ${mb(mem.live.reservedLast)}.`,
    "",
    `The causes, shown with two node flags no client should have to pass (a third process: \`${DIAGNOSIS_FLAGS.join(" ")}\`): ${pct(mem.flagged.growth)} growth (${mb(mem.flagged.at[100].rss)}, then ${mb(mem.flagged.at[n].rss)}; young generation touched ${mb(mem.flagged.at[n].youngTouched)}, arenas ${mem.flagged.at[n].arenas === null ? "n/a" : mb(mem.flagged.at[n].arenas)}).`,
    "",
    "What limits it: nothing leaks (the live heap stays flat), and what a call leaves behind no longer grows any space: on Node 20, undici's top-level `request()` (it spreads its options into a new object per call), an object spread per call in entry resolution, and in the SDK the failed zod checks of every incoming request against the response schemas and the AbortSignal it made per request did, about 3 KB per call; ours are gone from the code, the SDK's two are rewritten in the bundle (scripts/sdk-patches.mjs). What is left is V8 and the C library settling in, not the server's objects. V8 doubles its young generation whenever the bytes that survived its minor collections since the last doubling exceed its size; the server's long-lived objects (the SDK, zod and the tools' schemas: about 12 MB survive minor collections in the first second, by `--trace-gc-nvp`) take it to its 16 MB maximum by the first calls, and its pages are touched for the first time over the next couple of hundred calls as allocation cycles through both halves. V8's optimising compiler works on background threads as calls get hot, and the C library keeps the memory of each thread's malloc arena once freed. Only settings read when the process starts change either: flags to node (`--max-semi-space-size`, `--no-concurrent-recompilation`; either, set from inside the server with `v8.setFlagsFromString`, changes nothing) or the C library's `MALLOC_ARENA_MAX`. From 1,000 to 10,000 calls the size barely moves.",
    "",
  ];
}
