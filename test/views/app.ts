// A pages-only app around an in-memory source, as the server mounts it.
import { Elysia } from "elysia";
import { pagesRoutes } from "../../src/routes/pages.tsx";
import type { ShareData } from "../../src/core/model.ts";
import { MemorySource } from "../helpers/memory-source.ts";

import { SHARE_DATA_PATH as FIXTURE_PATH } from "../helpers/fixtures.ts";

export { FIXTURE_PATH };

export async function loadFixture(): Promise<ShareData> {
  return (await Bun.file(FIXTURE_PATH).json()) as ShareData;
}

export function pagesApp(opts: { robots?: string; cacheBytes?: number } = {}) {
  const source = new MemorySource();
  const app = new Elysia().use(pagesRoutes({ source, baseUrl: "https://share.example.com", ...opts }));
  const get = (path: string, headers: Record<string, string> = {}) => app.handle(new Request(`http://localhost${path}`, { headers }));
  return { source, app, get };
}
