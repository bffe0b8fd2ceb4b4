// What the request log says, through the app: route patterns and share ids,
// never query strings (signed URLs), secrets or headers.
import { expect, test } from "bun:test";
import { createTestApp, uploadShare } from "../helpers/app.ts";
import { shareDataFixture } from "../helpers/fixtures.ts";

test("JSON request lines name the route pattern and the share, and never a secret or a signature", async () => {
  const app = await createTestApp({ LOG_FORMAT: "json" });
  const sessionId = "ses_logslogsLogLine01";
  const { shareId, secret } = await uploadShare(app, sessionId, { ...shareDataFixture, shareId: sessionId.slice(-8), sessionId });
  expect((await app.req("GET", `/share/${shareId}`)).status).toBe(200);
  expect((await app.req("GET", `/share/${shareId}.md`)).status).toBe(200);
  expect((await app.req("DELETE", `/api/share/${shareId}`, { headers: { "x-share-secret": secret } })).status).toBe(200);
  expect((await app.req("GET", "/api/nope?token=hunter2")).status).toBe(404);

  const lines = app.logs.map((l) => JSON.parse(l));
  const summary = lines.map((l) => `${l.method} ${l.route} ${l.status} ${l.share}`);
  expect(summary).toEqual([
    "POST /api/share/presign 200 null",
    "PUT /api/blob/:id 200 " + shareId,
    "GET /share/:id 200 " + shareId,
    "GET /share/:id 200 " + shareId,
    "DELETE /api/share/:id 200 " + shareId,
    "GET null 404 null",
  ]);
  expect(lines[1].path).toBe(`/api/blob/${shareId}`);
  expect(lines[5].path).toBe("/api/nope");
  const all = app.logs.join("\n");
  expect(all).not.toContain(secret);
  expect(all).not.toContain("sig=");
  expect(all).not.toContain("hunter2");
  for (const l of lines) expect(typeof l.ms).toBe("number");
});

test("a request with a 10 KB path still gets its line, with the path cut short", async () => {
  const app = await createTestApp({ LOG_FORMAT: "json" });
  const path = "/share/" + "x".repeat(10 * 1024);
  expect((await app.req("GET", path)).status).toBe(404);
  expect(app.logs.length).toBe(1);
  const line = JSON.parse(app.logs[0]!);
  expect(line).toMatchObject({ method: "GET", route: "/share/:id", status: 404, share: null });
  expect(line.path.length).toBeLessThan(1100);
  expect(line.path).toStartWith("/share/xxxx");
});

test("text lines stay METHOD path status ms", async () => {
  const app = await createTestApp();
  await app.req("GET", "/api/health?x=1");
  expect(app.logs).toHaveLength(1);
  expect(app.logs[0]).toMatch(/^GET \/api\/health 200 \d+\.\dms$/);
});
