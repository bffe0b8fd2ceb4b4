// The share service: creation, sync, reads and deletion for both protocols,
// plus the in-memory snapshot cache the pages read from (ShareSource).
import type { Config } from "../config.ts";
import { ApiError, notFound, tooLarge } from "./errors.ts";
import { blobKey, randomShareId, shareIdFromSession } from "./ids.ts";
import { SHARE_FORMAT_V2, type NativeItem, type ShareData } from "./model.ts";
import { hashSecret, newSecret, secretMatches } from "./secrets.ts";
import { checkShareData, itemKey, NativeAssembly, toNativeItems } from "./share-data.ts";
import type { ShareLookup, ShareSnapshot, ShareSource } from "./share-source.ts";
import { noTelemetry, type Telemetry } from "./telemetry.ts";
import type { BlobStore } from "../stores/blob-store.ts";
import type { ItemWrite, ShareRecord, ShareStore } from "../stores/share-store.ts";

type Cfg = Pick<Config, "baseUrl" | "maxShareBytes" | "presignTtlSeconds">;

interface Entry {
  shareId: string;
  /** Blob ETag (seed) or "n<version>" (native). */
  version: string;
  protocol: "seed" | "native";
  lookup: ShareLookup;
  /** Serialized ShareData, made on first API read of this version. */
  json: string | null;
  bytes: number;
  checkedAt: number;
  /** Native shares: the assembly and the item sequence it has applied up to. */
  assembly?: NativeAssembly;
  seq?: number;
}

export interface SeedCreated {
  presignedUrl: string;
  secret: string;
  url: string;
  expiresAt: string;
}

export interface ServiceOptions {
  /** Bytes of snapshots kept in memory. */
  cacheBytes?: number;
  /** How stale a cached snapshot may be before a page view revalidates it. */
  revalidateMs?: number;
  now?: () => number;
  telemetry?: Telemetry;
}

export class ShareService implements ShareSource {
  private cache = new Map<string, Entry>();
  private cacheBytes = 0;
  private maxCacheBytes: number;
  private revalidateMs: number;
  private inflight = new Map<string, Promise<Entry | null>>();
  private listeners = new Set<(id: string) => void>();
  private now: () => number;
  private telemetry: Telemetry;

  constructor(
    readonly shares: ShareStore,
    readonly blobs: BlobStore,
    private cfg: Cfg,
    opts: ServiceOptions = {},
  ) {
    this.maxCacheBytes = opts.cacheBytes ?? 256 * 1024 * 1024;
    this.revalidateMs = opts.revalidateMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.telemetry = opts.telemetry ?? noTelemetry;
  }

  shareUrl(shareId: string): string {
    return `${this.cfg.baseUrl}/share/${shareId}`;
  }

  private checkSize(size: number | undefined): void {
    if (size !== undefined && size > this.cfg.maxShareBytes) throw tooLarge(this.cfg.maxShareBytes, size);
  }

  private async presign(shareId: string, size?: number): Promise<{ presignedUrl: string; expiresAt: string }> {
    const expiresAt = new Date(this.now() + this.cfg.presignTtlSeconds * 1000).toISOString();
    const presignedUrl = await this.blobs.presignPut(blobKey(shareId), { size, expiresInSeconds: this.cfg.presignTtlSeconds });
    return { presignedUrl, expiresAt };
  }

  // ── seed protocol ──────────────────────────────────────────────────────────

  /** Creates a share for the plugin. The caller has checked id formats and counted the rate limit. */
  async createSeed(input: { shareId: string; sessionId: string; size?: number; owner?: string | null }): Promise<SeedCreated> {
    this.checkSize(input.size);
    const secret = newSecret();
    const res = await this.shares.insert({
      shareId: input.shareId,
      sessionId: input.sessionId,
      secretHash: hashSecret(secret),
      protocol: "seed",
      sizeBytes: input.size ?? null,
      owner: input.owner ?? null,
    });
    if (res !== "created")
      throw new ApiError(409, "SHARE_EXISTS", "This session is already shared; sync it with its secret or delete the share first.");
    this.forget(input.shareId);
    this.telemetry.shareCreated("seed");
    const p = await this.presign(input.shareId, input.size);
    return { presignedUrl: p.presignedUrl, secret, url: this.shareUrl(input.shareId), expiresAt: p.expiresAt };
  }

  /** Authenticates a secret against a share; 404 before 401/403 (existence is public anyway). */
  async authorize(shareId: string, secret: string | undefined): Promise<ShareRecord> {
    const rec = await this.shares.get(shareId);
    if (!rec) throw notFound();
    if (secret === undefined || secret === "")
      throw new ApiError(401, "MISSING_SECRET", "Send the share's secret (X-Share-Secret header) to change or delete it.");
    if (!secretMatches(secret, rec.secretHash))
      throw new ApiError(403, "INVALID_SECRET", "The secret does not match this share.");
    return rec;
  }

  async presignSync(shareId: string, secret: string | undefined, size?: number): Promise<Omit<SeedCreated, "secret">> {
    const rec = await this.authorize(shareId, secret);
    if (rec.protocol !== "seed")
      throw new ApiError(409, "WRONG_PROTOCOL", "This share was made by OpenCode's native protocol; sync it with POST /api/share/:id/sync.");
    this.checkSize(size);
    await this.shares.touch(shareId, size !== undefined ? { sizeBytes: size } : {});
    const p = await this.presign(shareId, size);
    this.markStale(shareId);
    this.telemetry.synced("seed");
    return { presignedUrl: p.presignedUrl, url: this.shareUrl(shareId), expiresAt: p.expiresAt };
  }

  async delete(shareId: string, secret: string | undefined): Promise<void> {
    await this.authorize(shareId, secret);
    // Blob first: if the row went first, a failure would leave an orphan blob
    // no one could delete. A retry after any partial failure finishes the job.
    await this.blobs.delete(blobKey(shareId));
    await this.shares.delete(shareId);
    this.forget(shareId);
    this.emit(shareId);
    this.telemetry.shareDeleted("unshare");
  }

  // ── native protocol ────────────────────────────────────────────────────────

  async createNative(sessionId: string, owner: string | null = null): Promise<{ id: string; url: string; secret: string }> {
    const existing = await this.shares.getBySession(sessionId);
    if (existing)
      throw new ApiError(409, "SHARE_EXISTS", "This session is already shared; unshare it first to share it again.");
    const secret = newSecret();
    let shareId = shareIdFromSession(sessionId);
    for (let attempt = 0; attempt < 8; attempt++) {
      const res = await this.shares.insert({ shareId, sessionId, secretHash: hashSecret(secret), protocol: "native", owner });
      if (res === "created") {
        this.forget(shareId);
        this.telemetry.shareCreated("native");
        return { id: shareId, url: this.shareUrl(shareId), secret };
      }
      if (res === "session_shared")
        throw new ApiError(409, "SHARE_EXISTS", "This session is already shared; unshare it first to share it again.");
      shareId = randomShareId();
    }
    throw new ApiError(503, "ID_EXHAUSTED", "Could not find a free share id; try again.");
  }

  /** Validates a whole batch first, then writes it in one transaction: all or nothing. */
  async syncNative(shareId: string, secret: string | undefined, items: NativeItem[]): Promise<void> {
    const rec = await this.authorize(shareId, secret);
    if (rec.protocol !== "native")
      throw new ApiError(409, "WRONG_PROTOCOL", "This share was made by the plugin protocol; upload through POST /api/share/:id/presign.");
    const writes: ItemWrite[] = [];
    let title: string | undefined;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const key = itemKey(it);
      if (key === null)
        throw new ApiError(400, "INVALID_ITEM", `Item ${i} (${it.type}) has no id (messages need data.id, parts need data.id and data.messageID).`);
      const d = it.data as Record<string, unknown>;
      const owner = it.type === "session" ? d.id : it.type === "message" || it.type === "part" ? d.sessionID : rec.sessionId;
      if (owner !== rec.sessionId)
        throw new ApiError(400, "FOREIGN_ITEM", `Item ${i} (${it.type}) belongs to session ${String(owner)}, not to this share's session.`);
      if (it.type === "session" && typeof d.title === "string") title = d.title.slice(0, 500);
      writes.push({ key, data: JSON.stringify(it.data) });
    }
    // Within one batch the last item of an identity wins, as across batches.
    const dedup = new Map<string, ItemWrite>();
    for (const w of writes) dedup.set(w.key, w);
    const v = await this.shares.putItems(shareId, [...dedup.values()], title !== undefined ? { title } : {});
    if (v === null) throw notFound();
    this.markStale(shareId);
    this.emit(shareId);
    this.telemetry.synced("native");
  }

  async nativeItems(shareId: string): Promise<NativeItem[]> {
    const e = await this.revalidate(shareId);
    const l = e?.lookup ?? { status: "not_found" as const };
    if (l.status === "not_found") throw notFound();
    if (e?.version === "missing") throw notFound("This share has no data yet: its upload has not finished.");
    if (l.status === "unreadable") throw new ApiError(422, "UNREADABLE", `This share cannot be read: ${l.reason}.`);
    if (l.snapshot.format === SHARE_FORMAT_V2)
      throw new ApiError(
        409,
        "NOT_IMPORTABLE",
        `This share was made with OpenCode 2, and \`opencode import\` reads only OpenCode 1 sessions. Read it at /share/${shareId}, as Markdown at /share/${shareId}.md, or as uploaded at /api/share/${shareId}.`,
      );
    return toNativeItems(l.snapshot.data);
  }

  // ── reads ──────────────────────────────────────────────────────────────────

  /** The API read: always revalidated against the stores, answered as JSON text. */
  async readJson(shareId: string): Promise<{ json: string; version: string }> {
    const e = await this.revalidate(shareId);
    if (!e || e.lookup.status === "not_found") throw notFound();
    if (e.version === "missing") throw notFound("This share has no data yet: its upload has not finished.");
    if (e.lookup.status === "unreadable") throw new ApiError(422, "UNREADABLE", `This share cannot be read: ${e.lookup.reason}.`);
    if (e.json === null) e.json = JSON.stringify(e.lookup.snapshot.data);
    return { json: e.json, version: e.version };
  }

  async lookup(shareId: string): Promise<ShareLookup> {
    const e = this.cache.get(shareId);
    if (e) {
      this.cache.delete(shareId);
      this.cache.set(shareId, e); // LRU order
      if (this.now() - e.checkedAt >= this.revalidateMs) void this.revalidate(shareId).catch(() => {});
      return e.lookup;
    }
    const fresh = await this.revalidate(shareId);
    return fresh ? fresh.lookup : { status: "not_found" };
  }

  onChange(listener: (shareId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(shareId: string): void {
    for (const l of this.listeners) {
      try {
        l(shareId);
      } catch {}
    }
  }

  /** Marks a share's snapshot stale, e.g. after an upload the server saw. */
  invalidate(shareId: string): void {
    this.markStale(shareId);
  }

  private markStale(shareId: string): void {
    const e = this.cache.get(shareId);
    if (e) e.checkedAt = 0;
  }

  private forget(shareId: string): void {
    const e = this.cache.get(shareId);
    if (e) {
      this.cacheBytes -= e.bytes;
      this.cache.delete(shareId);
    }
  }

  private store(e: Entry): void {
    this.forget(e.shareId);
    if (e.bytes > this.maxCacheBytes / 2) return;
    this.cache.set(e.shareId, e);
    this.cacheBytes += e.bytes;
    for (const [id, old] of this.cache) {
      if (this.cacheBytes <= this.maxCacheBytes) break;
      this.cacheBytes -= old.bytes;
      this.cache.delete(id);
    }
  }

  /** One revalidation per share at a time; concurrent callers share it. */
  revalidate(shareId: string): Promise<Entry | null> {
    let p = this.inflight.get(shareId);
    if (!p) {
      p = this.doRevalidate(shareId).finally(() => this.inflight.delete(shareId));
      this.inflight.set(shareId, p);
    }
    return p;
  }

  private async doRevalidate(shareId: string): Promise<Entry | null> {
    const prev = this.cache.get(shareId);
    const rec = await this.shares.get(shareId);
    if (!rec) {
      if (prev) {
        this.forget(shareId);
        this.emit(shareId);
      }
      return null;
    }
    const next = rec.protocol === "native" ? await this.readNative(rec, prev) : await this.readSeed(rec, prev);
    next.checkedAt = this.now();
    if (next !== prev) {
      this.store(next);
      if (prev && prev.version !== next.version) this.emit(shareId);
    }
    return next;
  }

  private unreadable(rec: ShareRecord, version: string, reason: string): Entry {
    return { shareId: rec.shareId, version, protocol: rec.protocol, lookup: { status: "unreadable", reason }, json: null, bytes: 256, checkedAt: 0 };
  }

  private async readSeed(rec: ShareRecord, prev: Entry | undefined): Promise<Entry> {
    const key = blobKey(rec.shareId);
    const ifNoneMatch = prev && prev.protocol === "seed" ? prev.version : undefined;
    const r = await this.blobs.get(key, { ifNoneMatch, maxBytes: this.cfg.maxShareBytes });
    if (r.status === "not_modified") return prev!;
    if (r.status === "missing") return this.unreadable(rec, "missing", "its data has not been uploaded yet");
    if (r.status === "too_large")
      return this.unreadable(rec, `big-${r.size}`, `its data is ${r.size} bytes, over this server's limit of ${this.cfg.maxShareBytes}`);
    let parsed: unknown;
    const text = new TextDecoder().decode(r.body);
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.unreadable(rec, r.etag, "its data is not valid JSON");
    }
    const checked = checkShareData(parsed);
    if (!checked.ok) return this.unreadable(rec, r.etag, checked.reason);
    const snapshot: ShareSnapshot = { shareId: rec.shareId, version: r.etag, size: r.size, data: checked.data, format: checked.format };
    return { shareId: rec.shareId, version: r.etag, protocol: "seed", lookup: { status: "ok", snapshot }, json: text, bytes: r.size * 3, checkedAt: 0 };
  }

  private async readNative(rec: ShareRecord, prev: Entry | undefined): Promise<Entry> {
    const version = `n${rec.version}`;
    if (prev && prev.protocol === "native" && prev.version === version) return prev;
    // Apply only what changed since the cached assembly: cost follows the delta.
    const reuse = prev && prev.protocol === "native" && prev.assembly ? prev : undefined;
    const assembly = reuse?.assembly ?? new NativeAssembly();
    const since = reuse?.seq ?? -1;
    const items = await this.shares.listItemsSince(rec.shareId, since);
    let seq = since;
    let bytes = reuse ? reuse.bytes : 0;
    for (const it of items) {
      try {
        assembly.apply(it.key, JSON.parse(it.data));
      } catch {}
      if (it.seq > seq) seq = it.seq;
      bytes += it.data.length * 3;
    }
    const data: ShareData = assembly.toShareData(rec.shareId, rec.sessionId, rec.createdAt, rec.updatedAt);
    const snapshot: ShareSnapshot = { shareId: rec.shareId, version, size: Math.round(bytes / 3), data };
    return { shareId: rec.shareId, version, protocol: "native", lookup: { status: "ok", snapshot }, json: null, bytes, checkedAt: 0, assembly, seq };
  }
}
