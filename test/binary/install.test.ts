// The compiled server as the plugin's install point: GET /plugin.js is the
// embedded one-file plugin defaulting to this server, GET /install a POSIX sh
// script, run here with sh exactly as `curl -fsSL $BASE/install | sh` runs it,
// in throwaway homes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildBinary, startBinary, type Server } from "../helpers/binary.ts";
import { tempDir } from "../helpers/tmp.ts";

let server: Server;
let script: string;
beforeAll(async () => {
  server = await startBinary(buildBinary(), {});
  script = await (await fetch(`${server.url}/install`)).text();
}, 180_000);
afterAll(async () => {
  await server?.stop();
});

/** Every file under dir, relative, sorted. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

/** A home with a stand-in `opencode` on PATH (the script only looks for it). */
function homeWithOpenCode(): { root: string; env: Record<string, string> } {
  const root = tempDir("bs-install-");
  const bin = join(root, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "opencode"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(bin, "opencode"), 0o755);
  mkdirSync(join(root, "home"));
  return { root, env: { HOME: join(root, "home"), PATH: `${bin}:/usr/bin:/bin` } };
}

const runScript = (env: Record<string, string>) => spawnSync("sh", ["-c", script], { env, encoding: "utf8" });

describe("GET /plugin.js", () => {
  test("is one ESM file with this server as its default, no dependency beyond Node built-ins, loading as a plugin for both generations", async () => {
    const res = await fetch(`${server.url}/plugin.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const text = await res.text();
    expect(text).toContain(JSON.stringify(server.url));
    expect(text).not.toContain("__BETTER_SHARE_SERVED_BASE_URL__");
    const specifiers = [...text.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]!);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !/^(node:)?(crypto|os|path|fs|fs\/promises|url|child_process)$/.test(s))).toEqual([]);
    const dir = tempDir("bs-plugin-import-");
    writeFileSync(join(dir, "better-share.js"), text);
    const mod = await import(join(dir, "better-share.js"));
    expect(mod.default.id).toBe("better-share");
    expect(typeof mod.default.server).toBe("function");
    expect(typeof mod.default.setup).toBe("function");
    const again = await fetch(`${server.url}/plugin.js`, { headers: { "if-none-match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });
});

describe("GET /install", () => {
  test("is a POSIX sh script naming this server", async () => {
    const res = await fetch(`${server.url}/install`);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(script).toStartWith("#!/bin/sh\n");
    expect(script).toContain(`BASE_URL='${server.url}'`);
    // dash is Debian's /bin/sh; -n parses without running.
    expect(spawnSync("dash", ["-n"], { input: script }).status).toBe(0);
  });

  test("without OpenCode on the machine: says so, exits non-zero, writes nothing", () => {
    const root = tempDir("bs-install-none-");
    const home = join(root, "home");
    mkdirSync(home);
    const r = runScript({ HOME: home, PATH: "/usr/bin:/bin" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("OpenCode was not found");
    expect(r.stderr).toContain("Nothing was written");
    expect(files(root)).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
  });

  test("installs the served plugin and a 0600 token file, nothing else; a second run changes nothing; the printed undo removes both", async () => {
    const { root, env } = homeWithOpenCode();
    const token = "bst_" + "I".repeat(43);
    const first = runScript({ ...env, BETTER_SHARE_TOKEN: token });
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const configDir = join(env.HOME!, ".config/opencode");
    const pluginPath = join(configDir, "plugins/better-share.js");
    const tokenPath = join(configDir, "better-share/token");
    expect(files(env.HOME!)).toEqual([".config/opencode/better-share/token", ".config/opencode/plugins/better-share.js"]);
    expect(readFileSync(pluginPath, "utf8")).toBe(await (await fetch(`${server.url}/plugin.js`)).text());
    expect(readFileSync(tokenPath, "utf8")).toBe(token + "\n");
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    expect(first.stdout).toContain(`installed the plugin at ${pluginPath}`);
    expect(first.stdout).toContain(`shares go to ${server.url}`);
    expect(first.stdout).toContain(`kept your creation token in ${tokenPath} (mode 0600)`);
    expect(first.stdout).not.toContain(token);

    const before = files(root).map((f) => [f, readFileSync(join(root, f), "utf8")]);
    const second = runScript(env);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("already up to date");
    expect(second.stdout).toContain(`kept the creation token already in ${tokenPath}`);
    expect(files(root).map((f) => [f, readFileSync(join(root, f), "utf8")])).toEqual(before);

    const undo = first.stdout.match(/to undo: (.+)$/m)?.[1];
    expect(undo).toBe(`rm -f '${pluginPath}' '${tokenPath}'`);
    expect(spawnSync("sh", ["-c", undo!]).status).toBe(0);
    expect(existsSync(pluginPath) || existsSync(tokenPath)).toBe(false);
  });

  test("honours XDG_CONFIG_HOME, keeps an earlier install in plugin/, and warns about an npm copy in opencode.json", () => {
    const { root, env } = homeWithOpenCode();
    const config = join(root, "xdg");
    mkdirSync(join(config, "opencode/plugin"), { recursive: true });
    writeFileSync(join(config, "opencode/plugin/better-share.js"), "// an older better-share\n");
    writeFileSync(join(config, "opencode/opencode.json"), JSON.stringify({ plugin: ["opencode-better-share"] }));
    const r = runScript({ ...env, XDG_CONFIG_HOME: config });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`updated the plugin at ${join(config, "opencode/plugin/better-share.js")}`);
    expect(existsSync(join(config, "opencode/plugins"))).toBe(false);
    expect(r.stdout).toContain("also loads opencode-better-share from npm");
    expect(JSON.parse(readFileSync(join(config, "opencode/opencode.json"), "utf8"))).toEqual({ plugin: ["opencode-better-share"] });
    expect(readdirSync(env.HOME!)).toEqual([]);
  });

  test("a server that cannot be reached: fails naming the URL and writes nothing", () => {
    const { env } = homeWithOpenCode();
    const r = spawnSync("sh", ["-c", script.replace(`BASE_URL='${server.url}'`, "BASE_URL='http://127.0.0.1:9'")], { env, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("could not download http://127.0.0.1:9/plugin.js");
    expect(readdirSync(env.HOME!)).toEqual([]);
  });
});
