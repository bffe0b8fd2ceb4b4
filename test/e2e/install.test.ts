// One command onto a teammate's machine: a fresh HOME, the script the server
// serves at /install run with sh (as `curl -fsSL $BASE/install | sh` runs
// it), then a real OpenCode 1.18.33 with no plugin configuration at all —
// /share gives a page on our server, with the session on it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { MockModel } from "./mock-model.ts";
import type { EgressProxy } from "./egress-proxy.ts";
import { OPENCODE_BIN, prepareHome, startOpenCode } from "./opencode.ts";
import type { BetterShare } from "./better-share.ts";
import { makeTempDir } from "./processes.ts";
import { startStack, stopStack } from "./stack.ts";
import { FIRST_PROMPT, toolTurn } from "./scenario.ts";
import { eventually } from "../helpers/eventually.ts";

let model: MockModel;
let proxy: EgressProxy;
let server: BetterShare;

beforeAll(async () => {
  ({ model, proxy, server } = await startStack({ title: "Greeting script" }));
}, 180_000);

afterAll(stopStack, 60_000);

test(
  "curl … /install | sh in a fresh home, then OpenCode with no plugin configured: /share gives a page on this server",
  async () => {
    // The home startOpenCode({home: root}) will run in.
    const root = makeTempDir("better-share-e2e-install-");
    const { home, config: configHome } = prepareHome(root);

    const script = await (await server.request("GET", "/install")).text();
    const installed = Bun.spawnSync(["sh", "-c", script], {
      env: { HOME: home, XDG_CONFIG_HOME: configHome, PATH: `${dirname(OPENCODE_BIN)}:/usr/bin:/bin` },
      stdout: "pipe",
      stderr: "pipe",
    });
    const out = installed.stdout.toString();
    expect(installed.stderr.toString()).toBe("");
    expect(installed.exitCode).toBe(0);
    const pluginFile = join(configHome, "opencode/plugins/better-share.js");
    expect(out).toContain(`installed the plugin at ${pluginFile}`);
    expect(existsSync(pluginFile)).toBe(true);
    expect(readdirSync(home)).toEqual([]);

    // No `plugin` key, no BETTER_SHARE_* variable: only the installed file.
    const opencode = await startOpenCode({ modelBaseURL: model.baseURL, proxy, home: root });
    model.push(toolTurn());
    const session = await opencode.createSession();
    await opencode.prompt(session.id, FIRST_PROMPT);
    expect(model.errors).toEqual([]);

    const shared = await opencode.share(session.id);
    const shareId = session.id.slice(-8);
    expect(shared.share.url).toBe(`${server.url}/share/${shareId}`);

    const page = await eventually(
      "the share page to show the session",
      () => server.page(shareId),
      (p) => p.status === 200 && p.html.includes("greet.sh"),
      { timeoutMs: 20_000 },
    );
    expect(page.html).toContain("Create greet.sh that prints a greeting");
    // Nothing went to opncd.ai or anywhere else off the machine.
    expect(proxy.foreign()).toEqual([]);
  },
  // OpenCode's first start in a fresh home (it installs its plugin runtime from npm) took over 3 minutes on a loaded machine.
  480_000,
);
