// GET /api/openapi.json held to the real routes: every /api route the Elysia
// instance has is documented (and nothing else is), and every status a route
// really answers — on the happy paths and on generic bad inputs sent to every
// route, new ones included — is documented for that route with a body that
// fits the documented schema.
import { beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, uploadShare, uploadTo, type TestApp } from "../helpers/app.ts";
import { shareDataFixture } from "../helpers/fixtures.ts";

type Schema = Record<string, any>;
let app: TestApp;
let doc: Schema;

const toOpenApiPath = (pattern: string) => pattern.replace(/:(\w+)/g, "{$1}");
const apiRoutes = async () =>
  (await app.router()).routes.filter((r: { path: string }) => r.path.startsWith("/api/")).map((r: { method: string; path: string }) => ({ method: r.method, path: r.path }));

function resolve(schema: Schema): Schema {
  if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split("/").pop()]);
  return schema;
}

/** The subset of JSON Schema the document uses: type (one, or a list such as ["string", "null"]), properties, required, additionalProperties, items, enum, const. */
function check(value: unknown, raw: Schema, at = "$"): string[] {
  const s = resolve(raw);
  const problems: string[] = [];
  const types = s.type === undefined ? undefined : ([] as string[]).concat(s.type as string | string[]);
  const actual = Array.isArray(value) ? "array" : value === null ? "null" : Number.isInteger(value) ? "integer" : typeof value;
  if (types && !types.some((t) => t === actual || (t === "number" && actual === "integer"))) return [`${at} is ${actual}, documented as ${types.join(",")}`];
  const type = types?.includes(actual) ? actual : types?.[0];
  if (s.enum && !s.enum.includes(value)) problems.push(`${at} = ${JSON.stringify(value)} is not one of ${s.enum.join(", ")}`);
  if ("const" in s && value !== s.const) problems.push(`${at} = ${JSON.stringify(value)}, documented as ${JSON.stringify(s.const)}`);
  if (actual === "object" && type === "object") {
    const o = value as Record<string, unknown>;
    for (const k of s.required ?? []) if (!(k in o)) problems.push(`${at}.${k} is missing`);
    for (const [k, v] of Object.entries(o)) {
      if (s.properties?.[k]) problems.push(...check(v, s.properties[k], `${at}.${k}`));
      else if (s.additionalProperties === false) problems.push(`${at}.${k} is not documented`);
    }
  }
  if (actual === "array" && s.items) (value as unknown[]).forEach((v, i) => problems.push(...check(v, s.items, `${at}[${i}]`)));
  return problems;
}

interface Seen {
  method: string;
  route: string;
  status: number;
  body: string;
  type: string | null;
}
const seen: Seen[] = [];

/** Sends a request and records the route pattern it reached (from the JSON access log) with the answer. */
async function send(method: string, path: string, init: Parameters<TestApp["req"]>[2] = {}): Promise<Response> {
  const before = app.logs.length;
  const res = await app.req(method, path, init);
  const body = await res.clone().text();
  const line = app.logs.slice(before).map((l) => JSON.parse(l)).find((l) => l.status !== undefined);
  if (line?.route?.startsWith("/api/")) seen.push({ method, route: line.route, status: res.status, body, type: res.headers.get("content-type") });
  return res;
}

beforeAll(async () => {
  app = await createTestApp({ LOG_FORMAT: "json", MAX_SHARE_BYTES: "100000" });
  const res = await send("GET", "/api/openapi.json");
  expect(res.status).toBe(200);
  doc = (await res.json()) as Schema;

  // Happy paths and the bad inputs each route is known for.
  const sessionId = "ses_openapiOpenapiOpn01";
  const data = { ...shareDataFixture, shareId: sessionId.slice(-8), sessionId };
  const body = JSON.stringify(data);
  const created = await send("POST", "/api/share/presign", { body: { shareId: data.shareId, sessionId, size: Buffer.byteLength(body) } });
  const c = (await created.json()) as { presignedUrl: string; secret: string };
  const blob = new URL(c.presignedUrl);
  await send("PUT", blob.pathname + "?expires=1&sig=x", { raw: body, headers: { "content-type": "application/json" } });
  await send("PUT", blob.pathname + blob.search, { raw: body + " ", headers: { "content-type": "application/json" } });
  await send("PUT", blob.pathname + blob.search, { raw: body, headers: { "content-type": "application/json" } });
  expect((await uploadTo(app, c.presignedUrl, body)).status).toBe(200);
  const got = await send("GET", `/api/share/${data.shareId}`);
  await send("GET", `/api/share/${data.shareId}`, { headers: { "if-none-match": got.headers.get("etag")! } });
  await send("GET", `/api/share/${data.shareId}/data`);
  await send("POST", "/api/share/presign", { body: { shareId: data.shareId, sessionId } });
  await send("POST", "/api/share/presign", { body: { shareId: "abcdefgh", sessionId: "ses_zzzzzzzzzzabcdefgh", size: 10_000_000 } });
  await send("POST", "/api/share/presign", { body: { shareId: "abcdefgh", sessionId: "ses_zzzzzzzzzzabcdefgX" } });
  await send("POST", `/api/share/${data.shareId}/presign`, { body: { size: 10 } });
  await send("POST", `/api/share/${data.shareId}/presign`, { body: { size: 10 }, headers: { "x-share-secret": "wrong" } });
  await send("POST", `/api/share/${data.shareId}/presign`, { body: { size: 10 }, headers: { "x-share-secret": c.secret } });
  await send("POST", `/api/share/${data.shareId}/sync`, { body: { secret: c.secret, data: [] } });
  await send("GET", "/api/health");

  const n = await send("POST", "/api/share", { body: { sessionID: "ses_openapiNativeNat01" } });
  const native = (await n.json()) as { id: string; secret: string };
  await send("POST", "/api/share", { body: { sessionID: "ses_openapiNativeNat01" } });
  await send("POST", `/api/share/${native.id}/sync`, { body: { secret: native.secret, data: [{ type: "session", data: { id: "ses_openapiNativeNat01", title: "t" } }] } });
  await send("POST", `/api/share/${native.id}/sync`, { body: { secret: native.secret, data: [{ type: "bogus", data: {} }] } });
  await send("POST", `/api/share/${native.id}/presign`, { body: {}, headers: { "x-share-secret": native.secret } });
  await send("GET", `/api/share/${native.id}/data`);
  await send("DELETE", `/api/share/${native.id}`, { body: { secret: native.secret } });
  await send("DELETE", `/api/share/${data.shareId}`, { headers: { "x-share-secret": c.secret } });

  // Generic bad inputs, sent to every /api route the app has (routes added later included).
  for (const { method, path } of await apiRoutes()) {
    const withId = (id: string) => path.replace(":id", id).replace("*", "x");
    const paths = path.includes(":id") ? [withId("zz"), withId("Unknown9")] : [path];
    for (const p of paths) {
      if (method === "GET") {
        await send(method, p);
        continue;
      }
      await send(method, p);
      await send(method, p, { raw: "{not json", headers: { "content-type": "application/json" } });
      await send(method, p, { raw: "hello", headers: { "content-type": "text/plain" } });
      await send(method, p, { body: { unknownField: 1 } });
      await send(method, p, { body: { secret: "x".repeat(32), data: [] } });
      await send(method, p, { raw: "x".repeat(200_000), headers: { "content-type": "application/json" } });
    }
  }
}, 60_000);

describe("GET /api/openapi.json", () => {
  test("is OpenAPI 3.1 for this server, with an error schema", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: app.config.baseUrl }]);
    expect(resolve({ $ref: "#/components/schemas/Error" }).required).toEqual(["error", "code"]);
  });

  test("documents every /api route the app has, and no route it does not have", async () => {
    const real = (await apiRoutes()).map((r: { method: string; path: string }) => `${r.method} ${toOpenApiPath(r.path)}`);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const missing = real.filter((r: string) => !documented.includes(r)).map((r: string) => `${r} is not documented: add it to src/routes/openapi.ts`);
    const stale = documented.filter((d) => !real.includes(d)).map((d) => `${d} is documented but the app has no such route`);
    expect([...missing, ...stale]).toEqual([]);
  });

  test("every status a route answered is documented for it, with a body that fits the documented schema", () => {
    expect(seen.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const s of seen) {
      const op = doc.paths[toOpenApiPath(s.route)]?.[s.method.toLowerCase()];
      if (!op) continue; // reported by the coverage test above
      const response = op.responses[String(s.status)];
      if (!response) {
        problems.push(`${s.method} ${s.route} answered ${s.status} (${s.body.slice(0, 120)}), which src/routes/openapi.ts does not document`);
        continue;
      }
      const schema = response.content?.["application/json"]?.schema;
      if (!schema) {
        if (s.body !== "") problems.push(`${s.method} ${s.route} ${s.status} sent a body but none is documented`);
        continue;
      }
      if (!s.type?.startsWith("application/json")) {
        problems.push(`${s.method} ${s.route} ${s.status} answered ${s.type}, documented as JSON`);
        continue;
      }
      for (const p of check(JSON.parse(s.body), schema)) problems.push(`${s.method} ${s.route} ${s.status}: ${p}`);
      if (s.status >= 400) {
        const code = JSON.parse(s.body).code as string;
        if (!response.description.includes(code)) problems.push(`${s.method} ${s.route} ${s.status} answered code ${code}, not listed in its description`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  test("the routes' main answers were all exercised (the walk itself is not empty)", () => {
    const hit = new Set(seen.map((s) => `${s.method} ${s.route} ${s.status}`));
    for (const want of [
      "POST /api/share/presign 200",
      "PUT /api/blob/:id 200",
      "PUT /api/blob/:id 403",
      "GET /api/share/:id 200",
      "GET /api/share/:id 304",
      "POST /api/share/:id/presign 200",
      "POST /api/share/:id/presign 401",
      "POST /api/share/:id/presign 403",
      "POST /api/share/:id/sync 200",
      "POST /api/share/:id/sync 409",
      "POST /api/share 200",
      "POST /api/share 409",
      "DELETE /api/share/:id 200",
      "GET /api/share/:id/data 200",
      "GET /api/health 200",
      "GET /api/openapi.json 200",
    ])
      expect(hit).toContain(want);
  });
});
