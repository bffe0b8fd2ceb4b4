// createApp: the one place where stores, services, routes and the global
// request handling (rate limit, security headers, errors, logging) meet.
import { Elysia } from "elysia";
import type { Config } from "./config.ts";
import { ApiError } from "./core/errors.ts";
import { ShareService, type ServiceOptions } from "./core/shares.ts";
import { clientIp, RateLimiter } from "./http/rate-limit.ts";
import { errorResponse, json } from "./http/respond.ts";
import { applySecurityHeaders } from "./http/security.ts";
import { blobRoutes } from "./routes/blob.ts";
import type { RouteDeps } from "./routes/context.ts";
import { nativeApi } from "./routes/native-api.ts";
import { pagesRoutes } from "./routes/pages.tsx";
import { notFoundHtml } from "./http/not-found.ts";
import { shareApi } from "./routes/share-api.ts";
import type { BlobStore } from "./stores/blob-store.ts";
import { DiskBlobStore } from "./stores/blob-store.disk.ts";
import type { ShareStore } from "./stores/share-store.ts";
import { VERSION } from "./version.ts";

export interface AppDeps {
  config: Config;
  shares: ShareStore;
  blobs: BlobStore;
  log?: (line: string) => void;
  service?: ServiceOptions;
}

export interface App {
  /** Handles one request; `peer` is the socket address when served over TCP. */
  handle(request: Request, peer?: string | null): Promise<Response>;
  service: ShareService;
  elysia: Elysia<any, any, any, any, any, any, any>;
  close(): Promise<void>;
}

/** Routes that exist, by method, to tell 405 from 404 on the API. */
const API_ROUTES: Array<[RegExp, string[]]> = [
  [/^\/api\/share$/, ["POST"]],
  [/^\/api\/share\/presign$/, ["POST"]],
  [/^\/api\/share\/[^/]+$/, ["GET", "DELETE"]],
  [/^\/api\/share\/[^/]+\/presign$/, ["POST"]],
  [/^\/api\/share\/[^/]+\/sync$/, ["POST"]],
  [/^\/api\/share\/[^/]+\/data$/, ["GET"]],
  [/^\/api\/blob\/[^/]+$/, ["PUT"]],
  [/^\/api\/health$/, ["GET"]],
];

function apiNotFound(method: string, path: string): Response {
  const route = API_ROUTES.find(([re]) => re.test(path));
  if (route && !route[1].includes(method))
    return json(
      { error: `${method} is not supported here; use ${route[1].join(" or ")}.`, code: "METHOD_NOT_ALLOWED" },
      405,
      { Allow: route[1].join(", ") },
    );
  return json({ error: `There is no API route ${method} ${path.slice(0, 200)}; see the README for the API.`, code: "NOT_FOUND_ROUTE" }, 404);
}

export function createApp(deps: AppDeps): App {
  const { config, shares, blobs } = deps;
  const log = deps.log ?? ((line: string) => console.log(line));
  const service = new ShareService(shares, blobs, config, deps.service);
  const limiter = new RateLimiter(shares, {
    sharesPerHour: config.rateLimitSharesPerHour,
    requestsPerMinute: config.rateLimitRequestsPerMinute,
  });
  const ips = new WeakMap<Request, string>();
  const routeDeps: RouteDeps = {
    service,
    limiter,
    config,
    ipOf: (req) => ips.get(req) ?? "unknown",
    version: VERSION,
  };

  const elysia = new Elysia()
    .onError(({ code, error, request }) => {
      const path = new URL(request.url).pathname;
      if (error instanceof ApiError) return errorResponse(error);
      if (code === "NOT_FOUND") return path.startsWith("/api/") || path === "/api" ? apiNotFound(request.method, path) : notFoundHtml();
      if (code === "PARSE" || code === "VALIDATION" || code === "INVALID_COOKIE_SIGNATURE")
        return json({ error: "The request could not be read; check its body and headers.", code: "BAD_REQUEST" }, 400);
      log(`error ${request.method} ${path}: ${(error as Error)?.stack ?? String(error)}`);
      return json({ error: "The server could not complete this request; try again shortly.", code: "UNAVAILABLE" }, 503, { "Retry-After": "5" });
    })
    .use(shareApi(routeDeps))
    .use(nativeApi(routeDeps))
    .use(blobRoutes(routeDeps, blobs instanceof DiskBlobStore ? blobs : null))
    .use(pagesRoutes({ source: service, baseUrl: config.baseUrl }));

  async function handle(request: Request, peer: string | null = null): Promise<Response> {
    const started = performance.now();
    const url = new URL(request.url);
    const path = url.pathname;
    ips.set(request, clientIp(request, peer, config.trustProxy));
    let res: Response;
    try {
      // Uploads to signed URLs are authorised by their signature and are not counted.
      if (path.startsWith("/api/") && path !== "/api/health" && !path.startsWith("/api/blob/"))
        await limiter.request(ips.get(request)!);
      res = await elysia.handle(request);
    } catch (e) {
      if (e instanceof ApiError) res = errorResponse(e);
      else {
        log(`error ${request.method} ${path}: ${(e as Error)?.stack ?? String(e)}`);
        res = json({ error: "The server could not complete this request; try again shortly.", code: "UNAVAILABLE" }, 503, { "Retry-After": "5" });
      }
    }
    applySecurityHeaders(res);
    log(`${request.method} ${path} ${res.status} ${(performance.now() - started).toFixed(1)}ms`);
    return res;
  }

  return {
    handle,
    service,
    elysia,
    async close() {
      await Promise.allSettled([shares.close(), blobs.close()]);
    },
  };
}
