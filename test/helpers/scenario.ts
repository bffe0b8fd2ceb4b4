// Table-driven request scenarios: each row is a request and what must come back.
import { expect, test } from "bun:test";
import type { TestApp } from "./app.ts";

export interface Scenario {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  code?: string;
  /** Substrings the response body must contain / must not contain. */
  contains?: string[];
  absent?: string[];
  responseHeaders?: Record<string, string | RegExp>;
}

/** `{name}` in path, headers and string bodies is replaced from vars. */
function fill<T>(v: T, vars: Record<string, string>): T {
  if (typeof v === "string") return v.replace(/\{(\w+)\}/g, (m, k) => vars[k] ?? m) as T;
  if (Array.isArray(v)) return v.map((x) => fill(x, vars)) as T;
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, vars)])) as T;
  return v;
}

export function runScenarios(app: () => TestApp, vars: () => Record<string, string>, rows: Scenario[]) {
  for (const row of rows) {
    test(`${row.method} ${row.path} — ${row.name} → ${row.status}${row.code ? " " + row.code : ""}`, async () => {
      const v = vars();
      const res = await app().req(row.method, fill(row.path, v), {
        body: fill(row.body, v),
        raw: row.raw,
        headers: fill(row.headers, v),
      });
      const text = await res.text();
      expect({ status: res.status, body: text.slice(0, 300) }).toMatchObject({ status: row.status });
      if (res.status >= 400 && new URL("http://x" + row.path).pathname.startsWith("/api")) {
        expect(res.headers.get("content-type")).toContain("application/json");
        const err = JSON.parse(text);
        expect(typeof err.error).toBe("string");
        expect(err.error.length).toBeGreaterThan(10);
        expect(text).not.toMatch(/\bat \S+:\d+:\d+|node_modules|\.ts:\d+/);
        if (row.code) expect(err.code).toBe(row.code);
      }
      for (const c of row.contains ?? []) expect(text).toContain(fill(c, v));
      for (const c of row.absent ?? []) expect(text).not.toContain(fill(c, v));
      for (const [h, want] of Object.entries(row.responseHeaders ?? {})) {
        const got = res.headers.get(h);
        if (want instanceof RegExp) expect(got ?? "").toMatch(want);
        else expect(got).toBe(want);
      }
    });
  }
}
