// The compiled binary's log and metrics: LOG_FORMAT and METRICS are checked
// at start-up, a SIGTERM right after a burst of requests loses none of their
// log lines (stdout a file or a pipe), and /metrics answers over HTTP.
import { beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildBinary, freePort, run, startBinary } from "../helpers/binary.ts";
import { eventually } from "../helpers/eventually.ts";
import { tempDir } from "../helpers/tmp.ts";

let bin: string;
beforeAll(() => {
  bin = buildBinary();
}, 120_000);

test("LOG_FORMAT=xml stops start-up naming the variable (exit 2)", async () => {
  const p = run(bin, ["serve", "--port", String(await freePort())], { LOG_FORMAT: "xml" });
  expect(await p.exited).toBe(2);
  expect(p.output()).toContain('LOG_FORMAT must be text or json, got "xml"');
});

test("METRICS=yes stops start-up naming the variable (exit 2)", async () => {
  const p = run(bin, ["serve", "--port", String(await freePort())], { METRICS: "yes" });
  expect(await p.exited).toBe(2);
  expect(p.output()).toContain('METRICS must be true or false, got "yes"');
});

test("METRICS=true with a token: Prometheus text for the token, 401 without it", async () => {
  const s = await startBinary(bin, { METRICS: "true", METRICS_TOKEN: "tok-for-scrapes" });
  try {
    await fetch(`${s.url}/share/abcd1234`);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${s.url}/metrics`, { headers: { authorization: "Bearer tok-for-scrapes" } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('better_share_http_requests_total{route="/share/:id",method="GET",status="404"} 1');
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  } finally {
    expect(await s.stop()).toBe(0);
  }
  expect(s.output()).not.toContain("tok-for-scrapes");
}, 60_000);

/** 300 requests (20 at a time, one with a 10 KB path), then SIGTERM as soon as the last answer arrives. */
async function burstThenTerm(url: string, kill: () => void): Promise<number> {
  const paths = Array.from({ length: 300 }, (_, i) => (i === 150 ? "/share/" + "y".repeat(10 * 1024) : `/share/burst${String(i).padStart(3, "0")}`));
  for (let i = 0; i < paths.length; i += 20) {
    const answers = await Promise.all(paths.slice(i, i + 20).map((p) => fetch(url + p).then((r) => r.status)));
    expect(answers.every((s) => s === 404)).toBe(true);
  }
  kill();
  return paths.length;
}

function checkLines(text: string, sent: number) {
  const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
  const burst = lines.filter((l) => l.route === "/share/:id");
  expect(burst.length).toBe(sent);
  expect(burst.filter((l) => l.path.startsWith("/share/yyyy")).length).toBe(1);
  expect(lines.at(-1)).toMatchObject({ level: "info", msg: "stopped" });
  expect(lines.some((l) => l.msg === "SIGTERM received: finishing in-flight requests")).toBe(true);
}

test("stdout to a file: every request of a burst is logged as JSON before the process exits on SIGTERM", async () => {
  const dir = tempDir("bs-logfile-");
  const logPath = join(dir, "server.log");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn([bin, "serve", "--port", String(port), "--host", "127.0.0.1"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DATA_DIR: join(dir, "data"), LOG_FORMAT: "json" },
    stdout: Bun.file(logPath),
    stderr: Bun.file(join(dir, "stderr.log")),
  });
  try {
    await eventually("the server to answer /api/health", async () => (await fetch(`${url}/api/health`)).status, (s) => s === 200, {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    const sent = await burstThenTerm(url, () => proc.kill("SIGTERM"));
    expect(await proc.exited).toBe(0);
    checkLines(readFileSync(logPath, "utf8"), sent);
  } finally {
    proc.kill("SIGKILL");
  }
}, 60_000);

test("stdout to a pipe: the same burst, the same lines", async () => {
  const s = await startBinary(bin, { LOG_FORMAT: "json" });
  const sent = await burstThenTerm(s.url, () => s.child.kill("SIGTERM"));
  expect(await s.exited).toBe(0);
  checkLines(s.output(), sent);
}, 60_000);
