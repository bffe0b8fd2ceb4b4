// The share service: what the API asks for — creation, sync, reads and
// deletion for both protocols, and the store health check. Reads go through
// the snapshot cache (share-cache.ts), which the pages read from too.
import type { Config } from "../config.ts";
import { MAX_DURATION_SECONDS } from "./duration.ts";
import { ApiError, expired, notFound, tooLarge } from "./errors.ts";
import { blobKey, randomShareId, shareIdFromSession } from "./ids.ts";
import { SHARE_FORMAT_V2, type NativeItem } from "./model.ts";
import { hashSecret, newSecret, secretMatches } from "./secrets.ts";
import { itemKey, toNativeItems } from "./share-data.ts";
import { ShareCache, type CacheOptions } from "./share-cache.ts";
import { noTelemetry, type Telemetry } from "./telemetry.ts";
import type { BlobStore } from "../stores/blob-store.ts";
import type { ItemWrite, ShareRecord, ShareStore } from "../stores/share-store.ts";

type Cfg = Pick<Config, "baseUrl" | "maxShareBytes" | "presignTtlSeconds"> & Partial<Pick<Config, "shareTtlDefault" | "shareTtlMax">>;

export interface UploadCreated {
  presignedUrl: string;
  secret: string;
  url: string;
  /** When the upload URL stops working. */
  expiresAt: string;
  /** When the share itself expires; null = never. */
  shareExpiresAt: string | null;
}

export interface ServiceOptions extends CacheOptions {
  telemetry?: Telemetry;
}

export interface ShareStats {
  views: number;
  sizeBytes: number | null;
  createdAt: string;
  updatedAt: string;
  shareExpiresAt: string | null;
  owner: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface StoreHealth {
  ok: boolean;
  stores: { share: string; blob: string };
}

export class ShareService {
  private lastHealth: { at: number; result: Promise<StoreHealth> } | null = null;

  /** The snapshot cache the API reads through; the pages read from the same one. */
  readonly cache: ShareCache;
  private readonly now: () => number;
  private readonly telemetry: Telemetry;

  constructor(
    private readonly shares: ShareStore,
    private readonly blobs: BlobStore,
    private readonly cfg: Cfg,
    opts: ServiceOptions = {},
  ) {
    this.cache = new ShareCache(shares, blobs, cfg, opts);
    this.now = opts.now ?? Date.now;
    this.telemetry = opts.telemetry ?? noTelemetry;
  }

  shareUrl(shareId: string): string {
    return `${this.cfg.baseUrl}/share/${shareId}`;
  }

  private checkSize(size: number | undefined): void {
    if (size !== undefined && size > this.cfg.maxShareBytes) throw tooLarge(this.cfg.maxShareBytes, size);
  }

  /**
   * When a share asking for `expiresIn` seconds expires: absent → the
   * server's default; a number → that long, shortened to the maximum; null
   * (only when changing it) → as long as the maximum allows, i.e. never when
   * there is none.
   */
  private expiryFor(expiresIn: number | null | undefined): number | null {
    const { shareTtlDefault = null, shareTtlMax = null } = this.cfg;
    const seconds = expiresIn === undefined ? shareTtlDefault : expiresIn === null ? shareTtlMax : Math.min(expiresIn, shareTtlMax ?? MAX_DURATION_SECONDS);
    return seconds === null ? null : this.now() + seconds * 1000;
  }

  private isExpired(rec: ShareRecord): boolean {
    return rec.expiresAt !== null && rec.expiresAt <= this.now();
  }

  private async presign(shareId: string, size?: number): Promise<{ presignedUrl: string; expiresAt: string }> {
    const expiresAt = new Date(this.now() + this.cfg.presignTtlSeconds * 1000).toISOString();
    const presignedUrl = await this.blobs.presignPut(blobKey(shareId), { size, expiresInSeconds: this.cfg.presignTtlSeconds });
    return { presignedUrl, expiresAt };
  }

  // ── upload protocol ────────────────────────────────────────────────────────

  /** Creates a share for the plugin. The caller has checked id formats and counted the rate limit. */
  async createUpload(input: { shareId: string; sessionId: string; size?: number; owner?: string | null; expiresIn?: number }): Promise<UploadCreated> {
    this.checkSize(input.size);
    const secret = newSecret();
    const shareExpiresAt = this.expiryFor(input.expiresIn);
    const res = await this.shares.insert({
      shareId: input.shareId,
      sessionId: input.sessionId,
      secretHash: hashSecret(secret),
      protocol: "upload",
      sizeBytes: input.size ?? null,
      owner: input.owner ?? null,
      expiresAt: shareExpiresAt,
    });
    if (res !== "created")
      throw new ApiError(409, "SHARE_EXISTS", "This session is already shared; sync it with its secret or delete the share first.");
    this.cache.forget(input.shareId);
    this.telemetry.shareCreated("upload");
    const p = await this.presign(input.shareId, input.size);
    return { presignedUrl: p.presignedUrl, secret, url: this.shareUrl(input.shareId), expiresAt: p.expiresAt, shareExpiresAt: iso(shareExpiresAt) };
  }

  /**
   * Authenticates a secret against a share; 404 and 410 before 401/403
   * (existence and expiry are public anyway). `allowExpired` lets the owner
   * delete an expired share before the sweeper does.
   */
  async authorize(shareId: string, secret: string | undefined, opts: { allowExpired?: boolean } = {}): Promise<ShareRecord> {
    const rec = await this.shares.get(shareId);
    if (!rec) throw notFound();
    if (!opts.allowExpired && this.isExpired(rec)) throw expired(rec.expiresAt!);
    if (secret === undefined || secret === "")
      throw new ApiError(401, "MISSING_SECRET", "Send the share's secret (X-Share-Secret header) to change or delete it.");
    if (!secretMatches(secret, rec.secretHash))
      throw new ApiError(403, "INVALID_SECRET", "The secret does not match this share.");
    return rec;
  }

  async presignSync(shareId: string, secret: string | undefined, size?: number): Promise<Omit<UploadCreated, "secret">> {
    const rec = await this.authorize(shareId, secret);
    if (rec.protocol !== "upload")
      throw new ApiError(409, "WRONG_PROTOCOL", "This share was made by OpenCode's native protocol; sync it with POST /api/share/:id/sync.");
    this.checkSize(size);
    await this.shares.touch(shareId, size !== undefined ? { sizeBytes: size } : {});
    const p = await this.presign(shareId, size);
    this.cache.invalidate(shareId);
    this.telemetry.synced("upload");
    return { presignedUrl: p.presignedUrl, url: this.shareUrl(shareId), expiresAt: p.expiresAt, shareExpiresAt: iso(rec.expiresAt) };
  }

  /** The owner sets (seconds from now, shortened to the maximum) or clears (null) the share's expiry. */
  async setExpiry(shareId: string, secret: string | undefined, expiresIn: number | null): Promise<{ shareExpiresAt: string | null }> {
    await this.authorize(shareId, secret);
    const at = this.expiryFor(expiresIn);
    const res = await this.shares.setExpiry(shareId, at, this.now());
    if (res === "missing") throw notFound();
    if (res === "expired") throw expired((await this.shares.get(shareId))?.expiresAt ?? this.now());
    this.cache.invalidate(shareId);
    return { shareExpiresAt: iso(at) };
  }

  /** The owner's figures; `unwrittenViews` are this process's views not yet flushed to the store. */
  async stats(shareId: string, secret: string | undefined, unwrittenViews: number): Promise<ShareStats> {
    const rec = await this.authorize(shareId, secret);
    return {
      views: rec.views + unwrittenViews,
      sizeBytes: rec.sizeBytes,
      createdAt: iso(rec.createdAt)!,
      updatedAt: iso(rec.updatedAt)!,
      shareExpiresAt: iso(rec.expiresAt),
      owner: rec.owner,
    };
  }

  /** Drops what this process holds of a share removed elsewhere (sweeper, admin command). */
  removed(shareId: string): void {
    this.cache.forget(shareId);
    this.cache.emit(shareId);
  }

  async delete(shareId: string, secret: string | undefined): Promise<void> {
    await this.authorize(shareId, secret, { allowExpired: true });
    // Blob first: if the row went first, a failure would leave an orphan blob
    // no one could delete. A retry after any partial failure finishes the job.
    await this.blobs.delete(blobKey(shareId));
    await this.shares.delete(shareId);
    this.cache.forget(shareId);
    this.cache.emit(shareId);
    this.telemetry.shareDeleted("unshare");
  }

  // ── native protocol ────────────────────────────────────────────────────────

  async createNative(sessionId: string, owner: string | null = null): Promise<{ id: string; url: string; secret: string }> {
    const existing = await this.shares.getBySession(sessionId);
    if (existing)
      throw new ApiError(409, "SHARE_EXISTS", "This session is already shared; unshare it first to share it again.");
    const secret = newSecret();
    // OpenCode's own client cannot ask for a lifetime: the server's default applies.
    const expiresAt = this.expiryFor(undefined);
    let shareId = shareIdFromSession(sessionId);
    for (let attempt = 0; attempt < 8; attempt++) {
      const res = await this.shares.insert({ shareId, sessionId, secretHash: hashSecret(secret), protocol: "native", owner, expiresAt });
      if (res === "created") {
        this.cache.forget(shareId);
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
      throw new ApiError(409, "WRONG_PROTOCOL", "This share was made by the upload protocol; upload through POST /api/share/:id/presign.");
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
    this.cache.invalidate(shareId);
    this.cache.emit(shareId);
    this.telemetry.synced("native");
  }

  async nativeItems(shareId: string): Promise<NativeItem[]> {
    const { snapshot } = await this.cache.readable(shareId);
    if (snapshot.format === SHARE_FORMAT_V2)
      throw new ApiError(
        409,
        "NOT_IMPORTABLE",
        `This share was made with OpenCode 2, and \`opencode import\` reads only OpenCode 1 sessions. Read it at /share/${shareId}, as Markdown at /share/${shareId}.md, or as uploaded at /api/share/${shareId}.`,
      );
    return toNativeItems(snapshot.data);
  }

  // ── reads ──────────────────────────────────────────────────────────────────

  /** Whether the share's row exists, read from the store (not the cache). */
  async exists(shareId: string): Promise<boolean> {
    return (await this.shares.get(shareId)) !== null;
  }

  /**
   * Records an upload this server received (the disk store's PUT) before it
   * is answered: a commit to the share store, which is how every process's
   * API read learns of it (ShareCache.checked).
   */
  async uploaded(shareId: string): Promise<void> {
    await this.shares.markUploaded(shareId);
    this.cache.invalidate(shareId);
  }

  /** Both stores checked, shared by all callers within one second so probes cannot load the stores. */
  health(): Promise<StoreHealth> {
    const now = Date.now();
    if (!this.lastHealth || now - this.lastHealth.at > 1000) {
      const { shares, blobs } = this;
      this.lastHealth = {
        at: now,
        result: Promise.all([reachable(() => shares.ping()), reachable(() => blobs.ping())]).then(([share, blob]) => ({
          ok: share === "ok" && blob === "ok",
          stores: { share: `${shares.kind}: ${share}`, blob: `${blobs.kind}: ${blob}` },
        })),
      };
    }
    return this.lastHealth.result;
  }
}

async function reachable(ping: () => Promise<void>): Promise<"ok" | "down"> {
  let timer: Timer | undefined;
  try {
    await Promise.race([ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), 5000)))]);
    return "ok";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}
