// Plugin benchmark: a real OpenCode 1.18.33 (`opencode serve`) with the
// opencode-better-share plugin in native mode (OpenCode's own /share through
// the plugin's loopback adapter), against the compiled better-share binary on
// its embedded store, for sessions of about 100 KB, 2 MB and 20 MB:
//   1. `POST /session/:id/share` → the share page is readable (its last page
//      answers 200 and holds the session's last message);
//   2. a turn's prompt call returns → that turn's text is on the share page,
//      for a short turn and, on the largest session, a long one (six
//      half-second tool steps during which the session keeps changing and
//      the plugin keeps uploading);
//   3. CPU time and peak memory of the OpenCode process in those phases.
//
// Baselines, measured in the same run on identical sessions:
//   - "direct": the same OpenCode with `enterprise.url` pointing at the server
//     itself (zero-plugin mode): OpenCode's own native sync, no plugin;
//   - "none": the same OpenCode without any sharing (what a turn costs anyway).
// The sessions are built once by real turns (the mock model has OpenCode run
// `write` with large contents and a `bash` check), then every mode starts an
// OpenCode on a copy of that home, so all modes measure the same bytes. Each
// OpenCode first shares and syncs a small warm-up session, unmeasured, so the
// 100 KB figures are not the cost of loading code.
//
// CPU and memory: the plugin runs inside the OpenCode process, so its cost is
// what that process spends beyond the zero-plugin baseline. A phase starts
// just before the share or prompt request and ends once the page showed the
// change and OpenCode then stayed idle for QUIET_MS, which takes in the
// plugin's throttled re-uploads and OpenCode's own native sync (which, in
// plugin mode, goes to the adapter). CPU = utime + stime of all the process's
// threads from /proc/<pid>/stat (10 ms ticks here). Peak memory = VmHWM from
// /proc/<pid>/status after resetting it at the phase start (5 written to
// /proc/<pid>/clear_refs), checked against VmRSS sampled every 100 ms.
// "plugin − direct" is the plugin's price; the server's CPU is shown beside
// it because in "direct" the server merges every sync, while with the plugin
// it only stores the uploaded blob.
//
// BENCH_COPIES (default 3) sets how many sessions of each size are measured;
// BENCH_PLUGIN_DIR builds the plugin from another checkout of plugin/ (to
// compare two versions on this machine).
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildBinary } from "../test/helpers/binary.ts";
import { startMockModel, type MockModel, type Turn } from "../test/e2e/mock-model.ts";
import { startEgressProxy } from "../test/e2e/egress-proxy.ts";
import { sharedCacheDir, startOpenCode, type OpenCode } from "../test/e2e/opencode.ts";
import { startBetterShare, type BetterShare } from "../test/e2e/better-share.ts";
import { REPO_ROOT, makeTempDir, removeTempDir, stopAllChildren } from "../test/e2e/processes.ts";
import { fmt, table, median } from "./lib.ts";

const SIZES: Size[] = [
  { label: "100 KB", key: "s100k", bytes: 100_000, perTurn: 25_000 },
  { label: "2 MB", key: "s2m", bytes: 2_000_000, perTurn: 500_000 },
  { label: "20 MB", key: "s20m", bytes: 20_000_000, perTurn: 4_000_000 },
];
const LARGEST = SIZES.at(-1)!;
const WARMUP: Size = { label: "warm-up", key: "warm", bytes: 10_000, perTurn: 5_000 };
/** What a grow turn adds besides the written file: messages, step parts, the bash call. */
const PER_TURN_BYTES = 8_000;
const MODES = ["none", "direct", "plugin"] as const;
type Mode = (typeof MODES)[number];

/** Sessions of each size; each is shared once and then gets one short turn, and the tables show medians. The first of the largest also gets a long turn. */
const COPIES = Number(process.env.BENCH_COPIES ?? 3);
const LONG_TURN_STEPS = 6;
/** A phase ends after this long without the process using more than QUIET_CPU_MS; longer than the 1 s debounces on both sides. */
const QUIET_MS = 2000;
const QUIET_CPU_MS = 30;
const PAGE_DEADLINE_MS = 120_000;
/** /proc/<pid>/stat counts CPU time in clock ticks. */
const TICK_MS = 1000 / (Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100);

// ---------- processes, seen from /proc ----------

/** The process started with `serve … --port <port>` (OpenCode and better-share both are). */
function pidServing(port: number): number {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (argv.includes("serve") && argv[argv.indexOf("--port") + 1] === String(port)) return Number(name);
    } catch {}
  }
  throw new Error(`no process serves on port ${port}`);
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function memKb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

type PhaseResult = { cpuMs: number; serverCpuMs: number; peakMb: number; startMb: number };

/**
 * Samples OpenCode (and the better-share server, CPU only) from now until
 * `end()`; `quiet()` waits until OpenCode has stopped working.
 */
function phase(pid: number, serverPid?: number) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    // Without the reset VmHWM is the lifetime peak; the sampled VmRSS maximum still holds.
  }
  const t0 = performance.now();
  const cpu0 = cpuMs(pid);
  const server0 = serverPid ? cpuMs(serverPid) : 0;
  const startKb = memKb(pid).rss;
  let maxRss = startKb;
  const history: Array<[number, number]> = [[t0, cpu0]];
  const timer = setInterval(() => {
    try {
      history.push([performance.now(), cpuMs(pid)]);
      maxRss = Math.max(maxRss, memKb(pid).rss);
    } catch {}
  }, 100);
  return {
    async quiet(): Promise<void> {
      const deadline = performance.now() + 60_000;
      while (performance.now() < deadline) {
        await Bun.sleep(100);
        const [now, cpuNow] = history.at(-1)!;
        const then = history.findLast(([t]) => t <= now - QUIET_MS);
        if (then && cpuNow - then[1] <= QUIET_CPU_MS) return;
      }
    },
    end(): PhaseResult {
      clearInterval(timer);
      const mem = memKb(pid);
      return {
        cpuMs: cpuMs(pid) - cpu0,
        serverCpuMs: serverPid ? cpuMs(serverPid) - server0 : 0,
        peakMb: Math.max(mem.hwm, maxRss, mem.rss) / 1024,
        startMb: startKb / 1024,
      };
    },
  };
}

// ---------- sessions ----------

/** Source-like lines, varied enough that nothing compresses or dedupes them away. */
function fileContent(bytes: number, seed: number): string {
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const line = `${(seed * 1_000_003 + i).toString(36).padStart(8, "0")}  export function step${i}(input: number): number { return input * ${i % 97} + ${(i * seed) % 13}; } // keeps the pipeline in order\n`;
    lines.push(line);
    n += line.length;
  }
  return lines.join("").slice(0, bytes);
}

function growTurn(file: string, content: string, text: string): Turn {
  return [
    { text: `Writing ${file}.`, tools: [{ name: "write", args: { filePath: file, content } }] },
    { tools: [{ name: "bash", args: { command: `wc -c ${file} && head -n 5 ${file}`, description: `Check ${file}` } }] },
    { text },
  ];
}

function syncTurn(marker: string): Turn {
  return [
    { tools: [{ name: "bash", args: { command: "ls -la", description: "List files" } }] },
    { text: `Checked the project files. ${marker}.` },
  ];
}

/** Several seconds of steps, each changing the session, as a real agent's turn does: the plugin uploads during it. */
function longTurn(marker: string): Turn {
  return [
    ...Array.from({ length: LONG_TURN_STEPS }, (_, i) => ({
      text: `Step ${i + 1}: waiting for the build.`,
      tools: [{ name: "bash", args: { command: `sleep 0.5 && echo build step ${i + 1} done`, description: `Build step ${i + 1}` } }],
    })),
    { text: `The build finished. ${marker}.` },
  ];
}

async function sessionBytes(oc: OpenCode, id: string): Promise<number> {
  const res = await oc.request("GET", `/session/${id}/message`);
  if (!res.ok) throw new Error(`GET /session/${id}/message → ${res.status}`);
  return (await res.arrayBuffer()).byteLength;
}

type Size = { label: string; key: string; bytes: number; perTurn: number };
type Built = { size: Size; sessionId: string; bytes: number; turns: number; marker: string; buildMs: number };

/** Real turns until GET /session/:id/message is about `size.bytes`; the last turn's answer carries the marker. */
async function buildSession(oc: OpenCode, model: MockModel, size: Size): Promise<Built> {
  const t0 = performance.now();
  const session = await oc.createSession({ title: `bench ${size.label}` });
  const marker = `ready-${size.key}-${session.id.slice(-6)}`;
  let bytes = 0;
  let turns = 0;
  // Each turn writes what is still missing (at most perTurn); a turn's own overhead is about PER_TURN_BYTES.
  while (true) {
    const want = Math.max(1000, Math.min(size.perTurn, size.bytes - bytes - PER_TURN_BYTES));
    const last = bytes + want + PER_TURN_BYTES >= size.bytes * 0.97;
    turns++;
    model.push(growTurn(`${size.key}-${turns}.txt`, fileContent(want, turns), last ? `Session ${size.label} complete, ${marker}.` : `Part ${turns} written.`));
    await oc.prompt(session.id, `Write part ${turns} of the ${size.label} data set.`);
    bytes = await sessionBytes(oc, session.id);
    if (last) break;
  }
  return { size, sessionId: session.id, bytes, turns, marker, buildMs: performance.now() - t0 };
}

// ---------- the share page ----------

/** Resolves with the time the share's last page first answered 200 holding `marker`. */
async function pageShows(server: BetterShare, shareId: string, marker: string): Promise<number> {
  const deadline = performance.now() + PAGE_DEADLINE_MS;
  while (performance.now() < deadline) {
    const res = await fetch(`${server.url}/share/${shareId}?page=999999`).catch(() => undefined);
    const found = res?.status === 200 && (await res.text()).includes(marker);
    if (found) return performance.now();
    await res?.body?.cancel().catch(() => {});
    await Bun.sleep(25);
  }
  throw new Error(`share ${shareId} did not show "${marker}" within ${PAGE_DEADLINE_MS} ms`);
}

// ---------- one mode ----------

type TurnResult = PhaseResult & { visibleMs: number; turnMs: number };
type ModeResult = {
  share?: PhaseResult & { readyMs: number };
  sync: TurnResult;
  long?: TurnResult;
};

type Run = { mode: Mode; oc: OpenCode; pid: number; server?: BetterShare; serverPid?: number; model: MockModel };

/** A prompt's turn, from the request until the page shows it and OpenCode is idle again. */
async function turnPhase(run: Run, b: Built, turn: (marker: string) => Turn, name: string): Promise<TurnResult> {
  const { mode, oc, pid, server, serverPid, model } = run;
  const marker = `${name}-${mode}-${b.sessionId.slice(-6)}`;
  model.push(turn(marker));
  const p = phase(pid, serverPid);
  const t0 = performance.now();
  await oc.prompt(b.sessionId, `Go on (${name}).`);
  const done = performance.now();
  const visible = server ? await pageShows(server, b.sessionId.slice(-8), marker) : done;
  await p.quiet();
  return { ...p.end(), visibleMs: Math.max(0, visible - done), turnMs: done - t0 };
}

async function measure(run: Run, b: Built, long: boolean): Promise<ModeResult> {
  const { mode, oc, pid, server, serverPid } = run;
  const shareId = b.sessionId.slice(-8);
  let share: ModeResult["share"];
  // The same warm start in every mode: OpenCode has read the session once.
  await sessionBytes(oc, b.sessionId);
  await Bun.sleep(300);

  if (server) {
    const p = phase(pid, serverPid);
    const t0 = performance.now();
    const shared = await oc.share(b.sessionId);
    if (shared.share?.url !== `${server.url}/share/${shareId}`) throw new Error(`${mode}: OpenCode's share URL is ${shared.share?.url}`);
    const ready = await pageShows(server, shareId, b.marker);
    await p.quiet();
    share = { ...p.end(), readyMs: ready - t0 };
    if ((await server.request("GET", `/share/${shareId}`)).status !== 200) throw new Error(`${mode}: first page of ${shareId} is not 200`);
    if (mode === "plugin") {
      const store = join(oc.home, "xdg/data/opencode/better-share/shares.json");
      if (!existsSync(store) || !readFileSync(store, "utf8").includes(b.sessionId))
        throw new Error("plugin mode: the plugin's secret store has no record of the share; the plugin did not load");
    }
  }
  const sync = await turnPhase(run, b, syncTurn, "synced");
  return { share, sync, long: long ? await turnPhase(run, b, longTurn, "long") : undefined };
}

/**
 * Once in a while the npm cache every OpenCode of this run shares comes back
 * after the harness removed it: something OpenCode started for its package
 * cache outlived it. Such a process still carries this run's sealed
 * environment, so it is found by that, ended by pid, and the cache removed again.
 */
function removeStrays(cache: string) {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, "utf8").split("\0").includes(`XDG_CACHE_HOME=${cache}`)) process.kill(Number(name), "SIGKILL");
    } catch {}
  }
  rmSync(cache, { recursive: true, force: true });
}

// ---------- run ----------


const started = performance.now();
const progress = (what: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${what}`);
const bin = buildBinary();
const cleanBin = () => rmSync(dirname(bin), { recursive: true, force: true });
process.on("exit", cleanBin);
const BUILD_DIR = makeTempDir("better-share-bench-plugin-");
const PLUGIN_DIR = process.env.BENCH_PLUGIN_DIR ?? join(REPO_ROOT, "plugin");

const model = startMockModel({ title: "Benchmark session", chunkSize: 64 * 1024 });
const proxy = await startEgressProxy();
const built = new Map<Size, Built[]>(SIZES.map((size) => [size, []]));
const results = new Map<string, ModeResult[]>();
let failed = false;
let cacheDir: string | undefined;

try {
  // The plugin as the e2e suite loads it: built from its sources into a directory of this run.
  const tsc = Bun.spawnSync([join(REPO_ROOT, "plugin/node_modules/.bin/tsc"), "-p", "tsconfig.build.json", "--outDir", BUILD_DIR], {
    cwd: PLUGIN_DIR,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (tsc.exitCode !== 0) throw new Error(`plugin build failed:\n${tsc.stdout}\n${tsc.stderr}`);
  writeFileSync(join(BUILD_DIR, "package.json"), JSON.stringify({ type: "module" }));
  const pluginEntry = `file://${join(BUILD_DIR, "index.js")}`;

  // Snapshots (a git add of every written file) would cost the same in every mode; off, they only add noise.
  const common = { snapshot: false };
  progress("built the server and the plugin");
  const builder = await startOpenCode({ modelBaseURL: model.baseURL, proxy, config: common });
  cacheDir = sharedCacheDir();
  const warmup = await buildSession(builder, model, WARMUP);
  for (const size of SIZES) {
    for (let i = 0; i < COPIES; i++) built.get(size)!.push(await buildSession(builder, model, size));
    const copies = built.get(size)!;
    progress(`built ${COPIES} × ${size.label}: ${copies.map((b) => `${(b.bytes / 1e6).toFixed(2)} MB in ${b.turns} turns`).join(", ")}`);
  }
  await builder.stop();

  // All three OpenCodes run side by side and the modes take turns on each
  // session, so a slow spell of this machine falls on every mode alike.
  const runs = await Promise.all(
    MODES.map(async (mode): Promise<Run> => {
      const home = makeTempDir(`better-share-bench-${mode}-`);
      cpSync(builder.home, home, { recursive: true });
      const server = mode === "none" ? undefined : await startBetterShare({ binary: bin });
      const config =
        mode === "plugin"
          ? { ...common, plugin: [[pluginEntry, { baseUrl: server!.url }]] }
          : mode === "direct"
            ? { ...common, enterprise: { url: server!.url } }
            : common;
      const oc = await startOpenCode({ modelBaseURL: model.baseURL, proxy, home, config });
      return { mode, oc, pid: pidServing(oc.port), server, serverPid: server && pidServing(server.port), model };
    }),
  );
  progress("started OpenCode without sharing, in zero-plugin mode and with the plugin");
  // The first share and sync of a process pay for loading code and warming the JIT; not measured.
  for (const run of runs) await measure(run, warmup, false);
  progress("warmed up");
  for (const size of SIZES) {
    for (const [i, b] of built.get(size)!.entries()) {
      for (const run of runs) {
        const key = `${run.mode}/${size.key}`;
        results.set(key, [...(results.get(key) ?? []), await measure(run, b, i === 0 && size === LARGEST)]);
      }
    }
    progress(`measured ${size.label} (load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")})`);
  }
  if (model.errors.length) throw new Error(`mock model: ${model.errors.join("; ")}`);
  if (proxy.foreign().length) throw new Error(`egress beyond the registry: ${proxy.hosts().join(", ")}`);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  // Every step runs even when an earlier one fails.
  const steps = [stopAllChildren, proxy.stop, model.stop, () => removeTempDir(BUILD_DIR), cleanBin, () => cacheDir && removeStrays(cacheDir)];
  for (const step of steps) await Promise.resolve().then(step).catch((err) => console.error("cleanup:", err));
}
if (failed) process.exit(1);

// ---------- report ----------

const shares = (mode: Mode, size: Size) => results.get(`${mode}/${size.key}`)!.map((r) => r.share!);
const syncs = (mode: Mode, size: Size) => results.get(`${mode}/${size.key}`)!.map((r) => r.sync);
const longs = (mode: Mode, size: Size) => results.get(`${mode}/${size.key}`)!.flatMap((r) => (r.long ? [r.long] : []));
const med = <T>(list: T[], pick: (t: T) => number) => median(list.map(pick));
const ms = (n: number) => fmt(n, 0);
const [small] = SIZES as [Size];

console.log(`\n## Sessions (built once by real turns, copied into every mode; ${COPIES} of each size)\n`);
console.log(
  table(
    SIZES.map((size) => ({
      session: size.label,
      "GET /session/:id/message MB": built.get(size)!.map((b) => fmt(b.bytes / 1e6, 2)).join(" / "),
      "build turns": built.get(size)![0]!.turns,
      "build s (each)": fmt(med(built.get(size)!, (b) => b.buildMs) / 1000, 1),
    })),
  ),
);

console.log(`\n## /share → share page readable (last page 200 with the last message; median of ${COPIES})\n`);
const readyBase = med(shares("plugin", small), (r) => r.readyMs);
console.log(
  table(
    SIZES.map((size) => {
      const d = med(shares("direct", size), (r) => r.readyMs);
      const p = med(shares("plugin", size), (r) => r.readyMs);
      return {
        session: size.label,
        "direct ms": ms(d),
        "plugin ms": ms(p),
        "plugin / direct": fmt(p / d),
        "plugin × 100 KB": fmt(p / readyBase),
        "plugin max ms": ms(Math.max(...shares("plugin", size).map((r) => r.readyMs))),
      };
    }),
  ),
);

console.log(`\n## Turn done (prompt call returns) → its text on the share page (median of ${COPIES} turns)\n`);
const visibleBase = med(syncs("plugin", small), (r) => r.visibleMs);
console.log(
  table(
    SIZES.map((size) => {
      const d = med(syncs("direct", size), (r) => r.visibleMs);
      const p = med(syncs("plugin", size), (r) => r.visibleMs);
      return {
        session: size.label,
        "turn ms (none)": ms(med(syncs("none", size), (r) => r.turnMs)),
        "direct ms": ms(d),
        "plugin ms": ms(p),
        "plugin / direct": fmt(p / d),
        "plugin × 100 KB": fmt(p / visibleBase),
        "plugin max ms": ms(Math.max(...syncs("plugin", size).map((r) => r.visibleMs))),
      };
    }),
  ),
);

console.log(`\n## ${LARGEST.label} session, a long turn (${LONG_TURN_STEPS} tool steps, the session changing throughout): turn done → on the page\n`);
console.log(
  table([
    {
      session: LARGEST.label,
      "turn s (none)": fmt(med(longs("none", LARGEST), (r) => r.turnMs) / 1000, 1),
      "direct ms": ms(med(longs("direct", LARGEST), (r) => r.visibleMs)),
      "plugin ms": ms(med(longs("plugin", LARGEST), (r) => r.visibleMs)),
    },
  ]),
);

console.log(`\n## CPU per phase (ms; share and sync turn: median of ${COPIES}; long turn: one, largest size only): the OpenCode process, and the better-share server beside it\n`);
const cpuRows: Array<Record<string, string>> = [];
for (const size of SIZES) {
  for (const [phaseName, of] of [
    ["share", shares],
    ["sync turn", syncs],
    ["long turn", longs],
  ] as const) {
    if (of("direct", size).length === 0) continue;
    const cpu = (m: Mode) => med<PhaseResult>(of(m, size), (r) => r.cpuMs);
    const server = (m: Mode) => med<PhaseResult>(of(m, size), (r) => r.serverCpuMs);
    cpuRows.push({
      session: size.label,
      phase: phaseName,
      none: phaseName === "share" ? "-" : ms(cpu("none")),
      "turn s (none)": phaseName === "share" ? "-" : fmt(med<TurnResult>(of("none", size) as TurnResult[], (r) => r.turnMs) / 1000, 1),
      direct: ms(cpu("direct")),
      plugin: ms(cpu("plugin")),
      "plugin − direct": ms(cpu("plugin") - cpu("direct")),
      "plugin / direct": fmt(cpu("plugin") / cpu("direct")),
      "server: direct": ms(server("direct")),
      "server: plugin": ms(server("plugin")),
    });
  }
}
console.log(table(cpuRows));

console.log("\n## OpenCode process memory per phase (MB; RSS at phase start → peak, the copy with the largest rise)\n");
const memRows: Array<Record<string, string>> = [];
for (const size of SIZES) {
  for (const [phaseName, of] of [
    ["share", shares],
    ["sync turn", syncs],
    ["long turn", longs],
  ] as const) {
    if (of("direct", size).length === 0) continue;
    const worst = (m: Mode) => of(m, size).reduce<PhaseResult>((a, r) => (r.peakMb - r.startMb > a.peakMb - a.startMb ? r : a), of(m, size)[0]!);
    const show = (m: Mode) => (phaseName === "share" && m === "none" ? "-" : `${ms(worst(m).startMb)} → ${ms(worst(m).peakMb)}`);
    const rise = (m: Mode) => worst(m).peakMb - worst(m).startMb;
    memRows.push({
      session: size.label,
      phase: phaseName,
      none: show("none"),
      direct: show("direct"),
      plugin: show("plugin"),
      "plugin rise − direct rise": ms(rise("plugin") - rise("direct")),
    });
  }
}
console.log(table(memRows));
process.exit(0);
