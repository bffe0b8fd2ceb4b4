import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FetchLike } from "../src/api.js";
import type { MessageWithParts, ShareData } from "../src/protocol.js";

// The repository keeps the captured OpenCode data in test/fixtures/.
export const FIXTURES = join(import.meta.dir, "../../test/fixtures/opencode-1.18.33");

export function fixtureShareData(): ShareData {
  return JSON.parse(readFileSync(join(FIXTURES, "share-data.json"), "utf8"));
}

export interface NativeRequest {
  seq: number;
  method: string;
  path: string;
  body: any;
  response: { status: number; body: any };
}

export function nativeSync(): NativeRequest[] {
  return readFileSync(join(FIXTURES, "native-sync.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));
}

export function tempDir(prefix = "better-share-plugin-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(check: () => boolean, timeoutMs = 3000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

// ---------------------------------------------------------------------------
// A stand-in for the better-share server's upload protocol (README, "HTTP API"), with
// a presigned-upload endpoint that, like the real one, accepts exactly the
// signed number of bytes.

export interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

type Fault = { status: number; count: number } | undefined;

export class FakeServer {
  readonly requests: Recorded[] = [];
  readonly blobs = new Map<string, string>();
  readonly shares = new Map<string, { sessionId: string; secret: string; expiresAt?: number | null; views?: number }>();
  /** Fault per route: "create" | "presign" | "put" | "delete". */
  readonly faults = new Map<string, Fault>();
  /** While true every request fails at the network level. */
  down = false;
  putDelayMs = 0;
  inFlightPuts = 0;
  maxInFlightPuts = 0;
  onPut?: (shareId: string) => void;
  /** When set, creating a share needs `Authorization: Bearer` with one of these, as CREATE_ACCESS=token does. */
  tokens?: Set<string>;
  private server: ReturnType<typeof Bun.serve>;
  private counter = 0;

  constructor() {
    this.server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => this.handle(req) });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  /** A fetch that honours `down`, as a dead server or network would. */
  readonly fetch: FetchLike = async (input, init) => {
    if (this.down) throw new TypeError("fetch failed: connect ECONNREFUSED");
    return fetch(input, init);
  };

  fail(route: "create" | "presign" | "put" | "delete" | "expiry" | "stats", status: number, count = 1): void {
    this.faults.set(route, { status, count });
  }

  count(route: "create" | "presign" | "put" | "delete"): number {
    return this.requests.filter((r) => routeOf(r.method, r.path) === route).length;
  }

  blobJson(shareId: string): ShareData {
    return JSON.parse(this.blobs.get(shareId)!);
  }

  stop(): void {
    this.server.stop(true);
  }

  private takeFault(route: string): number | undefined {
    const f = this.faults.get(route);
    if (!f || f.count <= 0) return undefined;
    f.count -= 1;
    return f.status;
  }

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const body = await req.text();
    const headers = Object.fromEntries(req.headers.entries());
    this.requests.push({ method: req.method, path: url.pathname + url.search, headers, body });
    const route = routeOf(req.method, url.pathname);
    if (!route) return err(404, "NOT_FOUND", "no route");
    const fault = this.takeFault(route);
    if (fault) return err(fault, fault === 404 ? "NOT_FOUND" : `FAULT_${fault}`, "injected fault");
    const parts = url.pathname.split("/").filter(Boolean);

    if (route === "create") {
      if (this.tokens) {
        const presented = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
        if (!presented) return err(401, "TOKEN_REQUIRED", "This server only lets token holders create shares.");
        if (!this.tokens.has(presented)) return err(403, "INVALID_TOKEN", "This creation token was revoked on 2026-12-01. Ask the server's operator for a new one.");
      }
      const { shareId, sessionId, size, expiresIn } = JSON.parse(body);
      if (this.shares.has(shareId)) return err(409, "SHARE_EXISTS", "already shared");
      const secret = `server-secret-${++this.counter}-${shareId}`;
      const expiresAt = typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : null;
      this.shares.set(shareId, { sessionId, secret, expiresAt, views: 0 });
      return json({
        presignedUrl: this.sign(shareId, size),
        secret,
        url: `${this.baseUrl}/share/${shareId}`,
        expiresAt: new Date(Date.now() + 3600e3).toISOString(),
        shareExpiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      });
    }
    if (route === "presign") {
      const id = parts[2]!;
      const share = this.shares.get(id);
      if (!share) return err(404, "NOT_FOUND", "no such share");
      if (!headers["x-share-secret"]) return err(401, "MISSING_SECRET", "secret required");
      if (headers["x-share-secret"] !== share.secret) return err(403, "INVALID_SECRET", "wrong secret");
      const { size } = JSON.parse(body);
      return json({ presignedUrl: this.sign(id, size), url: `${this.baseUrl}/share/${id}`, expiresAt: new Date().toISOString() });
    }
    if (route === "put") {
      const id = parts[1]!;
      const size = Number(url.searchParams.get("size"));
      if (Buffer.byteLength(body) !== size) return err(403, "SIZE_MISMATCH", "body length differs from the signed size");
      if (headers["content-type"] !== "application/json") return err(400, "BAD_TYPE", "content-type must be application/json");
      this.inFlightPuts += 1;
      this.maxInFlightPuts = Math.max(this.maxInFlightPuts, this.inFlightPuts);
      try {
        this.onPut?.(id);
        if (this.putDelayMs) await sleep(this.putDelayMs);
        this.blobs.set(id, body);
      } finally {
        this.inFlightPuts -= 1;
      }
      return new Response(null, { status: 200 });
    }
    if (route === "expiry" || route === "stats") {
      const id = parts[2]!;
      const share = this.shares.get(id);
      if (!share) return err(404, "NOT_FOUND", "no such share");
      if (headers["x-share-secret"] !== share.secret) return err(403, "INVALID_SECRET", "wrong secret");
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      if (route === "expiry") {
        const { expiresIn } = JSON.parse(body);
        share.expiresAt = expiresIn === null ? null : Date.now() + expiresIn * 1000;
        return json({ shareExpiresAt: iso(share.expiresAt ?? null) });
      }
      const now = new Date().toISOString();
      return json({ views: share.views ?? 0, sizeBytes: this.blobs.get(id)?.length ?? null, createdAt: now, updatedAt: now, shareExpiresAt: iso(share.expiresAt ?? null), owner: null });
    }
    if (route === "delete") {
      const id = parts[2]!;
      const share = this.shares.get(id);
      if (!share) return err(404, "NOT_FOUND", "no such share");
      if (headers["x-share-secret"] !== share.secret) return err(403, "INVALID_SECRET", "wrong secret");
      this.shares.delete(id);
      this.blobs.delete(id);
      return json({ ok: true });
    }
    return err(404, "NOT_FOUND", "no route");
  }

  private sign(shareId: string, size: number): string {
    return `${this.baseUrl}/blob/${shareId}?size=${size}&sig=s${++this.counter}`;
  }
}

function routeOf(method: string, path: string): "create" | "presign" | "put" | "delete" | "expiry" | "stats" | undefined {
  const p = path.split("?")[0]!;
  if (method === "POST" && /^\/api\/share\/[^/]+\/expiry$/.test(p)) return "expiry";
  if (method === "GET" && /^\/api\/share\/[^/]+\/stats$/.test(p)) return "stats";
  if (method === "POST" && p === "/api/share/presign") return "create";
  if (method === "POST" && /^\/api\/share\/[^/]+\/presign$/.test(p)) return "presign";
  if (method === "PUT" && p.startsWith("/blob/")) return "put";
  if (method === "DELETE" && /^\/api\/share\/[^/]+$/.test(p)) return "delete";
  return undefined;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function err(status: number, code: string, error: string): Response {
  return json({ error, code }, status);
}

// ---------------------------------------------------------------------------
// A stand-in for the SDK client OpenCode hands to plugins: the calls the
// plugin makes, answering in the SDK's `{ data, error }` shape.

export interface FakeSession {
  session: any;
  messages: MessageWithParts[];
}

export class FakeClient {
  readonly sessions = new Map<string, FakeSession>();
  readonly logs: Array<{ level: string; message: string; extra?: any }> = [];
  readonly toasts: Array<{ message: string; variant: string }> = [];
  readonly prompts: Array<{ id: string; body: any }> = [];
  reads = 0;

  constructor(initial: ShareData[] = []) {
    for (const d of initial) this.add(d.session, d.messages);
  }

  add(session: any, messages: MessageWithParts[]): void {
    this.sessions.set(session.id, { session: structuredClone(session), messages: structuredClone(messages) });
  }

  readonly session = {
    get: async ({ path }: { path: { id: string } }) => {
      this.reads += 1;
      const s = this.sessions.get(path.id);
      return s ? { data: structuredClone(s.session) } : { error: { name: "NotFoundError", data: { message: "not found" } } };
    },
    messages: async ({ path }: { path: { id: string } }) => {
      const s = this.sessions.get(path.id);
      return s ? { data: structuredClone(s.messages) } : { error: { name: "NotFoundError", data: { message: "not found" } } };
    },
    children: async ({ path }: { path: { id: string } }) => ({
      data: [...this.sessions.values()].filter((s) => s.session.parentID === path.id).map((s) => structuredClone(s.session)),
    }),
    prompt: async (options: { path: { id: string }; body: any }) => {
      this.prompts.push({ id: options.path.id, body: options.body });
      return { data: { info: {}, parts: [] } };
    },
  };

  readonly app = {
    log: async ({ body }: { body: { level: string; message: string; extra?: any } }) => {
      this.logs.push(body);
      return { data: true };
    },
  };

  readonly tui = {
    showToast: async ({ body }: { body: { message: string; variant: string } }) => {
      this.toasts.push({ message: body.message, variant: body.variant });
      return { data: true };
    },
  };
}

/**
 * What most plugin tests start from: a fake upload-protocol server, a temp dir, the
 * fixture session behind a fake SDK client, and a secrets file path. Teardown
 * goes on `cleanups`, which the test file drains after each test.
 */
export function testWorld(cleanups: Array<() => unknown>) {
  const server = new FakeServer();
  const dir = tempDir();
  cleanups.push(() => server.stop(), dir.cleanup);
  const fixture = fixtureShareData();
  const client = new FakeClient([fixture]);
  const storePath = join(dir.path, "shares.json");
  return { server, dir, fixture, client, storePath };
}
