// Which route pattern (`/share/:id`) a request path belongs to, built from the
// routes the app really has. Logs and metrics label requests with the pattern,
// never the raw path, so ids do not become label values.

export interface RouteDef {
  method: string;
  path: string;
}

export interface RouteMatch {
  route: string;
  /** The `:id` segment, when the route has one. */
  id: string | null;
}

interface Compiled {
  pattern: string;
  methods: Set<string>;
  re: RegExp;
  idGroup: number;
}

const SHARE_ID = /^([0-9A-Za-z]{8})(?:\.md)?$/;

function compile(pattern: string): { re: RegExp; idGroup: number } {
  let idGroup = -1;
  let group = 0;
  const body = pattern
    .split("/")
    .map((seg) => {
      if (seg === "*") {
        group++;
        return "(.*)";
      }
      if (seg.startsWith(":")) {
        group++;
        if (seg === ":id") idGroup = group;
        return "([^/]+)";
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { re: new RegExp(`^${body}$`), idGroup };
}

/** Static routes win over parameterised ones, wildcards come last (as in Elysia's router). */
function rank(pattern: string): number {
  if (pattern.includes("*")) return 2;
  return pattern.includes(":") ? 1 : 0;
}

export function routeMatcher(routes: readonly RouteDef[]): (method: string, path: string) => RouteMatch | null {
  const byPattern = new Map<string, Compiled>();
  for (const r of routes) {
    let c = byPattern.get(r.path);
    if (!c) byPattern.set(r.path, (c = { pattern: r.path, methods: new Set(), ...compile(r.path) }));
    c.methods.add(r.method.toUpperCase());
  }
  const table = [...byPattern.values()].sort((a, b) => rank(a.pattern) - rank(b.pattern));
  return (method, path) => {
    // A path that matches a pattern under another method is still that route (a 405 is labelled by it).
    let fallback: RouteMatch | null = null;
    for (const c of table) {
      const m = c.re.exec(path);
      if (!m) continue;
      const raw = c.idGroup > 0 ? m[c.idGroup]! : null;
      const id = raw !== null ? (SHARE_ID.exec(raw)?.[1] ?? null) : null;
      const found = { route: c.pattern, id };
      if (c.methods.has(method) || (method === "HEAD" && c.methods.has("GET"))) return found;
      fallback ??= found;
    }
    return fallback;
  };
}
