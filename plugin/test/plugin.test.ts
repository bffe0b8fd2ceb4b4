import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Hooks } from "@opencode-ai/plugin";
import BetterShareDefault, { BetterShare } from "../src/index.js";
import serverEntry from "../src/server.js";
import { hasBuiltInShare, detectHost } from "../src/host.js";
import { createHooks } from "../src/plugin.js";
import { SecretStore } from "../src/secret-store.js";
import { normalizeBaseUrl, resolveSettings } from "../src/settings.js";
import { FakeClient, fixtureShareData, tempDir, testWorld, waitFor } from "./helpers.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: Record<string, unknown>, builtInShare: boolean, env: Record<string, string> = {}, debounceMs = 20) {
  const { server, dir, fixture, client, storePath } = testWorld(cleanups);
  const hooks = await createHooks({ client: client as any }, { baseUrl: server.baseUrl, ...options }, {
    env,
    storePath,
    home: "/home/dev",
    debounceMs,
    host: { version: builtInShare ? "1.18.33" : "1.19.1", builtInShare },
  });
  cleanups.push(() => hooks.dispose?.());
  const cfg: any = { command: {} };
  await hooks.config!(cfg);
  return { server, client, hooks, cfg, fixture, store: new SecretStore(storePath) };
}

async function runCommand(hooks: Hooks, command: string, sessionID: string, args = "") {
  const output = { parts: [] as any[] };
  return hooks["command.execute.before"]!({ command, sessionID, arguments: args }, output).then(
    () => "continued",
    (err: Error) => err,
  );
}

describe("entry points", () => {
  test("the main module exports only the plugin, by name and as default", async () => {
    const mod = await import("../src/index.js");
    expect(Object.keys(mod).sort()).toEqual(["BetterShare", "default"]);
    expect(BetterShareDefault).toBe(BetterShare);
  });

  test("the ./server entry is an OpenCode plugin module", () => {
    expect(serverEntry.id).toBe("better-share");
    expect(serverEntry.server).toBe(BetterShare);
  });
});

describe("OpenCode with built-in sharing (1.18.x), mode auto", () => {
  test("points enterprise.url at a live loopback adapter and adds no commands", async () => {
    const t = await setup({}, true);
    const url = t.cfg.enterprise.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.cfg.command).toEqual({});
    expect(t.cfg.share).toBeUndefined();
    const created = await fetch(`${url}/api/share`, { method: "POST", body: JSON.stringify({ sessionID: t.fixture.sessionId }) });
    expect(((await created.json()) as any).url).toBe(`${t.server.baseUrl}/share/${t.fixture.shareId}`);
  });

  test("calling the config hook again keeps the same adapter", async () => {
    const t = await setup({}, true);
    const again: any = {};
    await t.hooks.config!(again);
    expect(again.enterprise.url).toBe(t.cfg.enterprise.url);
  });

  test("deleting a shared session in OpenCode unshares it", async () => {
    const t = await setup({}, true);
    await fetch(`${t.cfg.enterprise.url}/api/share`, { method: "POST", body: JSON.stringify({ sessionID: t.fixture.sessionId }) });
    await t.hooks.event!({ event: { type: "session.deleted", properties: { info: { id: t.fixture.sessionId } } } as any });
    await waitFor(() => !t.server.shares.has(t.fixture.shareId), 2000, "server delete");
  });

  test("message events of a shared session trigger a sync", async () => {
    const t = await setup({}, true);
    await fetch(`${t.cfg.enterprise.url}/api/share`, { method: "POST", body: JSON.stringify({ sessionID: t.fixture.sessionId }) });
    const s = t.client.sessions.get(t.fixture.sessionId)!;
    s.session.title = "changed by a turn";
    await t.hooks.event!({ event: { type: "message.part.updated", properties: { part: { sessionID: t.fixture.sessionId } } } as any });
    await waitFor(() => t.server.blobJson(t.fixture.shareId).session.title === "changed by a turn", 2000, "event sync");
  });

  test("session.idle of a shared session uploads its pending change at once", async () => {
    const t = await setup({}, true, {}, 60_000);
    await fetch(`${t.cfg.enterprise.url}/api/share`, { method: "POST", body: JSON.stringify({ sessionID: t.fixture.sessionId }) });
    t.client.sessions.get(t.fixture.sessionId)!.session.title = "end of the turn";
    await t.hooks.event!({ event: { type: "message.updated", properties: { info: { sessionID: t.fixture.sessionId } } } as any });
    await t.hooks.event!({ event: { type: "session.idle", properties: { sessionID: t.fixture.sessionId } } as any });
    await waitFor(() => t.server.blobJson(t.fixture.shareId).session.title === "end of the turn", 2000, "upload on idle");
  });
});

describe("own commands (forced, or OpenCode without built-in sharing)", () => {
  test("on 1.18 with mode commands: commands added, built-in /share hidden, adapter still guards enterprise.url", async () => {
    const t = await setup({ mode: "commands" }, true);
    expect(Object.keys(t.cfg.command).sort()).toEqual(["share", "shares", "unshare"]);
    expect(t.cfg.share).toBe("disabled");
    expect(t.cfg.enterprise.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  test("without built-in sharing, auto picks commands and leaves share/enterprise alone", async () => {
    const t = await setup({}, false);
    expect(Object.keys(t.cfg.command).sort()).toEqual(["share", "shares", "unshare"]);
    expect(t.cfg.share).toBeUndefined();
    expect(t.cfg.enterprise).toBeUndefined();
  });

  test("/share shares, ends the turn with a throw, and stores an ignored note with the URL", async () => {
    const t = await setup({ mode: "commands" }, true);
    const outcome = await runCommand(t.hooks, "share", t.fixture.sessionId);
    expect(outcome).toBeInstanceOf(Error);
    const url = `${t.server.baseUrl}/share/${t.fixture.shareId}`;
    expect(t.server.blobs.has(t.fixture.shareId)).toBe(true);
    expect(t.client.prompts.length).toBe(1);
    const note = t.client.prompts[0]!;
    expect(note.id).toBe(t.fixture.sessionId);
    expect(note.body.noReply).toBe(true);
    expect(note.body.parts).toEqual([{ type: "text", text: expect.stringContaining(url), ignored: true }]);
    expect(note.body.parts[0].synthetic).toBeUndefined();
    expect(t.client.toasts.at(-1)).toEqual({ message: `Shared: ${url}`, variant: "success" });
  });

  test("/share 30d passes the expiry to the server; a bad duration shares nothing", async () => {
    const t = await setup({ mode: "commands" }, true);
    await runCommand(t.hooks, "share", t.fixture.sessionId, "soon");
    expect(t.server.shares.size).toBe(0);
    expect(t.client.prompts.at(-1)!.body.parts[0].text).toContain('"soon" is not a duration');
    await runCommand(t.hooks, "share", t.fixture.sessionId, "30d");
    const create = t.server.requests.find((r) => r.path === "/api/share/presign")!;
    expect(JSON.parse(create.body).expiresIn).toBe(30 * 86_400);
  });

  test("/shares lists the share with its URL and date; /unshare removes it", async () => {
    const t = await setup({ mode: "commands" }, true);
    await runCommand(t.hooks, "share", t.fixture.sessionId);
    await runCommand(t.hooks, "shares", t.fixture.sessionId);
    const listing = t.client.prompts.at(-1)!.body.parts[0].text as string;
    expect(listing).toContain(`${t.server.baseUrl}/share/${t.fixture.shareId}`);
    expect(listing).toContain("Create and parameterize greet.sh");
    expect(listing).toMatch(/shared \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await runCommand(t.hooks, "unshare", t.fixture.sessionId);
    expect(t.client.prompts.at(-1)!.body.parts[0].text).toContain("Unshared");
    expect(t.server.shares.has(t.fixture.shareId)).toBe(false);
    await runCommand(t.hooks, "shares", t.fixture.sessionId);
    expect(t.client.prompts.at(-1)!.body.parts[0].text).toContain("No shared sessions");
  });

  test("/share 7d on a shared session changes its expiry; /share never lifts it", async () => {
    const t = await setup({ mode: "commands" }, true);
    await runCommand(t.hooks, "share", t.fixture.sessionId);
    expect(t.server.shares.get(t.fixture.shareId)!.expiresAt).toBeNull();
    await runCommand(t.hooks, "share", t.fixture.sessionId, "7d");
    const change = t.server.requests.filter((r) => r.path === `/api/share/${t.fixture.shareId}/expiry`);
    expect(change.map((r) => JSON.parse(r.body))).toEqual([{ expiresIn: 7 * 86_400 }]);
    expect(change[0]!.headers["x-share-secret"]).toStartWith("server-secret-");
    const note = t.client.prompts.at(-1)!.body.parts[0].text as string;
    expect(note).toContain(`${t.server.baseUrl}/share/${t.fixture.shareId} now expires ${new Date(t.server.shares.get(t.fixture.shareId)!.expiresAt!).toISOString().slice(0, 10)}`);
    // Still one share: the change did not create another.
    expect(t.server.count("create")).toBe(1);
    await runCommand(t.hooks, "share", t.fixture.sessionId, "never");
    expect(JSON.parse(t.server.requests.at(-1)!.body)).toEqual({ expiresIn: null });
    expect(t.client.prompts.at(-1)!.body.parts[0].text).toContain("now never expires");
    expect(t.server.shares.get(t.fixture.shareId)!.expiresAt).toBeNull();
  });

  test("a refused expiry change is reported, not retried", async () => {
    const t = await setup({ mode: "commands" }, true);
    await runCommand(t.hooks, "share", t.fixture.sessionId);
    t.server.fail("expiry", 410, 1);
    await runCommand(t.hooks, "share", t.fixture.sessionId, "1d");
    expect(t.client.prompts.at(-1)!.body.parts[0].text).toContain("/share failed");
    expect(t.server.requests.filter((r) => r.path.endsWith("/expiry")).length).toBe(1);
  });

  test("the expiresIn option sets the lifetime of new shares; /share with a duration overrides it", async () => {
    const t = await setup({ mode: "commands", expiresIn: "12h" }, true);
    await runCommand(t.hooks, "share", t.fixture.sessionId);
    const created = t.server.requests.find((r) => r.path === "/api/share/presign")!;
    expect(JSON.parse(created.body).expiresIn).toBe(12 * 3600);
    await runCommand(t.hooks, "unshare", t.fixture.sessionId);
    await runCommand(t.hooks, "share", t.fixture.sessionId, "30d");
    const again = t.server.requests.filter((r) => r.path === "/api/share/presign").at(-1)!;
    expect(JSON.parse(again.body).expiresIn).toBe(30 * 86_400);
  });

  test("the expiresIn option: seconds work, a bad value is reported and the server's default used", () => {
    expect(resolveSettings({ baseUrl: "http://x", expiresIn: 3600 }, {}).expiresIn).toBe(3600);
    expect(resolveSettings({ baseUrl: "http://x", expiresIn: "4w" }, {}).expiresIn).toBe(4 * 604_800);
    expect(resolveSettings({ baseUrl: "http://x", expiresIn: "never" }, {}).expiresIn).toBeUndefined();
    for (const bad of ["7 days", "30s", 10, -5, "soon", true]) {
      const s = resolveSettings({ baseUrl: "http://x", expiresIn: bad }, {});
      expect(s.expiresIn).toBeUndefined();
      expect(s.problems.join(" ")).toContain(`option "expiresIn"`);
    }
  });

  test("/shares shows each share's views and expiry from the server, and lists it anyway when the server does not say", async () => {
    const t = await setup({ mode: "commands" }, true);
    await runCommand(t.hooks, "share", t.fixture.sessionId, "7d");
    t.server.shares.get(t.fixture.shareId)!.views = 12;
    await runCommand(t.hooks, "shares", t.fixture.sessionId);
    const listing = t.client.prompts.at(-1)!.body.parts[0].text as string;
    expect(listing).toContain("12 views");
    expect(listing).toMatch(/expires \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await runCommand(t.hooks, "share", t.fixture.sessionId, "never");
    t.server.shares.get(t.fixture.shareId)!.views = 1;
    await runCommand(t.hooks, "shares", t.fixture.sessionId);
    expect(t.client.prompts.at(-1)!.body.parts[0].text).toContain("1 view — never expires");
    t.server.fail("stats", 404, 1);
    await runCommand(t.hooks, "shares", t.fixture.sessionId);
    const bare = t.client.prompts.at(-1)!.body.parts[0].text as string;
    expect(bare).toContain(`${t.server.baseUrl}/share/${t.fixture.shareId}`);
    expect(bare).not.toContain("view");
  });

  test("other commands pass through untouched", async () => {
    const t = await setup({ mode: "commands" }, true);
    expect(await runCommand(t.hooks, "init", t.fixture.sessionId)).toBe("continued");
    expect(t.client.prompts.length).toBe(0);
  });

  test("a failing share is reported in the note instead of crashing", async () => {
    const t = await setup({ mode: "commands" }, true);
    t.server.down = true;
    t.server.stop();
    const outcome = await runCommand(t.hooks, "share", t.fixture.sessionId);
    expect(outcome).toBeInstanceOf(Error);
    expect(t.client.prompts[0]!.body.parts[0].text).toContain("/share failed");
    expect(t.client.toasts.at(-1)!.variant).toBe("error");
  });
});

describe("configuration", () => {
  test("no base URL: one clear log line, sharing off, commands explain why", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const client = new FakeClient([fixtureShareData()]);
    const hooks = await createHooks({ client: client as any }, { mode: "commands" }, {
      env: {},
      storePath: join(dir.path, "s.json"),
      host: { builtInShare: false },
    });
    cleanups.push(() => hooks.dispose?.());
    await hooks.config!({ command: {} } as any);
    const errors = client.logs.filter((l) => l.level === "error");
    expect(errors.length).toBe(1);
    expect(errors[0]!.message).toContain("BETTER_SHARE_BASE_URL");
    await runCommand(hooks, "share", fixtureShareData().sessionId);
    expect(client.prompts[0]!.body.parts[0].text).toContain("better-share is off");
  });

  test("no base URL on 1.18: /share reaches the adapter and fails there, never opncd.ai", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const client = new FakeClient([]);
    const hooks = await createHooks({ client: client as any }, {}, { env: {}, storePath: join(dir.path, "s.json"), host: { builtInShare: true } });
    cleanups.push(() => hooks.dispose?.());
    const cfg: any = {};
    await hooks.config!(cfg);
    const res = await fetch(`${cfg.enterprise.url}/api/share`, { method: "POST", body: JSON.stringify({ sessionID: "ses_df22f7536ffedYzOPY8O3MpUrh" }) });
    expect(res.status).toBe(503);
  });

  test("settings: option beats env, trailing slashes go, bad values are named", () => {
    expect(resolveSettings({ baseUrl: "https://a.example/" }, { BETTER_SHARE_BASE_URL: "https://b.example" }).baseUrl).toBe("https://a.example");
    expect(resolveSettings({}, { BETTER_SHARE_BASE_URL: "https://b.example/share-root//" }).baseUrl).toBe("https://b.example/share-root");
    expect(resolveSettings({}, { BETTER_SHARE_BASE_URL: "ftp://x" }).disabledReason).toContain("BETTER_SHARE_BASE_URL");
    expect(resolveSettings({ baseUrl: "not a url" }, {}).disabledReason).toContain(`option "baseUrl"`);
    expect(resolveSettings({}, {}).disabledReason).toContain("no server configured");
    const odd = resolveSettings({ baseUrl: "http://x", redact: "yes", mode: "sometimes" }, {});
    expect(odd.redact).toBe(true);
    expect(odd.mode).toBe("auto");
    expect(odd.problems.length).toBe(2);
    expect(resolveSettings({ baseUrl: "http://x", redact: false, mode: "native" }, {})).toMatchObject({ redact: false, mode: "native" });
    expect(normalizeBaseUrl("https://user:pw@x")).toBeUndefined();
  });

  test("built-in sharing exists up to OpenCode 1.19.0", () => {
    expect(hasBuiltInShare("1.18.33")).toBe(true);
    expect(hasBuiltInShare("1.19.0")).toBe(true);
    expect(hasBuiltInShare("1.19.1")).toBe(false);
    expect(hasBuiltInShare("1.20.0")).toBe(false);
    expect(hasBuiltInShare("2.0.0")).toBe(false);
    expect(hasBuiltInShare("0.15.2")).toBe(true);
    expect(hasBuiltInShare("dev")).toBe(false);
  });

  test("host detection asks OpenCode's health route and falls back to the client's share method", async () => {
    const viaHealth = { _client: { get: async () => ({ data: { healthy: true, version: "1.19.3" } }) }, session: { share() {} } };
    expect(await detectHost(viaHealth)).toEqual({ version: "1.19.3", builtInShare: false });
    const silent = { _client: { get: () => new Promise(() => {}) }, session: { share() {} } };
    expect(await detectHost(silent, 20)).toEqual({ builtInShare: true });
    expect(await detectHost({ session: {} })).toEqual({ builtInShare: false });
  });
});
