// HTML pages: landing, share page, Markdown export and the embedded static
// assets. Every response is built here with explicit headers, so no global
// HTML plugin or content sniffing decides how user content is served; the
// security headers (page CSP included) are the app's, from http/security.ts.
import type { Elysia } from "elysia";
import { loadElysia, newElysia } from "../http/elysia.ts";
import type { ShareLookup, ShareSource, ShareSnapshot } from "../core/share-source.ts";
import { Prebuilt } from "../http/respond.ts";
import { securityHeaders } from "../http/security.ts";
import { RenderCache } from "../core/render-cache.ts";
import { noTelemetry, type Telemetry } from "../core/telemetry.ts";
import { isReaderRequest } from "../core/views.ts";
import { assetsVersion, assetByPath, type Asset } from "../../views/lib/assets.ts";
import type { PagePlan } from "../../views/lib/paging.ts";
import type { SessionStats } from "../../views/lib/stats.ts";
import { themeOf, withTheme } from "../../views/lib/theme.ts";

type Views = typeof import("../../views/lib/paging.ts") &
  typeof import("../../views/lib/stats.ts") &
  typeof import("../../views/share-page.tsx") &
  typeof import("../../views/markdown-export.ts") &
  typeof import("../../views/errors.tsx") &
  typeof import("../../views/landing.tsx");
let loadedViews: Views | null = null;
/**
 * Loads the renderers: every view module with its parts and tools, markdown-it
 * and highlight.js are a good share of the server's code, and what answers
 * first (a health probe, a cached page, an asset) needs none of it. Loaded with
 * the router (a dynamic import, so the compiled binary keeps them in chunks of
 * their own, see http/elysia.ts); every use of views() comes after this.
 */
export async function loadViews(): Promise<void> {
  if (loadedViews) return;
  const [paging, stats, sharePage, markdownExport, errors, landing] = await Promise.all([
    import("../../views/lib/paging.ts"),
    import("../../views/lib/stats.ts"),
    import("../../views/share-page.tsx"),
    import("../../views/markdown-export.ts"),
    import("../../views/errors.tsx"),
    import("../../views/landing.tsx"),
  ]);
  loadedViews = { ...paging, ...stats, ...sharePage, ...markdownExport, ...errors, ...landing };
}

function views(): Views {
  if (!loadedViews) throw new Error("The views are not loaded yet: await loadViews() before rendering.");
  return loadedViews;
}

export interface PagesDeps {
  source: ShareSource;
  /** Public origin, e.g. https://share.example.com (no trailing slash needed). */
  baseUrl: string;
  /** X-Robots-Tag and <meta name="robots">; default "noindex". */
  robots?: string;
  /** Memory for rendered pages; default 64 MiB. */
  cacheBytes?: number;
  /** Told about page cache hits and misses. */
  telemetry?: Telemetry;
  /** Called for each view of a page or its Markdown by a reader (README, "Views"); must be cheap. */
  onView?: (shareId: string) => void;
}

const SHARE_ID = /^[0-9A-Za-z]{8}$/;
/** Pages smaller than this are sent as is: gzip would not win a round trip. */
const GZIP_MIN = 1024;

interface PageEntry {
  bytes: number;
  etag: string;
  body: Uint8Array<ArrayBuffer>;
  gzip?: Uint8Array<ArrayBuffer>;
  /** The plain answer's headers, kept for the gzip answer built later (with Content-Encoding added). */
  headers: Record<string, string>;
  /** The complete answers (body, every header including the security ones), ready to hand out. */
  ready: Prebuilt;
  readyGzip?: Prebuilt;
  notModified: Prebuilt;
}

interface PlanEntry {
  bytes: number;
  plan: PagePlan;
  stats: SessionStats;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function etagOf(shareId: string, version: string, variant: string): string {
  return `W/"${Bun.hash(`${shareId}\u0000${version}\u0000${variant}\u0000${assetsVersion()}`).toString(36)}"`;
}

/** The parts of a share page request the routes need; the app's fast path parses them without `new URL`. */
export interface PageRequest {
  rawId: string;
  query: Record<string, string | undefined>;
}

/** The reader's theme (a cookie the picker sets), or null for the page as rendered. */
function themeFor(request: Request): string | null {
  return themeOf(request.headers.get("cookie"));
}

function acceptsGzip(request: Request): boolean {
  const ae = request.headers.get("accept-encoding");
  return ae !== null && ae.includes("gzip");
}

function matches(request: Request, etag: string): boolean {
  const inm = request.headers.get("if-none-match");
  if (!inm) return false;
  return inm === etag || inm.trim() === "*" || inm.split(",").some((t) => t.trim() === etag || t.trim() === etag.slice(2));
}

/** The page routes alone (for embedding them in another Elysia app), once Elysia and the views are loaded. */
export async function pagesRoutes(deps: PagesDeps) {
  await Promise.all([loadElysia(), loadViews()]);
  return sharePages(deps).routes;
}

export interface SharePages {
  routes: Elysia<any, any, any, any, any, any, any>;
  /**
   * The answer for a page whose share is in memory and fresh: synchronous,
   * the same bytes and headers the routes give, or null when the routes must
   * answer (not cached, stale, not found, cannot display).
   */
  fromMemory(request: Request, page: PageRequest): Response | null;
  /** A static asset's answer, or null when the path names none. */
  staticAsset(request: Request, path: string): Response | null;
}

export function sharePages(deps: PagesDeps): SharePages {
  const robots = deps.robots ?? "noindex";
  const baseUrl = deps.baseUrl.replace(/\/+$/, "");
  const cache = new RenderCache<PageEntry | PlanEntry>(deps.cacheBytes ?? 64 * 1024 * 1024);
  cache.attach(deps.source);
  const telemetry = deps.telemetry ?? noTelemetry;
  telemetry.watchPageCacheBytes(() => cache.bytes);
  /** A rendered page (or Markdown export) from the cache, counted as a hit or a miss. */
  const cachedPage = (snap: ShareSnapshot, variant: string) => {
    const e = cache.get(snap.shareId, snap.version, variant) as PageEntry | undefined;
    telemetry.pageCache(e !== undefined);
    return e;
  };

  const pageHeaders: Record<string, string> = {
    "Content-Type": "text/html; charset=utf-8",
    "X-Robots-Tag": robots,
    "Cache-Control": "no-cache",
    // The theme cookie picks the page's data-theme (views/lib/theme.ts).
    Vary: "Accept-Encoding, Cookie",
  };

  function entry(html: string, etag: string, type = "text/html; charset=utf-8", gzip = false, extra?: Record<string, string>): PageEntry {
    const body = encoder.encode(html);
    // The security headers the app would add, present from the start: the prebuilt answer is complete as built.
    const headers = { ...securityHeaders(type), ...pageHeaders, "Content-Type": type, ETag: etag, ...extra };
    const e: PageEntry = { bytes: body.byteLength + 2048, etag, body, headers, ready: new Prebuilt(body, headers), notModified: new Prebuilt(null, headers, 304) };
    if (gzip) addGzip(e);
    return e;
  }

  function addGzip(e: PageEntry): void {
    if (e.gzip || e.body.byteLength < GZIP_MIN) return;
    e.gzip = Bun.gzipSync(e.body, { level: 6 });
    e.readyGzip = new Prebuilt(e.gzip, { ...e.headers, "Content-Encoding": "gzip" });
    e.bytes += e.gzip.byteLength;
  }

  function send(request: Request, e: PageEntry): Response {
    if (request.headers.has("if-none-match") && matches(request, e.etag)) return e.notModified.answer();
    if (e.readyGzip && acceptsGzip(request)) return e.readyGzip.answer();
    return e.ready.answer();
  }

  function html(request: Request, status: number, text: string): Response {
    const theme = themeFor(request);
    const body = encoder.encode(theme ? withTheme(text, theme) : text);
    return new Response(body, { status, headers: { ...pageHeaders, "Cache-Control": "no-store" } });
  }

  // Pages with no share data never change while the process runs: rendered
  // once per theme asked for, on first use (not at start: the server answers sooner).
  let landingHtml: string | null = null;
  const landings = new Map<string, PageEntry>();
  function landing(request: Request): PageEntry {
    const theme = themeFor(request) ?? "";
    let e = landings.get(theme);
    if (!e) {
      landingHtml ??= views().LandingPage({ baseUrl, robots });
      e = entry(theme ? withTheme(landingHtml, theme) : landingHtml, etagOf("", `landing.${theme}`, baseUrl), undefined, true);
      landings.set(theme, e);
    }
    return e;
  }
  let notFoundText: string | null = null;
  const notFound = () => (notFoundText ??= views().NotFoundPage({ robots }));

  function planFor(snap: ShareSnapshot): PlanEntry {
    const hit = cache.get(snap.shareId, snap.version, "plan") as PlanEntry | undefined;
    if (hit) return hit;
    const plan = views().planPages(snap.data);
    const stats = views().sessionStats(snap.data);
    const e: PlanEntry = { bytes: 2048 + plan.pages.length * 64 + plan.linkedSubsessions.size * 64, plan, stats };
    cache.set(snap.shareId, snap.version, "plan", e);
    return e;
  }

  function shareResponse(
    request: Request,
    snap: ShareSnapshot,
    expiresAt: number | null,
    wantMarkdown: boolean,
    query: Record<string, string | undefined>,
  ): Response {
    const gz = acceptsGzip(request);
    if (wantMarkdown) {
      let e = cachedPage(snap, "md");
      if (!e) {
        const md = views().renderMarkdownExport(snap.data, `${baseUrl}/share/${snap.shareId}`);
        e = entry(md, etagOf(snap.shareId, snap.version, "md"), "text/markdown; charset=utf-8", gz, {
          "Content-Disposition": `inline; filename="${snap.shareId}.md"`,
          Vary: "Accept-Encoding",
        });
        cache.set(snap.shareId, snap.version, "md", e);
      } else if (gz && !e.gzip) {
        addGzip(e);
      }
      return send(request, e);
    }
    const { plan, stats } = planFor(snap);
    let page = 1;
    if (query.find && /^[mp]-[0-9A-Za-z_-]{1,80}$/.test(query.find)) {
      page = views().pageOfAnchor(snap.data, plan, query.find) ?? 1;
    } else if (query.page && /^[0-9]{1,6}$/.test(query.page)) {
      page = Math.min(Math.max(1, Number(query.page)), plan.pages.length);
    }
    // The header shows the expiry, which changes without a new version.
    const variant = expiresAt === null ? `p${page}` : `p${page}e${expiresAt}`;
    // A themed page is cached beside the page as rendered, under its own key
    // and ETag (a 304 must not bring back another theme).
    const theme = themeFor(request);
    const key = theme ? `${variant}.${theme}` : variant;
    let e = cachedPage(snap, key);
    if (!e) {
      let plain = theme ? (cache.get(snap.shareId, snap.version, variant) as PageEntry | undefined) : undefined;
      if (!plain) {
        const etag = etagOf(snap.shareId, snap.version, variant);
        const htmlText = views().renderSharePage({ data: snap.data, shareId: snap.shareId, page, plan, stats, baseUrl, etag, robots, expiresAt });
        plain = entry(htmlText, etag, undefined, gz);
        cache.set(snap.shareId, snap.version, variant, plain);
      }
      e = plain;
      if (theme) {
        // The same bytes with the theme on <html>, and the page's own ETag (the live view polls with it) swapped.
        const etag = etagOf(snap.shareId, snap.version, key);
        e = entry(withTheme(decoder.decode(plain.body), theme, { from: plain.etag, to: etag }), etag, undefined, gz);
        cache.set(snap.shareId, snap.version, key, e);
      }
    } else if (gz && !e.gzip) {
      addGzip(e);
    }
    return send(request, e);
  }

  async function handleShare(request: Request, rawId: string | null | undefined, query: Record<string, string | undefined>): Promise<Response> {
    // Elysia hands over an undecodable parameter (/share/%ZZ) as null: no share has such an id.
    if (typeof rawId !== "string") return html(request, 404, notFound());
    const wantMarkdown = rawId.endsWith(".md");
    const id = wantMarkdown ? rawId.slice(0, -3) : rawId;
    if (!SHARE_ID.test(id)) return html(request, 404, notFound());
    let found;
    try {
      found = await deps.source.lookup(id);
    } catch {
      return html(request, 503, views().CannotDisplayPage({ robots, reason: "The share store is not answering right now. Try again in a moment." }));
    }
    return answer(request, id, found, wantMarkdown, query);
  }

  function fromMemory(request: Request, { rawId, query }: PageRequest): Response | null {
    const wantMarkdown = rawId.endsWith(".md");
    const id = wantMarkdown ? rawId.slice(0, -3) : rawId;
    if (!SHARE_ID.test(id)) return null;
    // Rendering needs the views, loaded with the router: until then the routes answer.
    if (!loadedViews) return null;
    const found = deps.source.fresh?.(id);
    if (!found || found.status !== "ok") return null;
    const res = answer(request, id, found, wantMarkdown, query);
    return res.status < 400 ? res : null;
  }

  /** What a share page request gets once its share has been looked up. */
  function answer(request: Request, id: string, found: ShareLookup, wantMarkdown: boolean, query: Record<string, string | undefined>): Response {
    if (found.status === "not_found") return html(request, 404, notFound());
    if (found.status === "unreadable") {
      return html(request, 422, views().CannotDisplayPage({ robots, reason: found.reason, shareId: id }));
    }
    if (found.status === "expired") return html(request, 410, views().ExpiredPage({ robots, expiresAt: found.expiresAt }));
    try {
      const res = shareResponse(request, found.snapshot, found.expiresAt ?? null, wantMarkdown, query);
      if (res.status === 200 && deps.onView && isReaderRequest(request)) deps.onView(id);
      return res;
    } catch {
      // A shape the renderers did not survive; the per-part guards make this rare.
      return html(request, 422, views().CannotDisplayPage({ robots, reason: "Its data has a shape this page cannot render.", shareId: id }));
    }
  }

  // Static assets never change while the process runs: each answer is built once.
  const assetAnswers = new Map<Asset, { plain: Prebuilt; gzip?: Prebuilt }>();
  function staticResponse(request: Request, asset: Asset | undefined): Response {
    if (!asset) {
      return new Response("Not found", {
        status: 404,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    let ready = assetAnswers.get(asset);
    if (!ready) {
      const headers: Record<string, string> = {
        ...securityHeaders(asset.type),
        "Content-Type": asset.type,
        "Cache-Control": "public, max-age=31536000, immutable",
        Vary: "Accept-Encoding",
      };
      ready = { plain: new Prebuilt(asset.body, headers) };
      if (asset.body.byteLength >= GZIP_MIN)
        ready.gzip = new Prebuilt(Bun.gzipSync(asset.body, { level: 9 }), { ...headers, "Content-Encoding": "gzip" });
      assetAnswers.set(asset, ready);
    }
    return (ready.gzip && acceptsGzip(request) ? ready.gzip : ready.plain).answer();
  }

  // Built when the router is first needed (see http/elysia.ts).
  const buildRoutes = () =>
    newElysia({ name: "pages" })
      .get("/", ({ request }) => send(request, landing(request)))
      .get("/share/:id", ({ request, params, query }) => handleShare(request, params.id, query as Record<string, string | undefined>))
      .get("/static/*", ({ request, path }) => staticResponse(request, assetByPath(path)));
  let routes: ReturnType<typeof buildRoutes> | null = null;
  return {
    get routes() {
      return (routes ??= buildRoutes());
    },
    fromMemory,
    staticAsset: (request, path) => {
      const asset = assetByPath(path);
      return asset ? staticResponse(request, asset) : null;
    },
  };
}
