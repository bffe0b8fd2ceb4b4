// The whole app with its pages reading an in-memory source, so page tests
// see exactly the headers and errors the server sends.
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import type { ShareData } from "../../src/core/model.ts";
import { DiskBlobStore } from "../../src/stores/blob-store.disk.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { MemorySource } from "../helpers/memory-source.ts";
import { tempDir } from "../helpers/tmp.ts";

import { SHARE_DATA_PATH as FIXTURE_PATH } from "../helpers/fixtures.ts";

export { FIXTURE_PATH };

export async function loadFixture(): Promise<ShareData> {
  return (await Bun.file(FIXTURE_PATH).json()) as ShareData;
}

export function pagesApp(opts: { robots?: string; cacheBytes?: number } = {}) {
  const source = new MemorySource();
  const dir = tempDir("bs-pages-");
  const config = loadConfig({ DATA_DIR: dir, BASE_URL: "https://share.example.com" });
  // Page routes never reach the stores here: the source stands in for them.
  const app = createApp({ config, shares: new SqliteShareStore(dir), blobs: new DiskBlobStore(dir, config.baseUrl), log: () => {}, pages: { source, ...opts } });
  const get = (path: string, headers: Record<string, string> = {}) => app.handle(new Request(`http://localhost${path}`, { headers }));
  return { source, app, get };
}
