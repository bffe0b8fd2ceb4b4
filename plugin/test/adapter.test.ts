import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startAdapter, type Adapter } from "../src/adapter.js";
import { ShareApi } from "../src/api.js";
import { SecretStore } from "../src/secret-store.js";
import { buildShareData } from "../src/share-data.js";
import { Uploader } from "../src/uploader.js";
import { nativeSync, sleep, tempDir, testWorld, waitFor } from "./helpers.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const { server, dir, fixture, client, storePath } = testWorld(cleanups);
  const start = () => {
    const store = new SecretStore(storePath);
    const uploader = new Uploader({
      baseUrl: server.baseUrl,
      store,
      build: (id) => buildShareData(client, id),
      debounceMs: 20,
      retryBaseMs: 10,
      apiFor: (base) => new ShareApi(base, { fetch: server.fetch }),
    });
    const adapter = startAdapter({ uploader, store, deleteWaitMs: 300 });
    cleanups.push(() => uploader.dispose(), () => adapter.stop());
    return { uploader, adapter, store };
  };
  return { server, client, fixture, storePath, start };
}

async function call(adapter: Adapter, method: string, path: string, body?: unknown) {
  const res = await fetch(`${adapter.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("native protocol adapter", () => {
  test("replays OpenCode 1.18.33's captured requests into the upload protocol", async () => {
    const t = setup();
    const { adapter, store } = t.start();
    const requests = nativeSync().filter((r) => r.path.startsWith("/api/share") && !r.path.endsWith("/data"));
    let token = "";
    for (const r of requests) {
      const body = r.body && typeof r.body === "object" && "secret" in r.body ? { ...r.body, secret: token } : r.body;
      const res = await call(adapter, r.method, r.path, body ?? undefined);
      expect(res.status).toBe(r.response.status);
      if (r.path === "/api/share") {
        // Same shape OpenCode got from opncd.ai-style servers, but our URL and a local token.
        expect(Object.keys(res.body).sort()).toEqual(["id", "secret", "url"]);
        expect(res.body.id).toBe(r.response.body.id);
        expect(res.body.url).toBe(`${t.server.baseUrl}/share/${r.response.body.id}`);
        token = res.body.secret;
        const saved = await store.get(t.fixture.sessionId);
        expect(token).toBe(saved!.localToken);
        expect(token).not.toBe(saved!.secret);
        expect(t.server.blobs.has(res.body.id)).toBe(true);
      } else if (r.method === "POST") {
        expect(res.body).toEqual({});
      }
      if (r.method === "DELETE") expect(res.body).toEqual({ ok: true });
    }
    // Ten syncs arrived within milliseconds; they were coalesced, not uploaded ten times.
    expect(t.server.count("put")).toBeLessThanOrEqual(3);
    expect(t.server.count("delete")).toBe(1);
    expect(t.server.shares.size).toBe(0);
    expect(await store.list()).toEqual([]);
  });

  test("sync uploads what OpenCode holds now, including changes made after the share", async () => {
    const t = setup();
    const { adapter } = t.start();
    const created = await call(adapter, "POST", "/api/share", { sessionID: t.fixture.sessionId });
    const s = t.client.sessions.get(t.fixture.sessionId)!;
    s.session.title = "Renamed after sharing";
    const res = await call(adapter, "POST", `/api/share/${created.body.id}/sync`, {
      secret: created.body.secret,
      data: [{ type: "session", data: s.session }],
    });
    expect(res.status).toBe(200);
    await waitFor(() => t.server.blobJson(created.body.id).session.title === "Renamed after sharing", 2000, "synced title");
  });

  test("the server's secret never reaches OpenCode", async () => {
    const t = setup();
    const { adapter } = t.start();
    const created = await call(adapter, "POST", "/api/share", { sessionID: t.fixture.sessionId });
    const serverSecret = t.server.shares.get(created.body.id)!.secret;
    expect(JSON.stringify(created.body)).not.toContain(serverSecret);
  });

  test("serves shares created before a restart (ids it did not create itself)", async () => {
    const t = setup();
    const first = t.start();
    const created = await call(first.adapter, "POST", "/api/share", { sessionID: t.fixture.sessionId });
    await first.uploader.dispose();
    await first.adapter.stop();

    const second = t.start();
    const s = t.client.sessions.get(t.fixture.sessionId)!;
    s.session.title = "after restart";
    const synced = await call(second.adapter, "POST", `/api/share/${created.body.id}/sync`, { secret: created.body.secret, data: [] });
    expect(synced.status).toBe(200);
    await waitFor(() => t.server.blobJson(created.body.id).session.title === "after restart", 2000, "sync after restart");
    const removed = await call(second.adapter, "DELETE", `/api/share/${created.body.id}`, { secret: created.body.secret });
    expect(removed).toEqual({ status: 200, body: { ok: true } });
    expect(t.server.shares.has(created.body.id)).toBe(false);
  });

  test("a wrong or missing local token is refused and changes nothing", async () => {
    const t = setup();
    const { adapter } = t.start();
    const created = await call(adapter, "POST", "/api/share", { sessionID: t.fixture.sessionId });
    const serverSecret = t.server.shares.get(created.body.id)!.secret;
    const puts = t.server.count("put");
    expect((await call(adapter, "POST", `/api/share/${created.body.id}/sync`, { secret: "nope", data: [] })).status).toBe(403);
    // Even the server's own secret is not accepted here: OpenCode only ever holds the local token.
    expect((await call(adapter, "DELETE", `/api/share/${created.body.id}`, { secret: serverSecret })).status).toBe(403);
    expect((await call(adapter, "DELETE", `/api/share/${created.body.id}`, {})).status).toBe(401);
    await sleep(60);
    expect(t.server.count("put")).toBe(puts);
    expect(t.server.shares.has(created.body.id)).toBe(true);
  });

  test("unknown ids and malformed requests get the right status and an error code", async () => {
    const t = setup();
    const { adapter } = t.start();
    const cases: Array<[string, string, unknown, number, string]> = [
      ["POST", "/api/share", { sessionID: "not-a-session" }, 400, "INVALID_SESSION_ID"],
      ["POST", "/api/share", "{oops", 400, "INVALID_JSON"],
      ["POST", "/api/share/AAAAAAAA/sync", { secret: "x", data: [] }, 404, "NOT_FOUND"],
      ["POST", "/api/share/bad!/sync", { secret: "x", data: [] }, 400, "INVALID_SHARE_ID"],
      ["POST", "/api/share/AAAAAAAA/sync", { secret: "x" }, 400, "INVALID_BODY"],
      ["GET", "/api/share/AAAAAAAA/data", undefined, 404, "NOT_FOUND"],
      ["GET", "/", undefined, 404, "NOT_FOUND"],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await call(adapter, method, path, body);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status, code });
      expect(typeof res.body.error).toBe("string");
    }
  });

  test("a failing server makes OpenCode's create fail with the server's reason", async () => {
    const t = setup();
    const { adapter } = t.start();
    t.server.fail("create", 429, 1);
    const res = await call(adapter, "POST", "/api/share", { sessionID: t.fixture.sessionId });
    expect(res.status).toBe(429);
    t.server.shares.set(t.fixture.shareId, { sessionId: t.fixture.sessionId, secret: "other" });
    const conflict = await call(adapter, "POST", "/api/share", { sessionID: t.fixture.sessionId });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe("SHARE_EXISTS");
  });

  test("delete answers OpenCode even when the server is down, and finishes later", async () => {
    const t = setup();
    const { adapter, store } = t.start();
    const created = await call(adapter, "POST", "/api/share", { sessionID: t.fixture.sessionId });
    t.server.down = true;
    const removed = await call(adapter, "DELETE", `/api/share/${created.body.id}`, { secret: created.body.secret });
    expect(removed).toEqual({ status: 200, body: { ok: true } });
    expect((await store.get(t.fixture.sessionId))?.state).toBe("deleting");
    t.server.down = false;
    await waitFor(() => !t.server.shares.has(created.body.id), 3000, "delete after outage");
  });

  test("when sharing is not configured every request explains why", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const adapter = startAdapter({ store: new SecretStore(join(dir.path, "s.json")), disabledReason: "no server configured" });
    cleanups.push(() => adapter.stop());
    const res = await call(adapter, "POST", "/api/share", { sessionID: "ses_df22f7536ffedYzOPY8O3MpUrh" });
    expect(res.status).toBe(503);
    expect(res.body.error).toContain("no server configured");
  });

  test("listens on loopback only", async () => {
    const t = setup();
    const { adapter } = t.start();
    expect(new URL(adapter.url).hostname).toBe("127.0.0.1");
  });
});
