// OpenCode's native protocol (README, "Native protocol") over app.handle, replaying the
// requests a real OpenCode 1.18.33 sent (fixtures/native-sync.jsonl).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, uploadShare, uploadTo, type TestApp } from "../helpers/app.ts";
import { runScenarios } from "../helpers/scenario.ts";
import { nativeDataFixture as nativeData, nativeSyncCapture, shareDataFixture as shareData } from "../helpers/fixtures.ts";

const capture = nativeSyncCapture();
const SES = capture[0].body.sessionID as string;
const syncs = capture.filter((r) => r.method === "POST" && r.path.endsWith("/sync"));

let app: TestApp;
const vars: Record<string, string> = {};

async function createNative(sessionID: string) {
  const res = await app.req("POST", "/api/share", { body: { sessionID } });
  return { status: res.status, body: (await res.json()) as any };
}

async function replay(id: string, secret: string) {
  for (const s of syncs) {
    const res = await app.req("POST", `/api/share/${id}/sync`, { body: { ...s.body, secret } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  }
}

const identity = (it: any) =>
  it.type === "message" ? `m:${it.data.id}` : it.type === "part" ? `p:${it.data.messageID}:${it.data.id}` : it.type;

beforeAll(async () => {
  app = await createTestApp();
  const c = await createNative(SES);
  expect(c.status).toBe(200);
  vars.id = c.body.id;
  vars.secret = c.body.secret;
  await replay(c.body.id, c.body.secret);
});
afterAll(() => app.close());

describe("POST /api/share (create)", () => {
  test("uses the last 8 characters of the session id and answers {id, url, secret}", () => {
    expect(vars.id).toBe("8O3MpUrh");
    expect(vars.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  test("a session already shared gets 409", async () => {
    const again = await createNative(SES);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("SHARE_EXISTS");
  });

  test("another session with the same last 8 characters gets a fresh random id", async () => {
    const other = await createNative("ses_somethingelse8O3MpUrh");
    expect(other.status).toBe(200);
    expect(other.body.id).toMatch(/^[0-9A-Za-z]{8}$/);
    expect(other.body.id).not.toBe("8O3MpUrh");
    expect(other.body.url).toBe(`http://share.test/share/${other.body.id}`);
  });

  runScenarios(() => app, () => vars, [
    { name: "missing sessionID", method: "POST", path: "/api/share", body: {}, status: 400, code: "INVALID_SESSION_ID" },
    { name: "not a session id", method: "POST", path: "/api/share", body: { sessionID: "../../etc/passwd" }, status: 400, code: "INVALID_SESSION_ID" },
    { name: "malformed JSON", method: "POST", path: "/api/share", raw: "{", headers: { "content-type": "application/json" }, status: 400, code: "INVALID_JSON" },
    { name: "unknown field", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefgh12345678", x: 1 }, status: 400, code: "UNKNOWN_FIELD" },
  ]);
});

describe("POST /api/share/:id/sync", () => {
  test("the replayed capture yields the same items /data gave OpenCode", async () => {
    const res = await app.req("GET", `/api/share/${vars.id}/data`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const items = (await res.json()) as any[];
    expect(items[0].type).toBe("session");
    const got = new Map(items.map((i) => [identity(i), i.data]));
    const want = new Map((nativeData as any[]).map((i) => [identity(i), i.data]));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(got.get(k)).toEqual(v);
    // Messages come before parts, as `opencode import` expects.
    const firstPart = items.findIndex((i) => i.type === "part");
    const lastMessage = items.map((i) => i.type).lastIndexOf("message");
    expect(lastMessage).toBeLessThan(firstPart);
  });

  test("GET /api/share/:id shows a native share as ShareData, like a plugin share", async () => {
    const res = await app.req("GET", `/api/share/${vars.id}`);
    const data = (await res.json()) as any;
    expect(data.shareId).toBe(vars.id);
    expect(data.sessionId).toBe(SES);
    expect(data.session.title).toBe((shareData as any).session.title);
    expect(data.messages.map((m: any) => m.info.id)).toEqual((shareData as any).messages.map((m: any) => m.info.id));
    for (let i = 0; i < data.messages.length; i++)
      expect(data.messages[i].parts.map((p: any) => p.id)).toEqual((shareData as any).messages[i].parts.map((p: any) => p.id));
  });

  test("later items replace earlier ones with the same identity", async () => {
    const before = ((await (await app.req("GET", `/api/share/${vars.id}`)).json()) as any).messages[0].parts[0];
    const changed = { ...before, text: "edited text" };
    const res = await app.req("POST", `/api/share/${vars.id}/sync`, { body: { secret: vars.secret, data: [{ type: "part", data: changed }] } });
    expect(res.status).toBe(200);
    const after = ((await (await app.req("GET", `/api/share/${vars.id}`)).json()) as any).messages[0].parts[0];
    expect(after.text).toBe("edited text");
    expect(after.id).toBe(before.id);
  });

  test("overlapping syncs lose no update", async () => {
    const c = await createNative("ses_concurrentsyncAAAA0001");
    const s = c.body;
    const base = { sessionID: "ses_concurrentsyncAAAA0001", role: "user", time: { created: 1 } };
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        app.req("POST", `/api/share/${s.id}/sync`, {
          body: { secret: s.secret, data: [{ type: "message", data: { ...base, id: `msg_${String(i).padStart(4, "0")}` } }] },
        }),
      ),
    );
    const data = (await (await app.req("GET", `/api/share/${s.id}`)).json()) as any;
    expect(data.messages.length).toBe(30);
  });

  test("a failed batch stores nothing at all", async () => {
    const before = await (await app.req("GET", `/api/share/${vars.id}/data`)).text();
    const good = { type: "part", data: { id: "prt_new", messageID: "msg_x", sessionID: SES, type: "text", text: "new" } };
    const foreign = { type: "part", data: { id: "prt_f", messageID: "msg_x", sessionID: "ses_someoneelse123", type: "text", text: "x" } };
    const res = await app.req("POST", `/api/share/${vars.id}/sync`, { body: { secret: vars.secret, data: [good, foreign] } });
    expect(res.status).toBe(400);
    expect(await (await app.req("GET", `/api/share/${vars.id}/data`)).text()).toBe(before);
  });

  runScenarios(() => app, () => vars, [
    { name: "bad id", method: "POST", path: "/api/share/x/sync", body: { secret: "{secret}", data: [] }, status: 400, code: "INVALID_SHARE_ID" },
    { name: "unknown share", method: "POST", path: "/api/share/Unknown1/sync", body: { secret: "x", data: [] }, status: 404, code: "NOT_FOUND" },
    { name: "missing secret", method: "POST", path: "/api/share/{id}/sync", body: { data: [] }, status: 401, code: "MISSING_SECRET" },
    { name: "wrong secret", method: "POST", path: "/api/share/{id}/sync", body: { secret: "nope", data: [] }, status: 403, code: "INVALID_SECRET" },
    { name: "data not an array", method: "POST", path: "/api/share/{id}/sync", body: { secret: "{secret}", data: {} }, status: 400, code: "INVALID_BATCH" },
    { name: "item not an object", method: "POST", path: "/api/share/{id}/sync", body: { secret: "{secret}", data: [5] }, status: 400, code: "INVALID_BATCH" },
    { name: "unknown item type", method: "POST", path: "/api/share/{id}/sync", body: { secret: "{secret}", data: [{ type: "file", data: {} }] }, status: 400, code: "UNKNOWN_ITEM_TYPE" },
    { name: "message without id", method: "POST", path: "/api/share/{id}/sync", body: { secret: "{secret}", data: [{ type: "message", data: { sessionID: SES } }] }, status: 400, code: "INVALID_ITEM" },
    { name: "part without messageID", method: "POST", path: "/api/share/{id}/sync", body: { secret: "{secret}", data: [{ type: "part", data: { id: "prt_1", sessionID: SES } }] }, status: 400, code: "INVALID_ITEM" },
    { name: "session_diff not an array", method: "POST", path: "/api/share/{id}/sync", body: { secret: "{secret}", data: [{ type: "session_diff", data: {} }] }, status: 400, code: "INVALID_ITEM" },
    { name: "message of another session", method: "POST", path: "/api/share/{id}/sync", body: { secret: "{secret}", data: [{ type: "message", data: { id: "msg_1", sessionID: "ses_another0000000" } }] }, status: 400, code: "FOREIGN_ITEM" },
    { name: "another session object", method: "POST", path: "/api/share/{id}/sync", body: { secret: "{secret}", data: [{ type: "session", data: { id: "ses_another0000000" } }] }, status: 400, code: "FOREIGN_ITEM" },
    { name: "unknown field", method: "POST", path: "/api/share/{id}/sync", body: { secret: "{secret}", data: [], extra: 1 }, status: 400, code: "UNKNOWN_FIELD" },
  ]);
});

describe("GET /api/share/:id/data", () => {
  test("works for upload-protocol (plugin) shares too", async () => {
    const s = await uploadShare(app, "ses_abcdefghUpldData", { ...shareData, shareId: "UpldData" });
    const res = await app.req("GET", `/api/share/${s.shareId}/data`);
    expect(res.status).toBe(200);
    const items = (await res.json()) as any[];
    expect(items[0]).toEqual({ type: "session", data: (shareData as any).session });
    const parts = (shareData as any).messages.reduce((n: number, m: any) => n + m.parts.length, 0);
    expect(items.filter((i) => i.type === "part").length).toBe(parts);
    expect(items.filter((i) => i.type === "message").length).toBe((shareData as any).messages.length);
  });

  runScenarios(() => app, () => vars, [
    { name: "bad id", method: "GET", path: "/api/share/!!/data", status: 400, code: "INVALID_SHARE_ID" },
    { name: "unknown", method: "GET", path: "/api/share/Unknown1/data", status: 404, code: "NOT_FOUND" },
  ]);
});

describe("DELETE /api/share/:id for native shares", () => {
  test("with {secret} in the body, as OpenCode sends it; then everything is 404", async () => {
    const c = await createNative("ses_deletenative0Delete10");
    await app.req("POST", `/api/share/${c.body.id}/sync`, { body: { secret: c.body.secret, data: [{ type: "session", data: { id: "ses_deletenative0Delete10", title: "t" } }] } });
    const res = await app.req("DELETE", `/api/share/${c.body.id}`, { body: { secret: c.body.secret } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect((await app.req("GET", `/api/share/${c.body.id}/data`)).status).toBe(404);
    expect(await app.shares.listItemsSince(c.body.id, -1)).toEqual([]);
    // The session can be shared again afterwards.
    expect((await createNative("ses_deletenative0Delete10")).status).toBe(200);
  });
});

describe("protocol mix-ups", () => {
  test("upload presign on a native share and native sync on an upload share get 409", async () => {
    const p = await app.req("POST", `/api/share/${vars.id}/presign`, { headers: { "x-share-secret": vars.secret! }, body: {} });
    expect(p.status).toBe(409);
    const s = await uploadShare(app, "ses_abcdefghUpldOnly", { ...shareData, shareId: "UpldOnly" });
    const n = await app.req("POST", `/api/share/${s.shareId}/sync`, { body: { secret: s.secret, data: [] } });
    expect(n.status).toBe(409);
    expect(((await n.json()) as any).code).toBe("WRONG_PROTOCOL");
  });
});

describe("oversize batches", () => {
  test("a sync body above MAX_SHARE_BYTES gets 413 and stores nothing", async () => {
    const small = await createTestApp({ MAX_SHARE_BYTES: "2048" });
    const c = (await (await small.req("POST", "/api/share", { body: { sessionID: "ses_abcdefghTooBig01" } })).json()) as any;
    const big = { type: "part", data: { id: "prt_1", messageID: "msg_1", sessionID: "ses_abcdefghTooBig01", type: "text", text: "x".repeat(5000) } };
    const res = await small.req("POST", `/api/share/${c.id}/sync`, { body: { secret: c.secret, data: [big] } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).code).toBe("BODY_TOO_LARGE");
    expect(await small.shares.listItemsSince(c.id, -1)).toEqual([]);
    await small.close();
  });
});

describe("deeply nested input", () => {
  test("an uploaded session nested 50,000 deep reads as unreadable (422 API, cannot-display page), not 503", async () => {
    const sessionId = "ses_deepdeepDeepBlob";
    const text = `{"shareId":"DeepBlob","sessionId":"${sessionId}","session":{"id":"${sessionId}","x":${"[".repeat(50_000)}${"]".repeat(50_000)}},"messages":[]}`;
    const res = await app.req("POST", "/api/share/presign", { body: { shareId: "DeepBlob", sessionId, size: Buffer.byteLength(text) } });
    const { presignedUrl } = (await res.json()) as any;
    expect((await uploadTo(app, presignedUrl, text)).status).toBe(200);
    const got = await app.req("GET", "/api/share/DeepBlob");
    expect(got.status).toBe(422);
    expect(((await got.json()) as any).error).toContain("100 levels");
    expect((await app.req("GET", "/share/DeepBlob")).status).toBe(422);
  });

  test("a sync whose item nests 50,000 arrays deep gets 400 JSON_TOO_DEEP and stores nothing", async () => {
    const ses = "ses_abcdefghDeepDeep";
    const c = (await (await app.req("POST", "/api/share", { body: { sessionID: ses } })).json()) as any;
    const deep = "[".repeat(50_000) + "]".repeat(50_000);
    const raw = `{"secret":${JSON.stringify(c.secret)},"data":[{"type":"part","data":{"id":"prt_1","messageID":"msg_1","sessionID":"${ses}","type":"tool","state":{"input":${deep}}}}]}`;
    const res = await app.req("POST", `/api/share/${c.id}/sync`, { raw, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.code).toBe("JSON_TOO_DEEP");
    expect(body.error).toContain("100 levels");
    expect(await app.shares.listItemsSince(c.id, -1)).toEqual([]);
  });

  test("nesting up to the limit is accepted, and brackets inside strings do not count", async () => {
    const ses = "ses_abcdefghDeepOkay";
    const c = (await (await app.req("POST", "/api/share", { body: { sessionID: ses } })).json()) as any;
    // The body, the data array, the item, its data and state take 5 levels: 95 more make exactly 100.
    let input: unknown = "[[[[{{{{ not structure";
    for (let i = 0; i < 95; i++) input = [input];
    const res = await app.req("POST", `/api/share/${c.id}/sync`, {
      body: { secret: c.secret, data: [{ type: "part", data: { id: "prt_1", messageID: "msg_1", sessionID: ses, type: "tool", state: { input } } }] },
    });
    expect(res.status).toBe(200);
    expect((await app.shares.listItemsSince(c.id, -1)).length).toBe(1);
  });

  test("upload-protocol creation with a deeply nested field gets 400 JSON_TOO_DEEP", async () => {
    const raw = `{"shareId":"DeepUpld","sessionId":"ses_deepdeepDeepUpld","size":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const res = await app.req("POST", "/api/share/presign", { raw, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).code).toBe("JSON_TOO_DEEP");
  });
});
