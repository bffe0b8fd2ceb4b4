// The Dockerfile's build stage, run as a script outside a container: its own
// WORKDIR/COPY/RUN lines (same install flags, same build script), with the
// image's absolute paths moved under a temp dir. Container engines are not
// available here; this proves the steps work on a clean copy of the sources
// (only what .dockerignore lets in) and that the result serves and answers
// the HEALTHCHECK command.
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, run, startBinary, type Server } from "../helpers/binary.ts";
import { tempDir } from "../helpers/tmp.ts";

const ROOT = resolve(import.meta.dir, "../..");
const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));

interface Step {
  op: string;
  args: string;
}

/** Instructions of one stage (`FROM … AS name` up to the next FROM). */
function stage(name: string): Step[] {
  const steps: Step[] = [];
  let inside = false;
  for (const line of dockerfile.replace(/\\\n/g, " ").split("\n")) {
    const m = line.match(/^([A-Z]+)\s+(.*)$/);
    if (!m) continue;
    if (m[1] === "FROM") inside = new RegExp(`\\sAS\\s+${name}$`, "i").test(m[2]!);
    else if (inside) steps.push({ op: m[1]!, args: m[2]!.trim() });
  }
  return steps;
}

/** Copies the build context like `COPY . dest` does, leaving out what .dockerignore names. */
function copyContext(dest: string) {
  mkdirSync(dest, { recursive: true });
  cpSync(ROOT, dest, {
    recursive: true,
    filter: (src) => {
      const rel = src === ROOT ? "" : src.slice(ROOT.length + 1);
      return rel === "" || !ignored.some((p) => rel === p || rel.startsWith(p + "/"));
    },
  });
}

const root = tempDir("bs-docker-");
/** An absolute path inside the image, under the temp root. */
const inImage = (p: string) => join(root, p);
let server: Server | null = null;
afterAll(async () => {
  await server?.stop();
});

test("the build stage runs outside a container and its binary serves and passes its HEALTHCHECK", async () => {
  const steps = stage("build");
  expect(steps.map((s) => s.op)).toEqual(["WORKDIR", "COPY", "RUN", "COPY", "RUN"]);
  let cwd = "/";
  for (const { op, args } of steps) {
    if (op === "WORKDIR") {
      cwd = args;
      mkdirSync(inImage(cwd), { recursive: true });
    } else if (op === "COPY") {
      const parts = args.split(/\s+/);
      const dest = join(inImage(cwd), parts.pop()!);
      for (const src of parts) {
        if (src === ".") copyContext(dest);
        else cpSync(join(ROOT, src), join(dest, src));
      }
    } else if (op === "RUN") {
      // The image's absolute paths (/out, /src) live under the temp root here.
      const script = args.replace(/(^|\s)\/(?=\w)/g, `$1${root}/`);
      const r = spawnSync("sh", ["-c", script], { cwd: inImage(cwd), encoding: "utf8", env: process.env });
      if (r.status !== 0) throw new Error(`RUN ${args} failed:\n${r.stdout}\n${r.stderr}`);
    }
  }
  // Only production dependencies were installed: the build needs no dev tooling.
  expect(existsSync(join(inImage("/src"), "node_modules/elysia"))).toBe(true);
  expect(existsSync(join(inImage("/src"), "node_modules/playwright-core"))).toBe(false);
  expect(existsSync(join(inImage("/src"), "node_modules/s3rver"))).toBe(false);
  expect(readdirSync(inImage("/src"))).not.toContain("data");

  // The runtime stage copies /out/better-share and /out/data and sets these variables.
  const final = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  expect(final).toContain("COPY --from=build /out/better-share /usr/local/bin/better-share");
  const bin = inImage("/out/better-share");
  const version = run(bin, ["--version"], {});
  expect(await version.exited).toBe(0);
  expect(version.output()).toMatch(/^\d+\.\d+\.\d+/);

  const env = Object.fromEntries([...final.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  expect(env.DATA_DIR).toBe("/data");
  const port = await freePort();
  server = await startBinary(bin, { ...env, DATA_DIR: inImage("/out/data"), PORT: String(port) }, { port });
  const health = run(bin, ["health"], { PORT: String(port) });
  expect(await health.exited).toBe(0);
  expect(health.output()).toContain('"ok":true');
}, 300_000);
