// GET /metrics through the app: off by default, the series the README lists,
// labels that are route patterns, and a token that guards without counting.
import { describe, expect, test } from "bun:test";
import { createTestApp, uploadShare } from "../helpers/app.ts";
import { shareDataFixture } from "../helpers/fixtures.ts";
import { DiskBlobStore } from "../../src/stores/blob-store.disk.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { tempDir } from "../helpers/tmp.ts";

/** The value of one series (`name{a="b",…}` exactly as exposed), or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const ours = (text: string) => text.split("\n").filter((l) => l.startsWith("better_share_")).join("\n");

describe("GET /metrics", () => {
  test("is not served unless METRICS=true", async () => {
    const app = await createTestApp();
    expect((await app.req("GET", "/metrics")).status).toBe(404);
  });

  test("counts requests by route pattern, shares by protocol and reason, syncs, the page cache; never a raw path", async () => {
    const app = await createTestApp({ METRICS: "true" });
    const sessionId = "ses_metricsMetricsMtr01";
    const { shareId, secret } = await uploadShare(app, sessionId, { ...shareDataFixture, shareId: sessionId.slice(-8), sessionId });
    expect((await app.req("GET", `/share/${shareId}`)).status).toBe(200);
    expect((await app.req("GET", `/share/${shareId}`)).status).toBe(200);
    expect((await app.req("POST", `/api/share/${shareId}/presign`, { body: {}, headers: { "x-share-secret": secret } })).status).toBe(200);
    const native = (await (await app.req("POST", "/api/share", { body: { sessionID: "ses_metricsNativeNtv01" } })).json()) as { id: string; secret: string };
    const sync = await app.req("POST", `/api/share/${native.id}/sync`, {
      body: { secret: native.secret, data: [{ type: "session", data: { id: "ses_metricsNativeNtv01", title: "t" } }] },
    });
    expect(sync.status).toBe(200);
    const before = await (await app.req("GET", "/metrics")).text();
    expect(value(before, "better_share_page_cache_bytes")).toBeGreaterThan(0);
    expect((await app.req("DELETE", `/api/share/${shareId}`, { headers: { "x-share-secret": secret } })).status).toBe(200);
    expect((await app.req("GET", "/api/share/zz")).status).toBe(400);
    expect((await app.req("GET", "/no/such/page")).status).toBe(404);

    const res = await app.req("GET", "/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    const text = await res.text();
    expect(value(text, 'better_share_http_requests_total{route="/share/:id",method="GET",status="200"}')).toBe(2);
    expect(value(text, 'better_share_http_requests_total{route="/api/share/presign",method="POST",status="200"}')).toBe(1);
    expect(value(text, 'better_share_http_requests_total{route="/api/share/:id",method="GET",status="400"}')).toBe(1);
    expect(value(text, 'better_share_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(1);
    expect(value(text, 'better_share_http_request_duration_seconds_count{route="/share/:id",method="GET"}')).toBe(2);
    expect(value(text, 'better_share_shares_created_total{protocol="upload"}')).toBe(1);
    expect(value(text, 'better_share_shares_created_total{protocol="native"}')).toBe(1);
    expect(value(text, 'better_share_shares_deleted_total{reason="unshare"}')).toBe(1);
    expect(value(text, 'better_share_shares_deleted_total{reason="expired"}')).toBe(0);
    expect(value(text, 'better_share_shares_deleted_total{reason="admin"}')).toBe(0);
    expect(value(text, 'better_share_syncs_total{protocol="upload"}')).toBe(1);
    expect(value(text, 'better_share_syncs_total{protocol="native"}')).toBe(1);
    expect(value(text, "better_share_page_cache_misses_total")).toBe(1);
    expect(value(text, "better_share_page_cache_hits_total")).toBe(1);
    expect(value(text, 'better_share_store_errors_total{store="share"}')).toBe(0);
    expect(value(text, "process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(text).toContain("process_resident_memory_bytes");
    // Ids and raw paths never become label values.
    for (const raw of [shareId, native.id, "/no/such/page", "zz"]) expect(text).not.toContain(raw);
    // The deleted share's pages left the cache with it.
    expect(value(text, "better_share_page_cache_bytes")).toBeLessThan(value(before, "better_share_page_cache_bytes")!);
  });

  test("the expiry and admin reasons are counters the rest of the server can increment", async () => {
    const app = await createTestApp({ METRICS: "true" });
    app.telemetry.shareDeleted("expired");
    app.telemetry.shareDeleted("expired");
    app.telemetry.shareDeleted("admin");
    const text = await (await app.req("GET", "/metrics")).text();
    expect(value(text, 'better_share_shares_deleted_total{reason="expired"}')).toBe(2);
    expect(value(text, 'better_share_shares_deleted_total{reason="admin"}')).toBe(1);
  });

  test("METRICS_TOKEN: no token or a wrong one is 401 and leaves every counter as it was", async () => {
    const app = await createTestApp({ METRICS: "true", METRICS_TOKEN: "s3cret-scrape-token" });
    await app.req("GET", "/api/health");
    const auth = { authorization: "Bearer s3cret-scrape-token" };
    const first = await (await app.req("GET", "/metrics", { headers: auth })).text();
    const missing = await app.req("GET", "/metrics");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect(await missing.json()).toMatchObject({ code: "TOKEN_REQUIRED" });
    const wrong = await app.req("GET", "/metrics", { headers: { authorization: "Bearer s3cret-scrape-tokeN" } });
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { error: string; code: string };
    expect(body.code).toBe("INVALID_TOKEN");
    expect(body.error).toContain("METRICS_TOKEN");
    expect(JSON.stringify(body)).not.toContain("s3cret");
    const second = await (await app.req("GET", "/metrics", { headers: auth })).text();
    expect(ours(second)).toBe(ours(first));
    expect(value(second, 'better_share_http_requests_total{route="/api/health",method="GET",status="200"}')).toBe(1);
    expect(app.logs.join("\n")).not.toContain("s3cret");
  });

  test("failed store calls are counted by store, and the failure still reaches the client as a 503", async () => {
    const dir = tempDir("bs-metrics-fail-");
    const shares = new SqliteShareStore(dir);
    await shares.migrate();
    class FailingBlobs extends DiskBlobStore {
      override async get(): Promise<never> {
        throw new Error("disk on fire");
      }
    }
    const blobs = new FailingBlobs(dir, "http://share.test");
    const app = await createTestApp({ METRICS: "true", DATA_DIR: dir }, { shares, blobs });
    const sessionId = "ses_metricsFailingFai01";
    const shareId = sessionId.slice(-8);
    await shares.insert({ shareId, sessionId, secretHash: "x".repeat(64), protocol: "upload", sizeBytes: null, owner: null });
    await blobs.put(`sessions/${shareId}.json`, JSON.stringify(shareDataFixture));
    const res = await app.req("GET", `/api/share/${shareId}`);
    expect(res.status).toBe(503);
    const text = await (await app.req("GET", "/metrics")).text();
    expect(value(text, 'better_share_store_errors_total{store="blob"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'better_share_store_errors_total{store="share"}')).toBe(0);
  });
});

describe("request duration histogram", () => {
  test("buckets are cumulative per route and method, with sum and count", async () => {
    const { Metrics } = await import("../../src/http/metrics.ts");
    const m = new Metrics();
    m.request("/share/:id", "GET", 200, 0.003);
    m.request("/share/:id", "GET", 304, 0.0002);
    m.request("/share/:id", "GET", 200, 20);
    m.request(null, "BREW", 404, 0.002);
    const text = await m.text();
    const h = "better_share_http_request_duration_seconds";
    expect(value(text, `${h}_bucket{route="/share/:id",method="GET",le="0.0005"}`)).toBe(1);
    expect(value(text, `${h}_bucket{route="/share/:id",method="GET",le="0.0025"}`)).toBe(1);
    expect(value(text, `${h}_bucket{route="/share/:id",method="GET",le="0.005"}`)).toBe(2);
    expect(value(text, `${h}_bucket{route="/share/:id",method="GET",le="10"}`)).toBe(2);
    expect(value(text, `${h}_bucket{route="/share/:id",method="GET",le="+Inf"}`)).toBe(3);
    expect(value(text, `${h}_count{route="/share/:id",method="GET"}`)).toBe(3);
    expect(value(text, `${h}_sum{route="/share/:id",method="GET"}`)).toBeCloseTo(20.0032, 6);
    expect(value(text, 'better_share_http_requests_total{route="/share/:id",method="GET",status="200"}')).toBe(2);
    expect(value(text, 'better_share_http_requests_total{route="unmatched",method="OTHER",status="404"}')).toBe(1);
    expect(text).toContain(`# TYPE ${h} histogram`);
  });
});

describe("expired shares", () => {
  test("the server's expiry sweep counts each removal as reason=expired", async () => {
    const app = await createTestApp({ METRICS: "true" });
    const past = Date.now() - 60_000;
    for (const n of ["1", "2"]) {
      const sessionId = `ses_metricsExpiredEx0${n}`;
      await app.shares.insert({ shareId: sessionId.slice(-8), sessionId, secretHash: "x".repeat(64), protocol: "upload", sizeBytes: null, owner: null, expiresAt: past });
    }
    const run = await app.maintenance.sweepExpired();
    expect(run.removed.length).toBe(2);
    const text = await (await app.req("GET", "/metrics")).text();
    expect(value(text, 'better_share_shares_deleted_total{reason="expired"}')).toBe(2);
    expect(value(text, 'better_share_shares_deleted_total{reason="unshare"}')).toBe(0);
  });
});
