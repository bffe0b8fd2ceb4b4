// createApp: the one place where stores, services, routes and the global
// request handling (rate limit, security headers, errors, logging) meet.
import type { Elysia } from "elysia";
import type { Config } from "./config.ts";
import { ShareService } from "./core/shares.ts";
import { countingFailures, noTelemetry, type Telemetry } from "./core/telemetry.ts";
import { CreateAccess } from "./http/create-access.ts";
import { clientIp, RateLimiter } from "./http/rate-limit.ts";
import { ApiError } from "./core/errors.ts";
import { missingRoute, toResponse } from "./http/errors.ts";
import type { Metrics } from "./http/metrics.ts";
import { loadElysia, newElysia } from "./http/elysia.ts";
import { json } from "./http/respond.ts";
import { routeMatcher } from "./http/route-pattern.ts";
import { applySecurityHeaders } from "./http/security.ts";
import { lineLogger, type Logger } from "./log.ts";
import type { RouteDeps } from "./routes/context.ts";
import { loadViews, sharePages, type PagesDeps } from "./routes/pages.tsx";
import { health, shareApi, shareJson } from "./routes/share-api.ts";
import { shareLifecycleApi } from "./routes/share-lifecycle.ts";
import { Maintenance, startSweeper, type Sweeper } from "./core/maintenance.ts";
import { ViewCounter } from "./core/views.ts";
import type { BlobStore } from "./stores/blob-store.ts";
import { DiskBlobStore } from "./stores/blob-store.disk.ts";
import type { ShareStore } from "./stores/share-store.ts";
import { VERSION } from "./version.ts";

/** Paths the fast path takes as they are: nothing to decode or normalise in them. */
const SHARE_PAGE_PATH = /^\/share\/([0-9A-Za-z]{8}(?:\.md)?)$/;
const STATIC_PATH = /^\/static\/[\w.-]+$/;
const API_SHARE_PATH = /^\/api\/share\/([0-9A-Za-z]{8})$/;

export interface AppDeps {
  config: Config;
  shares: ShareStore;
  blobs: BlobStore;
  /** Where request and error lines go; default: `log`, one line at a time, in config.logFormat. */
  logger?: Logger;
  /** A line sink for tests and embedders, used when no `logger` is given; default console.log. */
  log?: (line: string) => void;
  /** Page options; view tests give the pages an in-memory source instead of the stores' cache. */
  pages?: Partial<Pick<PagesDeps, "source" | "robots" | "cacheBytes">>;
}

export interface App {
  /** Handles one request; `peer` is the socket address when served over TCP (a function: asked only when needed). */
  handle(request: Request, peer?: string | null | (() => string | null)): Promise<Response>;
  /** The same, answering at once when it can (a cached page): what Bun.serve's fetch returns. */
  respond(request: Request, peer?: string | null | (() => string | null)): Response | Promise<Response>;
  /** The router (Elysia) every request the fast paths do not answer goes through; loaded and built on first use. */
  router(): Promise<Elysia<any, any, any, any, any, any, any>>;
  /** Counters of shares created/deleted/synced, page cache and store errors (a no-op unless METRICS=true). */
  telemetry: Telemetry;
  /** Page views counted in memory, written to the store every few seconds once started. */
  views: ViewCounter;
  /** Deletes expired shares (and, for `shares gc`, abandoned creations). */
  maintenance: Maintenance;
  /** Starts what a server runs beside requests: the view flush and the expiry sweeper. */
  startBackground(): void;
  /** Stops the background work, writes the last view counts, closes the stores. */
  close(): Promise<void>;
}

/**
 * The route modules only the router uses, loaded with it (dynamic imports: a
 * chunk of their own in the binary, see http/elysia.ts). The share API's module
 * stays static: the health check and the API read answer from it without the router.
 */
async function loadRouteModules() {
  const [native, openapi, blob, install, metrics] = await Promise.all([
    import("./routes/native-api.ts"),
    import("./routes/openapi.ts"),
    import("./routes/blob.ts"),
    import("./routes/install.ts"),
    import("./routes/metrics.ts"),
  ]);
  return { ...native, ...openapi, ...blob, ...install, ...metrics };
}
type RouteModules = Awaited<ReturnType<typeof loadRouteModules>>;

function shortHost(url: string): boolean {
  const slash = url.indexOf("/", 8);
  return slash !== -1 && slash < 11 && url.startsWith("http://");
}

export function createApp(deps: AppDeps): App {
  const { config } = deps;
  // prom-client (and the node:http, zlib and cluster modules it pulls in) took
  // longer to load than the rest of the server: only loaded when metrics are on.
  const metrics: Metrics | null = config.metrics ? new (require("./http/metrics.ts") as typeof import("./http/metrics.ts")).Metrics() : null;
  const telemetry: Telemetry = metrics ?? noTelemetry;
  const shares = metrics ? countingFailures(deps.shares, "share", metrics) : deps.shares;
  const blobs = metrics ? countingFailures(deps.blobs, "blob", metrics) : deps.blobs;
  const logger = deps.logger ?? lineLogger(config.logFormat, deps.log ?? ((line: string) => console.log(line)));
  const log = (line: string) => logger.error(line);
  const service = new ShareService(shares, blobs, config, { telemetry });
  const limiter = new RateLimiter(shares, {
    sharesPerHour: config.rateLimitSharesPerHour,
    requestsPerMinute: config.rateLimitRequestsPerMinute,
  });
  const views = new ViewCounter(shares, log);
  const maintenance = new Maintenance(shares, blobs, {
    presignTtlSeconds: config.presignTtlSeconds,
    // A share swept here is dropped from this process's caches at once.
    onRemoved: (id) => {
      service.removed(id);
      telemetry.shareDeleted("expired");
    },
  });
  const ips = new WeakMap<Request, string>();
  const routeDeps: RouteDeps = {
    service,
    limiter,
    access: new CreateAccess(shares, config),
    config,
    ipOf: (req) => ips.get(req) ?? "unknown",
    version: VERSION,
    views,
  };

  const pages = sharePages({ source: service.cache, baseUrl: config.baseUrl, telemetry, onView: config.countViews ? (id) => views.count(id) : undefined, ...deps.pages });
  // Built from Elysia's own route list: adding a route needs no entry anywhere else.
  const notFound = missingRoute(() => built!.routes);
  // The router is built by the first request that needs it: the health check,
  // cached pages and static assets never do (see http/elysia.ts).
  const buildRouter = ({ nativeApi, openApiRoutes, blobRoutes, installRoutes, metricsRoutes }: RouteModules) =>
    newElysia()
      // Registered before the routes so it covers every route added with .use.
      .onError(({ code, error, request }) => {
        const path = new URL(request.url).pathname;
        // ApiError's own code can read "NOT_FOUND" too: only Elysia's means no route matched.
        if (code === "NOT_FOUND" && !(error instanceof ApiError)) return notFound(request, path);
        if (code === "PARSE" || code === "VALIDATION" || code === "INVALID_COOKIE_SIGNATURE")
          return json({ error: "The request could not be read; check its body and headers.", code: "BAD_REQUEST" }, 400);
        return toResponse(error, log, `${request.method} ${path}`);
      })
      .use(shareApi(routeDeps))
      .use(nativeApi(routeDeps))
      .use(openApiRoutes(config.baseUrl, VERSION))
      .use(blobRoutes(routeDeps, blobs instanceof DiskBlobStore ? blobs : null))
      .use(shareLifecycleApi(routeDeps))
      .use(pages.routes)
      .use(installRoutes(config.baseUrl))
      .use(metrics ? metricsRoutes(metrics, config.metricsToken) : newElysia({ name: "no-metrics" }));
  let built: ReturnType<typeof buildRouter> | null = null;
  async function router() {
    if (!built) {
      const [modules] = await Promise.all([loadRouteModules(), loadElysia(), loadViews()]);
      built ??= buildRouter(modules);
    }
    return built;
  }
  // Resolved on first use: routes added to the router after createApp still get their pattern.
  let matchRoute: ReturnType<typeof routeMatcher> | null = null;

  /** The access log line and request metrics every answer gets, fast path or not. */
  function done(request: Request, path: string, res: Response, started: number, route: string | null, shareId: string | null): Response {
    const ms = performance.now() - started;
    logger.access({ method: request.method, route, path, status: res.status, ms, shareId });
    // Scrapes are left out, so a refused one changes nothing a scrape can see.
    if (metrics && path !== "/metrics") metrics.request(route, request.method, res.status, ms / 1000);
    return res;
  }

  /**
   * The hot paths — a share page whose share is in memory and fresh, and the
   * static assets — answered without Elysia, URL parsing or header mutation:
   * one lookup and a Response made from parts built once (http/respond.ts
   * Prebuilt), complete with its security headers. Anything else (and any path not in its plain form)
   * goes the general way.
   */
  function fast(request: Request, started: number): Response | null {
    if (request.method !== "GET") return null;
    const url = request.url;
    const scheme = url.indexOf("://");
    if (scheme < 0) return null;
    const at = url.indexOf("/", scheme + 3);
    if (at < 0) return null;
    const q = url.indexOf("?", at);
    const path = q < 0 ? url.slice(at) : url.slice(at, q);
    if (path.startsWith("/share/")) {
      const m = SHARE_PAGE_PATH.exec(path);
      if (!m) return null;
      const search = q < 0 ? "" : url.slice(q + 1);
      const query = search ? Object.fromEntries(new URLSearchParams(search)) : {};
      const res = pages.fromMemory(request, { rawId: m[1]!, query });
      return res && done(request, path, res, started, "/share/:id", m[1]!.slice(0, 8));
    }
    if (path.startsWith("/static/") && STATIC_PATH.test(path)) {
      const res = pages.staticAsset(request, path);
      return res && done(request, path, res, started, "/static/*", null);
    }
    return null;
  }

  function respond(request: Request, peer: string | null | (() => string | null) = null): Response | Promise<Response> {
    const started = performance.now();
    return fast(request, started) ?? general(request, typeof peer === "function" ? peer() : peer, started);
  }

  async function general(request: Request, peer: string | null, started: number): Promise<Response> {
    // Elysia finds the path by looking for "/" from the 12th character on, so a
    // Host shorter than 4 characters ("Host: x") would route by a cut path.
    if (shortHost(request.url)) request = new Request(`http://host.invalid${request.url.slice(request.url.indexOf("/", 8))}`, request);
    // An HTTP/1.0 request without a Host header reaches us with no valid URL.
    const url = URL.parse(request.url);
    if (!url) {
      const res = json({ error: "The request has no Host header; send one (HTTP/1.1 requires it).", code: "BAD_REQUEST" }, 400);
      applySecurityHeaders(res);
      logger.access({ method: request.method, route: null, path: "(no host)", status: 400, ms: performance.now() - started, shareId: null });
      return res;
    }
    const path = url.pathname;
    ips.set(request, clientIp(request, peer, config.trustProxy));
    const get = request.method === "GET";
    const api = get ? API_SHARE_PATH.exec(path) : null;
    // Health probes skip the router too: they come every few seconds for the
    // server's whole life, and the first one is how a starting server is seen
    // to be up (the router's own set-up then waits for the first request
    // that needs it).
    const probe = get && path === "/api/health";
    let res: Response;
    try {
      // Uploads to signed URLs are authorised by their signature and are not counted.
      if (path.startsWith("/api/") && path !== "/api/health" && !path.startsWith("/api/blob/"))
        await limiter.request(ips.get(request)!);
      // The API read skips the router: the hottest API route, and one with a fixed shape.
      res = api ? await shareJson(service, api[1]!, request) : probe ? await health(service, VERSION) : await (await router()).handle(request);
    } catch (e) {
      res = toResponse(e, log, `${request.method} ${path}`);
    }
    applySecurityHeaders(res);
    const match = api ? { route: "/api/share/:id", id: api[1]! } : probe ? { route: path, id: null } : (matchRoute ??= routeMatcher((await router()).routes))(request.method, path);
    return done(request, path, res, started, match?.route ?? null, match?.id ?? null);
  }

  let sweeper: Sweeper | null = null;
  return {
    handle: async (request, peer) => respond(request, peer),
    respond,
    router,
    telemetry,
    views,
    maintenance,
    startBackground() {
      if (config.countViews) views.start();
      sweeper ??= startSweeper(maintenance, config.sweepIntervalSeconds * 1000, log);
    },
    async close() {
      sweeper?.stop();
      await sweeper?.idle();
      await views.stop();
      await Promise.allSettled([shares.close(), blobs.close()]);
    },
  };
}
