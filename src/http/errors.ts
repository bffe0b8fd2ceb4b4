// The one error path: every failure, wherever it is caught (Elysia's onError,
// the app's outer handler, Bun.serve's last-resort `error`), becomes a
// response here.
import { ApiError } from "../core/errors.ts";
import { notFoundHtml } from "./not-found.ts";
import { json } from "./respond.ts";

export type Log = (line: string) => void;

/** An ApiError becomes its own answer; anything else is logged and answered 503 without details. */
export function toResponse(error: unknown, log: Log, where = ""): Response {
  if (error instanceof ApiError) return json({ error: error.message, code: error.code }, error.status, error.headers);
  log(`error ${where}${where ? ": " : ""}${(error as Error)?.stack ?? String(error)}`);
  return json({ error: "The server could not complete this request; try again shortly.", code: "UNAVAILABLE" }, 503, { "Retry-After": "5" });
}

/** One API route as Elysia lists it, e.g. `{ method: "GET", path: "/api/share/:id" }`. */
export interface RouteEntry {
  method: string;
  path: string;
}

/**
 * Tells 405 from 404 for requests no route answered, from the app's own route
 * list: a path some route matches under another method is a 405 JSON naming
 * the methods it does take (pages and assets take GET and HEAD). Routes are
 * grouped by path in the order they were added, and the first path that
 * matches decides (so `/api/share/presign` is not read as `/api/share/:id`).
 * The list is read on first use, once every route is in. Unmatched paths are
 * a 404: JSON under /api, the HTML page elsewhere.
 */
export function missingRoute(routes: () => readonly RouteEntry[]): (request: Request, path: string) => Response {
  let table: Array<[RegExp, string[]]> | null = null;
  const build = () => {
    const byPath = new Map<string, string[]>();
    for (const r of routes()) {
      const methods = byPath.get(r.path) ?? [];
      if (!methods.includes(r.method)) methods.push(r.method);
      if (r.method === "GET" && !methods.includes("HEAD")) methods.push("HEAD");
      byPath.set(r.path, methods);
    }
    const segment = (s: string) => (s.startsWith(":") ? "[^/]+" : s === "*" ? ".*" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return [...byPath].map(([path, methods]): [RegExp, string[]] => [new RegExp(`^${path.split("/").map(segment).join("/")}$`), methods]);
  };
  return (request, path) => {
    const api = path.startsWith("/api/") || path === "/api";
    const method = request.method;
    const route = (table ??= build()).find(([re]) => re.test(path));
    if (route && !route[1].includes(method))
      return json(
        { error: `${method.slice(0, 20)} is not supported here; use ${route[1].join(" or ")}.`, code: "METHOD_NOT_ALLOWED" },
        405,
        { Allow: route[1].join(", ") },
      );
    if (!api) return notFoundHtml();
    return json({ error: `There is no API route ${method.slice(0, 20)} ${path.slice(0, 200)}; see the README for the API.`, code: "NOT_FOUND_ROUTE" }, 404);
  };
}
