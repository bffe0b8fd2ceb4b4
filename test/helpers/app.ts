// A fresh app on the embedded stores (SQLite + disk) in a temp dir, driven
// through app.handle(new Request(...)).


import { createApp, type App } from "../../src/app.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import type { BlobStore } from "../../src/stores/blob-store.ts";
import { DiskBlobStore } from "../../src/stores/blob-store.disk.ts";
import type { ShareStore } from "../../src/stores/share-store.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { tempDir } from "./tmp.ts";

export const BASE = "http://share.test";

export interface TestApp extends App {
  config: Config;
  shares: ShareStore;
  blobs: BlobStore;
  dir: string;
  logs: string[];
  /** app.handle with a path relative to BASE. */
  req(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string>; raw?: BodyInit }): Promise<Response>;
}

export async function createTestApp(env: Record<string, string> = {}, stores?: { shares: ShareStore; blobs: BlobStore }): Promise<TestApp> {
  const dir = tempDir("bs-app-");
  const config = loadConfig({ DATA_DIR: dir, BASE_URL: BASE, RATE_LIMIT_REQUESTS_PER_MINUTE: "100000", RATE_LIMIT_SHARES_PER_HOUR: "100000", ...env });
  const shares = stores?.shares ?? new SqliteShareStore(dir);
  await shares.migrate();
  const blobs = stores?.blobs ?? new DiskBlobStore(dir, config.baseUrl);
  const logs: string[] = [];
  const app = createApp({ config, shares, blobs, log: (l) => logs.push(l) });
  const req: TestApp["req"] = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    let body: BodyInit | undefined = init.raw;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers["content-type"] ??= "application/json";
    }
    return app.handle(new Request(BASE + path, { method, headers, body }));
  };
  return { ...app, config, shares, blobs, dir, logs, req };
}

/** Creates a share through the upload protocol and uploads `data` through the returned presigned URL. */
export async function uploadShare(app: TestApp, sessionId: string, data: unknown): Promise<{ shareId: string; secret: string }> {
  const shareId = sessionId.slice(-8);
  const body = JSON.stringify(data);
  const res = await app.req("POST", "/api/share/presign", { body: { shareId, sessionId, size: Buffer.byteLength(body) } });
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { presignedUrl: string; secret: string };
  const put = await uploadTo(app, created.presignedUrl, body);
  if (put.status !== 200) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
  return { shareId, secret: created.secret };
}

/** PUT to a presigned URL: through the app for disk URLs, over the network otherwise. */
export function uploadTo(app: TestApp, url: string, body: string): Promise<Response> {
  const init = { method: "PUT", body, headers: { "content-type": "application/json" } };
  return url.startsWith(BASE) ? app.handle(new Request(url, init)) : fetch(url, init);
}
