// Creation tokens (CREATE_ACCESS=token on the server): the plugin sends its
// token when creating a share and never otherwise, and a refused token is one
// clear message — a failed /share in native mode, a toast and a note in
// commands mode — not a retry loop.
import { afterEach, describe, expect, test } from "bun:test";
import { ShareApi } from "../src/api.js";
import { createHooks } from "../src/plugin.js";
import { SecretStore } from "../src/secret-store.js";
import { resolveSettings } from "../src/settings.js";
import { buildShareData } from "../src/share-data.js";
import { ShareError, Uploader } from "../src/uploader.js";
import { sleep, testWorld } from "./helpers.js";

const TOKEN = "bst_" + "T".repeat(43);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("settings", () => {
  test("the option wins over BETTER_SHARE_TOKEN; none is fine", () => {
    expect(resolveSettings({ baseUrl: "http://x", token: TOKEN }, { BETTER_SHARE_TOKEN: "bst_other" }).token).toBe(TOKEN);
    expect(resolveSettings({ baseUrl: "http://x" }, { BETTER_SHARE_TOKEN: TOKEN }).token).toBe(TOKEN);
    expect(resolveSettings({ baseUrl: "http://x" }, {}).token).toBeUndefined();
    expect(resolveSettings({ baseUrl: "http://x", token: "  " }, { BETTER_SHARE_TOKEN: TOKEN }).token).toBe(TOKEN);
  });

  test("a token pasted with a trailing newline (or CRLF, or spaces) is used without it", () => {
    for (const pasted of [`${TOKEN}\n`, `${TOKEN}\r\n`, `  ${TOKEN}\t`, `\n${TOKEN}\n\n`]) {
      const s = resolveSettings({ baseUrl: "http://x" }, { BETTER_SHARE_TOKEN: pasted });
      expect(s.token).toBe(TOKEN);
      expect(s.problems).toEqual([]);
    }
  });

  test("a value that cannot be a token is reported once and not sent", () => {
    const s = resolveSettings({ baseUrl: "http://x" }, { BETTER_SHARE_TOKEN: "bst_abc def" });
    expect(s.token).toBeUndefined();
    expect(s.problems).toEqual([expect.stringContaining("BETTER_SHARE_TOKEN is not a creation token")]);
    const o = resolveSettings({ baseUrl: "http://x", token: 42 }, {});
    expect(o.token).toBeUndefined();
    expect(o.problems).toEqual([expect.stringContaining(`option "token" must be a string`)]);
  });
});

function uploaderWith(token: string | undefined, accepted?: string[]) {
  const { server, client, storePath, fixture } = testWorld(cleanups);
  if (accepted) server.tokens = new Set(accepted);
  const uploader = new Uploader({
    baseUrl: server.baseUrl,
    store: new SecretStore(storePath),
    build: (id) => buildShareData(client, id),
    home: "/home/dev",
    debounceMs: 20,
    retryBaseMs: 10,
    retryMaxMs: 40,
    token,
    apiFor: (base, apiToken) => new ShareApi(base, { fetch: server.fetch, timeoutMs: 2000, token: apiToken }),
  });
  cleanups.push(() => uploader.dispose());
  return { server, client, uploader, fixture, store: new SecretStore(storePath) };
}

describe("uploader", () => {
  test("the token goes with the creation only: not with syncs, uploads or the delete", async () => {
    const t = uploaderWith(TOKEN, [TOKEN]);
    await t.uploader.share(t.fixture.sessionId);
    t.uploader.changed(t.fixture.sessionId);
    await t.uploader.flush(t.fixture.sessionId);
    await t.uploader.unshare(t.fixture.sessionId);
    const create = t.server.requests.filter((r) => r.path === "/api/share/presign");
    expect(create.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);
    const others = t.server.requests.filter((r) => r.path !== "/api/share/presign");
    expect(others.map((r) => r.method).sort()).toEqual(expect.arrayContaining(["DELETE", "PUT"]));
    for (const r of others) expect(r.headers.authorization).toBeUndefined();
  });

  test("the real ShareApi puts the token in Authorization: Bearer on create", async () => {
    const { server } = testWorld(cleanups);
    server.tokens = new Set([TOKEN]);
    const api = new ShareApi(server.baseUrl, { token: TOKEN });
    const created = await api.create("8O3MpUrh", "ses_df22f7536ffedYzOPY8O3MpUrh", 10);
    expect(created.secret).toContain("server-secret");
    await api.presign("8O3MpUrh", created.secret, 10);
    expect(server.requests.map((r): string | null => r.headers.authorization ?? null)).toEqual([`Bearer ${TOKEN}`, null]);
  });

  test("no token on a token-only server: one request, one clear error naming the setting, nothing stored", async () => {
    const t = uploaderWith(undefined, [TOKEN]);
    const err = await t.uploader.share(t.fixture.sessionId).catch((e) => e);
    expect(err).toBeInstanceOf(ShareError);
    expect(err.code).toBe("TOKEN_REQUIRED");
    expect(err.status).toBe(401);
    expect(err.message).toContain("BETTER_SHARE_TOKEN");
    await sleep(150);
    expect(t.server.count("create")).toBe(1);
    expect(await t.store.list()).toEqual([]);
    expect(t.uploader.isShared(t.fixture.sessionId)).toBe(false);
  });

  test("a revoked token: the server's reason, not retried", async () => {
    const t = uploaderWith("bst_" + "R".repeat(43), [TOKEN]);
    const err = await t.uploader.share(t.fixture.sessionId).catch((e) => e);
    expect(err).toMatchObject({ code: "INVALID_TOKEN", status: 403 });
    expect(err.message).toContain("refused your creation token");
    expect(err.message).toContain("revoked");
    await sleep(150);
    expect(t.server.count("create")).toBe(1);
  });
});

async function hooksWith(options: Record<string, unknown>, builtInShare: boolean, accepted: string[]) {
  const { server, client, storePath, fixture } = testWorld(cleanups);
  server.tokens = new Set(accepted);
  const hooks = await createHooks({ client: client as any }, { baseUrl: server.baseUrl, ...options }, {
    env: {},
    storePath,
    home: "/home/dev",
    debounceMs: 20,
    host: { version: builtInShare ? "1.18.33" : "1.19.1", builtInShare },
  });
  cleanups.push(() => hooks.dispose?.());
  const cfg: any = { command: {} };
  await hooks.config!(cfg);
  return { server, client, hooks, cfg, fixture };
}

describe("in OpenCode", () => {
  test("commands mode: a refused /share is one error toast and one note saying what to set", async () => {
    const t = await hooksWith({}, false, [TOKEN]);
    const outcome = await t.hooks["command.execute.before"]!({ command: "share", sessionID: t.fixture.sessionId, arguments: "" }, { parts: [] }).catch((e) => e);
    expect(outcome).toBeInstanceOf(Error);
    expect(t.client.toasts).toEqual([{ message: expect.stringContaining("only lets token holders create shares"), variant: "error" }]);
    expect(t.client.prompts).toHaveLength(1);
    expect(t.client.prompts[0]!.body.parts[0].text).toContain("BETTER_SHARE_TOKEN");
    await sleep(150);
    expect(t.server.count("create")).toBe(1);
  });

  test("commands mode with the token option: /share works", async () => {
    const t = await hooksWith({ token: `${TOKEN}\n` }, false, [TOKEN]);
    await t.hooks["command.execute.before"]!({ command: "share", sessionID: t.fixture.sessionId, arguments: "" }, { parts: [] }).catch(() => {});
    expect(t.client.toasts.at(-1)).toEqual({ message: `Shared: ${t.server.baseUrl}/share/${t.fixture.shareId}`, variant: "success" });
    expect(t.server.blobs.has(t.fixture.shareId)).toBe(true);
  });

  test("native mode: OpenCode's /share gets the refusal as its error answer", async () => {
    const t = await hooksWith({ token: "bst_" + "R".repeat(43) }, true, [TOKEN]);
    const res = await fetch(`${t.cfg.enterprise.url}/api/share`, { method: "POST", body: JSON.stringify({ sessionID: t.fixture.sessionId }) });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { code: string; error: string };
    expect(body.code).toBe("INVALID_TOKEN");
    expect(body.error).toContain("refused your creation token");
    // OpenCode shows its own /share failure generically; the reason comes as one toast.
    expect(t.client.toasts).toEqual([{ message: expect.stringContaining("refused your creation token"), variant: "error" }]);
    await sleep(150);
    expect(t.server.count("create")).toBe(1);
  });
});
