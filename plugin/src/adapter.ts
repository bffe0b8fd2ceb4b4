import { timingSafeEqual } from "node:crypto";
import { errorMessage } from "./api.js";
import { isSessionId, isShareId } from "./protocol.js";
import type { SecretStore, ShareRecord } from "./secret-store.js";
import { ShareError, type Log, type Notify, type Uploader } from "./uploader.js";

// OpenCode 1.18's built-in /share speaks its native protocol (README, "HTTP
// API") to `enterprise.url`. This loopback server answers it and turns it into
// the upload protocol: OpenCode keeps its own /share, /unshare and auto-share UX, shows
// our URL, and never learns the server's secret.

export interface AdapterOptions {
  /** Absent when sharing is off; every request then gets `disabledReason`. */
  uploader?: Uploader;
  store: SecretStore;
  log?: Log;
  /** Set when sharing is unusable (no base URL): every request gets this as a clear error. */
  disabledReason?: string;
  /**
   * Shows a refusal only a person can fix (a missing or refused creation
   * token): OpenCode answers its own /share failure with a generic error.
   */
  notify?: Notify;
  /** Longest a native delete waits for the server before answering (deletion continues in the background). */
  deleteWaitMs?: number;
}

export interface Adapter {
  url: string;
  stop(): Promise<void>;
}


export function startAdapter(options: AdapterOptions): Adapter {
  const handler = createHandler(options);
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
  return {
    url: `http://127.0.0.1:${server.port}`,
    stop: async () => {
      await server.stop(true);
    },
  };
}

export function createHandler(options: AdapterOptions): (req: Request) => Promise<Response> {
  const log = options.log ?? (() => {});
  const { uploader, store } = options;
  const deleteWaitMs = options.deleteWaitMs ?? 10_000;

  async function authorized(shareId: string, body: unknown): Promise<ShareRecord | Response> {
    if (!isShareId(shareId)) return error(400, "INVALID_SHARE_ID", "share id must be 8 letters or digits");
    const record = await store.byShareId(shareId);
    if (!record) return error(404, "NOT_FOUND", `no share ${shareId} is known on this machine`);
    const token = (body as { secret?: unknown } | undefined)?.secret;
    if (typeof token !== "string" || token === "") return error(401, "MISSING_SECRET", "secret is required");
    if (!sameSecret(token, record.localToken)) return error(403, "INVALID_SECRET", "secret does not match");
    return record;
  }

  return async (req) => {
    const url = new URL(req.url);
    const parts = url.pathname.split("/").filter(Boolean);
    try {
      if (options.disabledReason || !uploader) {
        return error(503, "NOT_CONFIGURED", `better-share: ${options.disabledReason ?? "sharing is off"}`);
      }
      if (parts[0] !== "api" || parts[1] !== "share") return error(404, "NOT_FOUND", "unknown route");

      if (req.method === "POST" && parts.length === 2) {
        const body = await readJson(req);
        if (body instanceof Response) return body;
        const sessionId = (body as { sessionID?: unknown }).sessionID;
        if (!isSessionId(sessionId)) {
          return error(400, "INVALID_SESSION_ID", "sessionID must be an OpenCode session id");
        }
        const record = await uploader.share(sessionId);
        return json(200, { id: record.shareId, url: record.url, secret: record.localToken });
      }

      if (req.method === "POST" && parts.length === 4 && parts[3] === "sync") {
        const body = await readJson(req);
        if (body instanceof Response) return body;
        if (!Array.isArray((body as { data?: unknown }).data)) return error(400, "INVALID_BODY", "data must be an array");
        const record = await authorized(parts[2]!, body);
        if (record instanceof Response) return record;
        // The items only say that something changed; the upload is rebuilt
        // from OpenCode itself so it also carries sub-agent sessions.
        uploader.changedShare(record);
        return json(200, {});
      }

      if (req.method === "DELETE" && parts.length === 3) {
        const body = await readJson(req);
        if (body instanceof Response) return body;
        const record = await authorized(parts[2]!, body);
        if (record instanceof Response) return record;
        // The deletion is durable (queued in the store) from the first
        // attempt on, so OpenCode may forget the share even if the server is
        // slow or down.
        const result = uploader.unshare(record.sessionId);
        await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, deleteWaitMs))]);
        return json(200, { ok: true });
      }

      return error(404, "NOT_FOUND", "unknown route");
    } catch (err) {
      if (err instanceof ShareError) {
        log("warn", "share request failed", { path: url.pathname, error: err.message });
        if (err.code === "TOKEN_REQUIRED" || err.code === "INVALID_TOKEN") options.notify?.(`better-share: ${err.message}`, "error");
        return error(err.status, err.code, err.message);
      }
      log("error", "adapter request failed", { path: url.pathname, error: errorMessage(err) });
      return error(500, "INTERNAL", errorMessage(err));
    }
  };
}

async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text === "") return {};
  try {
    const value = JSON.parse(text);
    if (value && typeof value === "object") return value;
  } catch {
    // answered below
  }
  return error(400, "INVALID_JSON", "request body must be a JSON object");
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function error(status: number, code: string, message: string): Response {
  return json(status, { error: message, code });
}
