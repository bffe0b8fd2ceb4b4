// Builds the real ./better-share executable once per test run and runs it as
// a child process on a free port.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { freePort } from "./net.ts";
import { tempDir } from "./tmp.ts";

const ROOT = resolve(import.meta.dir, "../..");
let built: string | null = null;

/** Compiles with scripts/build.sh (what `make build` runs) into a temp dir. */
export function buildBinary(): string {
  if (built) return built;
  // Removed at exit like every test temp dir: the binary is ~110 MB.
  const out = join(tempDir("bs-bin-"), "better-share");
  const r = spawnSync("bash", ["scripts/build.sh", out], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  return (built = out);
}

export { freePort };

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function run(bin: string, args: string[], env: Record<string, string>, cwd?: string): Proc {
  const child = spawn(bin, args, {
    cwd: cwd ?? tempDir("bs-cwd-"),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

export interface Server extends Proc {
  url: string;
  port: number;
  env: Record<string, string>;
  stop(): Promise<number | null>;
}

/** Starts `serve` and waits for /api/health to answer 200. */
export async function startBinary(bin: string, env: Record<string, string>, opts: { cwd?: string; port?: number } = {}): Promise<Server> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const fullEnv = { BASE_URL: url, ...env };
  const p = run(bin, ["serve", "--port", String(port), "--host", "127.0.0.1"], fullEnv, opts.cwd);
  const deadline = Date.now() + 20_000;
  let exitedEarly = false;
  p.exited.then(() => (exitedEarly = true));
  while (Date.now() < deadline && !exitedEarly) {
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.status === 200) break;
    } catch {}
    await Bun.sleep(50);
  }
  if (exitedEarly || Date.now() >= deadline) {
    p.child.kill("SIGKILL");
    throw new Error(`server did not start:\n${p.output()}`);
  }
  return {
    ...p,
    url,
    port,
    env: fullEnv,
    async stop() {
      if (p.child.exitCode !== null) return p.child.exitCode;
      p.child.kill("SIGTERM");
      const t = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
      const code = await p.exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** Runs the binary to completion (an admin command, or a start-up that must fail); stdout and stderr apart. */
export async function runToEnd(bin: string, args: string[], env: Record<string, string>) {
  const proc = Bun.spawn([bin, ...args], {
    cwd: tempDir("bs-cli-"),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout: stdout.trim(), stderr: stderr.trim() };
}

/** `serve` with a bad setting stops at once: exit 2 and one line naming the variable. */
export async function expectRefusedSetting(bin: string, name: string, env: Record<string, string>): Promise<void> {
  const r = await runToEnd(bin, ["serve", "--port", "0"], env);
  if (r.code !== 2 || !r.stderr.includes(name) || r.stderr.split("\n").length !== 1)
    throw new Error(`${name}: expected exit 2 with one line naming it, got ${r.code}: ${r.stderr}`);
}
