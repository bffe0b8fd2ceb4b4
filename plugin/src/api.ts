import type { CreatedShare, CreateShareRequest, Presigned, ShareStats } from "./protocol.js";

export type { ShareStats };

// Client for the better-share upload protocol (README, "HTTP API"). Session
// content never goes to the server itself: it is PUT straight to the
// presigned URL.

/** The server (or the blob store behind a presigned URL) answered with an error status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The request never got an answer: connection refused, reset, DNS, timeout. */
export class NetworkError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = "NetworkError";
  }
}

/** Worth trying again later: the server or the store may come back. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof NetworkError) return true;
  if (err instanceof HttpError) return err.status >= 500 || err.status === 408 || err.status === 429;
  return false;
}

/** The share is gone or no longer ours: syncing it again cannot succeed. */
export function isShareLost(err: unknown): boolean {
  return err instanceof HttpError && (err.status === 401 || err.status === 403 || err.status === 404);
}

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ShareApiOptions {
  fetch?: FetchLike;
  /** Per-request limit; a hung server must not hold a share's queue forever. */
  timeoutMs?: number;
  /** Creation token, sent as `Authorization: Bearer` when creating a share and never otherwise. */
  token?: string;
}

export class ShareApi {
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly token?: string;

  constructor(readonly baseUrl: string, options: ShareApiOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.token = options.token;
  }

  shareUrl(shareId: string): string {
    return `${this.baseUrl}/share/${shareId}`;
  }

  create(shareId: string, sessionId: string, size: number, expiresIn?: number): Promise<CreatedShare> {
    const body: CreateShareRequest = { shareId, sessionId, size };
    // Only when asked for: a server without expiry rejects the field.
    if (expiresIn !== undefined) body.expiresIn = expiresIn;
    return this.json<CreatedShare>("POST", "/api/share/presign", body, undefined, this.token);
  }

  presign(shareId: string, secret: string, size: number): Promise<Presigned> {
    return this.json<Presigned>("POST", `/api/share/${encodeURIComponent(shareId)}/presign`, { size }, secret);
  }

  /** Sets the share's lifetime (seconds from now), or null for as long as the server allows. */
  setExpiry(shareId: string, secret: string, expiresIn: number | null): Promise<{ shareExpiresAt: string | null }> {
    return this.json("POST", `/api/share/${encodeURIComponent(shareId)}/expiry`, { expiresIn }, secret);
  }

  /** Views, size and expiry of a share, for its owner. */
  stats(shareId: string, secret: string): Promise<ShareStats> {
    return this.json<ShareStats>("GET", `/api/share/${encodeURIComponent(shareId)}/stats`, undefined, secret);
  }

  async remove(shareId: string, secret: string): Promise<void> {
    await this.json<unknown>("DELETE", `/api/share/${encodeURIComponent(shareId)}`, undefined, secret);
  }

  /** PUT the exact bytes the URL was signed for. */
  async upload(presignedUrl: string, body: Uint8Array<ArrayBuffer>): Promise<void> {
    const res = await this.send(presignedUrl, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body,
    });
    if (!res.ok) throw await toHttpError(res);
    await res.body?.cancel().catch(() => {});
  }

  private async json<T>(method: string, path: string, body?: unknown, secret?: string, token?: string): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (secret !== undefined) headers["X-Share-Secret"] = secret;
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    const res = await this.send(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw await toHttpError(res);
    try {
      return (await res.json()) as T;
    } catch (err) {
      throw new HttpError(res.status, "BAD_RESPONSE", `${method} ${path} answered ${res.status} with a body that is not JSON`);
    }
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new NetworkError(`${init.method ?? "GET"} ${redactQuery(url)} failed: ${errorMessage(err)}`, err);
    }
  }
}

async function toHttpError(res: Response): Promise<HttpError> {
  let code = `HTTP_${res.status}`;
  let message = `${res.status} ${res.statusText}`.trim();
  const text = await res.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { error?: unknown; code?: unknown };
    if (typeof parsed.code === "string") code = parsed.code;
    if (typeof parsed.error === "string") message = parsed.error;
  } catch {
    // S3-style stores answer XML; the status says enough.
  }
  return new HttpError(res.status, code, message, retryAfterMs(res.headers.get("retry-after")));
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Presigned URLs carry credentials in the query; never log them. */
export function redactQuery(url: string): string {
  const i = url.indexOf("?");
  return i === -1 ? url : `${url.slice(0, i)}?…`;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
