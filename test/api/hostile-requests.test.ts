// Requests shaped to break routing rather than handlers: undecodable path
// parameters on every route that has one, methods no route takes, and a Host
// header short enough to confuse path extraction. (The compiled binary gets
// the same and much more from test/fuzz/.)
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, uploadShare, type TestApp } from "../helpers/app.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  await uploadShare(app, "ses_hostilehostileHost0001", { ...fixture, shareId: "Host0001", sessionId: "ses_hostilehostileHost0001" });
});
afterAll(() => app.close());

const UNDECODABLE = ["%ZZ", "%", "%E0%A4%A", "abc%E0%A4%A", "%ZZ.md", "%C0%AF", "%FF%FE"];

async function expectErrorJson(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as any;
  expect(typeof body.error).toBe("string");
  expect(body.error.length).toBeGreaterThan(10);
  if (code) expect(body.code).toBe(code);
  else expect(typeof body.code).toBe("string");
}

describe("undecodable path parameters", () => {
  for (const bad of UNDECODABLE) {
    test(`page /share/${bad} is the 404 page`, async () => {
      const res = await app.req("GET", `/share/${bad}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain("</html>");
    });

    test(`every API route with :id answers 400 INVALID_SHARE_ID for ${bad}`, async () => {
      const routes: Array<[string, string]> = [
        ["GET", `/api/share/${bad}`],
        ["DELETE", `/api/share/${bad}`],
        ["POST", `/api/share/${bad}/presign`],
        ["POST", `/api/share/${bad}/sync`],
        ["GET", `/api/share/${bad}/data`],
        ["PUT", `/api/blob/${bad}?expires=1&sig=x`],
      ];
      for (const [method, path] of routes) await expectErrorJson(await app.req(method, path, method === "GET" ? {} : { body: {} }), 400, "INVALID_SHARE_ID");
    });
  }

  test("the rest of the app still works afterwards", async () => {
    expect((await app.req("GET", "/share/Host0001")).status).toBe(200);
  });
});

describe("methods no route takes", () => {
  const cases: Array<[string, string, string]> = [
    ["PATCH", "/api/share/Host0001", "GET, HEAD, DELETE"],
    ["PROPFIND", "/api/share/Host0001", "GET, HEAD, DELETE"],
    ["OPTIONS", "/api/share", "POST"],
    ["PURGE", "/api/health", "GET, HEAD"],
    ["POST", "/share/Host0001", "GET, HEAD"],
    ["DELETE", "/share/Host0001", "GET, HEAD"],
    ["PUT", "/", "GET, HEAD"],
    ["MKCOL", "/static/app.css", "GET, HEAD"],
  ];
  for (const [method, path, allow] of cases)
    test(`${method} ${path} is 405 JSON with Allow: ${allow}`, async () => {
      const res = await app.req(method, path);
      expect(res.headers.get("allow")).toBe(allow);
      await expectErrorJson(res, 405, "METHOD_NOT_ALLOWED");
    });

  test("an unknown API path is 404 JSON, an unknown page path the 404 page", async () => {
    await expectErrorJson(await app.req("PATCH", "/api/nothing/here"), 404, "NOT_FOUND_ROUTE");
    const page = await app.req("GET", "/nothing/here");
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toContain("text/html");
  });
});

describe("odd Host headers", () => {
  test("a one-letter Host routes like any other", async () => {
    for (const host of ["x", "xy", "x:1", "a.b"]) {
      const res = await app.handle(new Request(`http://${host}/api/share/Host0001`));
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).shareId).toBe("Host0001");
      const created = await app.handle(
        new Request(`http://${host}/api/share`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionID: `ses_hostsHosts${host.replace(/\W/g, "")}Short` }) }),
      );
      expect(created.status).toBe(200);
    }
  });
});
