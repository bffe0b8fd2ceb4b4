import { randomBytes } from "node:crypto";
import { errorMessage, HttpError, isRetryable, isShareLost, ShareApi, type ShareStats } from "./api.js";
import { redact, RedactionMemo } from "./redact.js";
import type { SecretStore, ShareRecord } from "./secret-store.js";
import { shareIdOf, type Upload } from "./protocol.js";
import { SessionMissingError } from "./share-data.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type Log = (level: LogLevel, message: string, extra?: Record<string, unknown>) => void;
export type Notify = (message: string, variant: "info" | "success" | "warning" | "error") => void;

export interface UploaderOptions {
  /** Server origin for new shares. Existing shares keep talking to the origin that issued their secret. */
  baseUrl: string;
  store: SecretStore;
  build: (sessionId: string) => Promise<Upload>;
  /** Redact before upload; on unless the user turns it off. */
  redact?: boolean;
  home?: string;
  log?: Log;
  notify?: Notify;
  /** Least time between two uploads of one share. */
  debounceMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Creation token for `baseUrl`; shares on other origins were created already and need none. */
  token?: string;
  apiFor?: (baseUrl: string, token?: string) => ShareApi;
  random?: () => number;
}

export class ShareError extends Error {
  // Same order as the server's ApiError: status, code, sentence.
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ShareError";
  }
}

export interface UnshareResult {
  /** The share is gone from the server. */
  removed: boolean;
  /** The server could not be reached; deletion is queued and retried. */
  pending: boolean;
  record?: ShareRecord;
}

interface SessionState {
  dirty: boolean;
  timer?: ReturnType<typeof setTimeout>;
  timerAt?: number;
  attempt: number;
  lastDurationMs: number;
  lastEndedAt: number;
  lastHash?: bigint | number;
  /** OpenCode events about this share's sessions so far, and how many of them the latest build already saw. */
  events: number;
  eventsBuilt: number;
  /** An upload is running; changes meanwhile wait for it to end. */
  syncing: boolean;
  /** The turn ended while an upload ran: what changed meanwhile goes up right after it. */
  urgent: boolean;
}

/** How many times its own duration the next upload of a session waits (see `cooldown`). */
const SPACING = 4;

// Coalescing model: every change only marks a share dirty and arms one timer;
// the timer runs one upload of the newest state under the session's lock, so
// at most one upload per session is in flight and a burst of changes costs
// one upload. Failures keep the share dirty and re-arm with backoff.
export class Uploader {
  private readonly states = new Map<string, SessionState>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly active = new Set<string>();
  /** Sub-agent session → the shared session it belongs to. */
  private readonly rootOf = new Map<string, string>();
  private readonly apis = new Map<string, ShareApi>();
  /** Per shared session, so a re-upload only scans strings that are new. */
  private readonly memos = new Map<string, RedactionMemo>();
  private readonly log: Log;
  private readonly notify: Notify;
  private readonly debounceMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly random: () => number;
  private disposed = false;

  constructor(private readonly options: UploaderOptions) {
    this.log = options.log ?? (() => {});
    this.notify = options.notify ?? (() => {});
    this.debounceMs = options.debounceMs ?? 1000;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.random = options.random ?? Math.random;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** Load known shares and resume deletions interrupted by a restart. */
  async init(): Promise<void> {
    for (const record of await this.options.store.list()) {
      if (record.state === "active") this.active.add(record.sessionId);
      if (record.state === "deleting") this.retryDelete(record.sessionId, 0);
    }
  }

  isShared(sessionId: string): boolean {
    return this.active.has(sessionId);
  }

  /**
   * Create the share (or return the existing one) and upload the first
   * version. `expiresIn` (seconds) only applies to a new share.
   */
  share(sessionId: string, options: { expiresIn?: number } = {}): Promise<ShareRecord> {
    return this.locked(sessionId, async () => {
      const existing = await this.options.store.get(sessionId);
      if (existing?.state === "active") {
        this.active.add(sessionId);
        this.markDirty(sessionId, 0);
        return existing;
      }
      if (existing?.state === "deleting") {
        const done = await this.deleteNow(existing);
        if (!done.removed) {
          throw new ShareError(503, "UNSHARE_PENDING", "the previous unshare of this session has not reached the server yet; try again shortly");
        }
      } else if (existing) {
        await this.options.store.remove(sessionId);
      }

      const api = this.api(this.options.baseUrl);
      const shareId = shareIdOf(sessionId);
      const body = await this.encode(sessionId);
      let created;
      try {
        created = await api.create(shareId, sessionId, body.bytes.length, options.expiresIn);
      } catch (err) {
        throw toShareError(err, api.baseUrl, shareId);
      }
      const record: ShareRecord = {
        sessionId,
        shareId,
        baseUrl: api.baseUrl,
        url: isHttpUrl(created.url) ? created.url : api.shareUrl(shareId),
        secret: created.secret,
        localToken: randomBytes(24).toString("base64url"),
        title: body.title,
        createdAt: Date.now(),
        state: "active",
      };
      // On disk before anyone learns the share exists: OpenCode can be
      // killed right after it gets the answer, and the secret is the only
      // way to ever sync or delete this share.
      await this.options.store.put(record);
      this.active.add(sessionId);
      this.log("info", "share created", { sessionID: sessionId, shareID: shareId, url: record.url, redacted: body.redacted });
      const state = this.state(sessionId);
      try {
        await api.upload(created.presignedUrl, body.bytes);
        state.lastHash = body.hash;
        state.attempt = 0;
      } catch (err) {
        this.failed(sessionId, record, err);
      }
      return record;
    });
  }

  /** Changes the lifetime of this session's share (null: as long as the server allows). */
  async setExpiry(sessionId: string, expiresIn: number | null): Promise<{ record: ShareRecord; shareExpiresAt: string | null }> {
    const record = await this.options.store.get(sessionId);
    if (!record || record.state !== "active") throw new ShareError(404, "NOT_SHARED", "this session is not shared; /share it first");
    const api = this.api(record.baseUrl);
    try {
      const { shareExpiresAt } = await api.setExpiry(record.shareId, record.secret, expiresIn);
      return { record, shareExpiresAt };
    } catch (err) {
      throw toShareError(err, api.baseUrl, record.shareId);
    }
  }

  /** The server's figures for a share this machine made. */
  stats(record: ShareRecord): Promise<ShareStats> {
    return this.api(record.baseUrl).stats(record.shareId, record.secret);
  }

  /** Something changed in this session (or one of its sub-agents). */
  changed(sessionId: string): void {
    const root = this.rootOf.get(sessionId) ?? sessionId;
    if (!this.active.has(root)) return;
    this.state(root).events++;
    this.markDirty(root, this.debounceMs);
  }

  /** OpenCode reported a change to a share it holds; the stored record is proof it is ours, even if another instance created it. */
  changedShare(record: ShareRecord): void {
    if (record.state !== "active") return;
    this.active.add(record.sessionId);
    // OpenCode's native sync trails, by its one-second debounce, the events
    // that already reached `changed`. When the latest build began after the
    // latest event it has nothing new, and rebuilding a large session costs
    // about as much as the upload itself. Without events it is the only signal.
    const state = this.states.get(record.sessionId);
    if (state && state.events > 0 && state.eventsBuilt === state.events) return;
    this.markDirty(record.sessionId, this.debounceMs);
  }

  /** A turn of this session (or of a sub-agent) ended: upload what it left pending now instead of after the throttle interval. */
  settled(sessionId: string): void {
    const root = this.rootOf.get(sessionId) ?? sessionId;
    const state = this.states.get(root);
    // Retries keep their backoff.
    if (!state || !this.active.has(root) || state.attempt > 0) return;
    if (state.syncing) state.urgent = true;
    else if (state.dirty && state.timer) this.arm(root, state, 0);
  }

  /** A sub-agent session appeared; its changes belong to the share of its root session. */
  linkChild(childId: string, parentId: string): void {
    const root = this.rootOf.get(parentId) ?? parentId;
    if (root !== childId) this.rootOf.set(childId, root);
  }

  /** Upload now if anything is pending; resolves when that upload is done. */
  async flush(sessionId: string): Promise<void> {
    const state = this.states.get(sessionId);
    if (!state) return;
    this.clearTimer(state);
    await this.sync(sessionId);
  }

  unshare(sessionId: string): Promise<UnshareResult> {
    this.active.delete(sessionId);
    const state = this.states.get(sessionId);
    if (state) this.clearTimer(state);
    return this.locked(sessionId, async () => {
      const record = await this.options.store.get(sessionId);
      if (!record) return { removed: false, pending: false };
      if (record.state !== "deleting") await this.options.store.update(sessionId, { state: "deleting" });
      const result = await this.deleteNow(record);
      if (result.pending) this.retryDelete(sessionId, 1);
      return result;
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const pending = [...this.states.entries()].filter(([, s]) => s.dirty).map(([id]) => id);
    for (const state of this.states.values()) this.clearTimer(state);
    // Last chance for changes still in the debounce window; bounded so
    // shutdown never waits on a dead server.
    await Promise.race([
      Promise.allSettled(pending.map((id) => this.sync(id))),
      new Promise((resolve) => setTimeout(resolve, 5000).unref?.()),
    ]);
  }

  private markDirty(sessionId: string, delayMs: number): void {
    if (this.disposed) return;
    const state = this.state(sessionId);
    state.dirty = true;
    // Throttle, not debounce: a session that changes every 100 ms must still
    // be uploaded about once per interval instead of never. A running upload
    // arms the next one when it ends, once its cost is known.
    if (state.timer || state.syncing) return;
    this.arm(sessionId, state, Math.max(delayMs, state.attempt > 0 ? 0 : this.cooldown(state)));
  }

  /**
   * Time until the next upload may start, so that uploading one session
   * (rebuild, redaction, transfer) takes at most 1 / (1 + SPACING) of the
   * time: a 20 MB session costs ~0.7 s of CPU per upload, and a long turn
   * would otherwise keep a core half busy. The end of a turn (`settled`)
   * does not wait.
   */
  private cooldown(state: SessionState): number {
    return Math.max(0, state.lastEndedAt + SPACING * state.lastDurationMs - Date.now());
  }

  private arm(sessionId: string, state: SessionState, delayMs: number): void {
    if (this.disposed) return;
    this.clearTimer(state);
    state.timerAt = Date.now() + delayMs;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.sync(sessionId);
    }, delayMs);
    state.timer.unref?.();
  }

  private clearTimer(state: SessionState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
  }

  private sync(sessionId: string): Promise<void> {
    return this.locked(sessionId, async () => {
      const state = this.state(sessionId);
      if (!state.dirty) return;
      const record = await this.options.store.get(sessionId).catch(() => undefined);
      if (!record || record.state !== "active") {
        this.active.delete(sessionId);
        this.memos.delete(sessionId);
        state.dirty = false;
        return;
      }
      state.dirty = false;
      state.syncing = true;
      const started = Date.now();
      try {
        const body = await this.encode(sessionId);
        if (body.hash !== state.lastHash) {
          const api = this.api(record.baseUrl);
          const signed = await api.presign(record.shareId, record.secret, body.bytes.length);
          await api.upload(signed.presignedUrl, body.bytes);
          state.lastHash = body.hash;
          this.log("debug", "share synced", { sessionID: sessionId, shareID: record.shareId, bytes: body.bytes.length });
        }
        if (state.attempt > 0) this.log("info", "share sync recovered", { sessionID: sessionId, shareID: record.shareId });
        state.attempt = 0;
        state.lastEndedAt = Date.now();
        state.lastDurationMs = state.lastEndedAt - started;
        if (state.dirty) this.arm(sessionId, state, state.urgent ? 0 : Math.max(this.debounceMs, this.cooldown(state)));
      } catch (err) {
        state.dirty = true;
        this.failed(sessionId, record, err);
      } finally {
        state.syncing = false;
        state.urgent = false;
      }
    });
  }

  private failed(sessionId: string, record: ShareRecord, err: unknown): void {
    const state = this.state(sessionId);
    if (err instanceof SessionMissingError) {
      this.log("info", "shared session no longer exists; unsharing", { sessionID: sessionId });
      void this.unshare(sessionId).catch(() => {});
      return;
    }
    if (isShareLost(err)) {
      const reason = `the server answered ${(err as HttpError).status} (${(err as HttpError).code})`;
      this.active.delete(sessionId);
      this.memos.delete(sessionId);
      state.dirty = false;
      this.clearTimer(state);
      void this.options.store.update(sessionId, { state: "stopped", reason }).catch(() => {});
      this.log("error", "share sync stopped", { sessionID: sessionId, shareID: record.shareId, reason });
      this.notify(`Stopped syncing ${record.url}: ${reason}. Share again to publish a new copy.`, "error");
      return;
    }
    state.attempt += 1;
    const hinted = err instanceof HttpError ? err.retryAfterMs : undefined;
    const delay = Math.max(this.backoff(state.attempt), hinted ?? 0);
    this.log(state.attempt === 1 ? "warn" : "debug", "share sync failed; will retry", {
      sessionID: sessionId,
      shareID: record.shareId,
      attempt: state.attempt,
      retryInMs: Math.round(delay),
      error: errorMessage(err),
      retryable: isRetryable(err),
    });
    state.dirty = true;
    this.arm(sessionId, state, delay);
  }

  private backoff(attempt: number): number {
    const raw = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (attempt - 1));
    return raw * (0.8 + 0.4 * this.random());
  }

  private async deleteNow(record: ShareRecord): Promise<UnshareResult> {
    const api = this.api(record.baseUrl);
    try {
      await api.remove(record.shareId, record.secret);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) {
        // Already gone on the server: the outcome the user asked for.
      } else if (isRetryable(err)) {
        this.log("warn", "unshare could not reach the server; will retry", {
          sessionID: record.sessionId,
          shareID: record.shareId,
          error: errorMessage(err),
        });
        return { removed: false, pending: true, record };
      } else {
        await this.options.store.remove(record.sessionId);
        this.forget(record.sessionId);
        this.log("error", "unshare refused by the server", { sessionID: record.sessionId, shareID: record.shareId, error: errorMessage(err) });
        this.notify(`Could not unshare ${record.url}: ${errorMessage(err)}`, "error");
        return { removed: false, pending: false, record };
      }
    }
    await this.options.store.remove(record.sessionId);
    this.forget(record.sessionId);
    for (const [child, root] of this.rootOf) if (root === record.sessionId) this.rootOf.delete(child);
    this.log("info", "share removed", { sessionID: record.sessionId, shareID: record.shareId });
    return { removed: true, pending: false, record };
  }

  private retryDelete(sessionId: string, attempt: number): void {
    if (this.disposed) return;
    const timer = setTimeout(() => {
      void this.locked(sessionId, async () => {
        const record = await this.options.store.get(sessionId);
        if (!record || record.state !== "deleting") return;
        const result = await this.deleteNow(record);
        if (result.pending) this.retryDelete(sessionId, attempt + 1);
      }).catch(() => {});
    }, attempt === 0 ? 0 : this.backoff(attempt));
    timer.unref?.();
  }

  private async encode(sessionId: string) {
    const state = this.state(sessionId);
    state.eventsBuilt = state.events;
    const data = await this.options.build(sessionId);
    for (const child of Object.keys(data.subsessions ?? {})) this.rootOf.set(child, sessionId);
    let redacted: Record<string, number> = {};
    let value = data;
    if (this.options.redact !== false) {
      let memo = this.memos.get(sessionId);
      if (!memo) this.memos.set(sessionId, (memo = new RedactionMemo()));
      const result = redact(data, { home: this.options.home, memo });
      value = result.value;
      redacted = result.counts;
    }
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    return { bytes, hash: Bun.hash(bytes), title: value.session.title, redacted };
  }

  private api(baseUrl: string): ShareApi {
    let api = this.apis.get(baseUrl);
    if (!api) {
      const token = baseUrl === this.options.baseUrl ? this.options.token : undefined;
      api = this.options.apiFor ? this.options.apiFor(baseUrl, token) : new ShareApi(baseUrl, { token });
      this.apis.set(baseUrl, api);
    }
    return api;
  }

  private forget(sessionId: string): void {
    this.states.delete(sessionId);
    this.memos.delete(sessionId);
  }

  private state(sessionId: string): SessionState {
    let state = this.states.get(sessionId);
    if (!state) {
      state = { dirty: false, attempt: 0, lastDurationMs: 0, lastEndedAt: 0, events: 0, eventsBuilt: 0, syncing: false, urgent: false };
      this.states.set(sessionId, state);
    }
    return state;
  }

  private locked<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(sessionId) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.catch(() => {});
    this.locks.set(sessionId, settled);
    void settled.then(() => {
      if (this.locks.get(sessionId) === settled) this.locks.delete(sessionId);
    });
    return run;
  }
}

function toShareError(err: unknown, baseUrl: string, shareId: string): ShareError {
  if (err instanceof HttpError) {
    if (err.status === 409) {
      return new ShareError(
        409,
        err.code,
        `${baseUrl} already has a share ${shareId} for this session, and this machine holds no secret for it`,
      );
    }
    // Said once, to the user, and never retried: only a new token helps.
    if (err.code === "TOKEN_REQUIRED")
      return new ShareError(
        401,
        err.code,
        `${baseUrl} only lets token holders create shares: set BETTER_SHARE_TOKEN (or the plugin option "token") to the token its operator gave you`,
      );
    if (err.code === "INVALID_TOKEN")
      return new ShareError(403, err.code, `${baseUrl} refused your creation token (BETTER_SHARE_TOKEN or the plugin option "token"): ${err.message}`);
    return new ShareError(err.status >= 500 ? 502 : err.status, err.code, `${baseUrl} refused the share: ${err.message}`);
  }
  return new ShareError(502, "UPSTREAM_UNREACHABLE", `cannot reach ${baseUrl}: ${errorMessage(err)}`);
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
