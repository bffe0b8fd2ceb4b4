// The read side: snapshots of shares kept in memory (bounded in bytes,
// least recently used first out), revalidated against the stores at most
// about once a second per share for pages, and for every API read unless the
// share store shows that nothing has changed. It is the ShareSource the pages
// read from; it never writes to a store.
import type { Config } from "../config.ts";
import type { BlobStore } from "../stores/blob-store.ts";
import type { ShareRecord, ShareStore } from "../stores/share-store.ts";
import { ApiError, expired, notFound } from "./errors.ts";
import { blobKey } from "./ids.ts";
import { jsonTooDeep, MAX_JSON_DEPTH } from "./json-depth.ts";
import { ByteLru } from "./lru.ts";
import type { ShareData } from "./model.ts";
import { checkShareData, NativeAssembly } from "./share-data.ts";
import type { ShareLookup, ShareSnapshot, ShareSource } from "./share-source.ts";

interface Entry {
  shareId: string;
  /** Blob ETag (upload) or "n<version>" (native). */
  version: string;
  protocol: ShareRecord["protocol"];
  lookup: Exclude<ShareLookup, { status: "expired" }>;
  /** Serialized ShareData, made on first API read of this version. */
  json: string | null;
  bytes: number;
  checkedAt: number;
  /** The share store's commitMark() taken before the check that produced this entry began. */
  mark: number | null;
  /** The share's expiry (unix ms) as last read from the store; null = never. */
  expiresAt: number | null;
  /** Native shares: the assembly and the item sequence it has applied up to. */
  assembly?: NativeAssembly;
  seq?: number;
}

interface Check {
  running: Promise<Entry | null>;
  /** Callers that arrived while `running` ran: served by the check after it. */
  queued: PromiseWithResolvers<Entry | null> | null;
}

/** A share's snapshot that can be shown, with its JSON text once asked for. */
export interface Readable {
  snapshot: ShareSnapshot;
  version: string;
  json(): string;
}

export interface CacheOptions {
  /** Bytes of snapshots kept in memory. */
  cacheBytes?: number;
  /** How stale a cached snapshot may be before a page view revalidates it. */
  revalidateMs?: number;
  now?: () => number;
}

export class ShareCache implements ShareSource {
  private readonly entries: ByteLru<string, Entry>;
  private readonly revalidateMs: number;
  /** The one check of the stores running per share, and the one queued behind it. */
  private readonly checks = new Map<string, Check>();
  private readonly listeners = new Set<(id: string) => void>();
  private readonly now: () => number;
  /**
   * The share store's commit mark, when it has one and every change to the
   * blobs is recorded in it too: then a read can tell without a query that
   * nothing changed since the last check.
   */
  private readonly commitMark: (() => number | null) | null;

  constructor(
    private readonly shares: ShareStore,
    private readonly blobs: BlobStore,
    private readonly cfg: Pick<Config, "maxShareBytes">,
    opts: CacheOptions = {},
  ) {
    this.entries = new ByteLru(opts.cacheBytes ?? 256 * 1024 * 1024);
    this.revalidateMs = opts.revalidateMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.commitMark = shares.commitMark && blobs.uploadsRecorded ? () => shares.commitMark!() : null;
  }

  /**
   * Hot path for pages: answers from memory. Past half the revalidation
   * interval it revalidates in the background; past the whole interval it
   * waits for the store, so a share deleted or re-timed elsewhere (another
   * instance, `shares delete`) stops being served within that interval. Under
   * steady traffic the background check keeps every answer inside it.
   */
  async lookup(shareId: string): Promise<ShareLookup> {
    let e = this.entries.get(shareId);
    if (e) {
      const age = this.now() - e.checkedAt;
      if (age >= this.revalidateMs) {
        // A store that cannot answer leaves the last known state standing.
        const fresh = await this.revalidate(shareId).catch(() => e!);
        if (!fresh) return { status: "not_found" };
        e = fresh;
      } else if (age >= this.revalidateMs / 2) void this.revalidate(shareId).catch(() => {});
      return this.answer(e);
    }
    const fresh = await this.revalidate(shareId);
    return fresh ? this.answer(fresh) : { status: "not_found" };
  }

  private answer(e: Entry): ShareLookup {
    if (e.expiresAt !== null && this.now() >= e.expiresAt) return { status: "expired", expiresAt: e.expiresAt };
    return e.lookup;
  }

  /** What lookup answers without waiting (the share checked within the revalidation interval), else undefined. */
  fresh(shareId: string): ShareLookup | undefined {
    const e = this.entries.get(shareId);
    if (!e) return undefined;
    const age = this.now() - e.checkedAt;
    if (age >= this.revalidateMs) return undefined;
    if (age >= this.revalidateMs / 2) void this.revalidate(shareId).catch(() => {});
    return this.answer(e);
  }

  /**
   * The API read: answered from a check of the stores that began after this
   * call, so it reflects every write finished before the request came (an
   * upload straight to S3 included), and an error saying why when it cannot
   * be shown. Concurrent reads share that check (see checked()).
   */
  async readable(shareId: string): Promise<Readable> {
    const e = await this.checked(shareId);
    if (!e || e.lookup.status === "not_found") throw notFound();
    if (e.expiresAt !== null && this.now() >= e.expiresAt) throw expired(e.expiresAt);
    if (e.version === "missing") throw notFound("This share has no data yet: its upload has not finished.");
    if (e.lookup.status === "unreadable") throw new ApiError(422, "UNREADABLE", `This share cannot be read: ${e.lookup.reason}.`);
    const snapshot = e.lookup.snapshot;
    return { snapshot, version: e.version, json: () => (e.json ??= JSON.stringify(snapshot.data)) };
  }

  onChange(listener: (shareId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener a share changed (synced, re-uploaded, deleted). */
  emit(shareId: string): void {
    for (const l of this.listeners) {
      try {
        l(shareId);
      } catch {}
    }
  }

  /** Marks a share's snapshot stale, e.g. after a write the server saw: the next read revalidates. */
  invalidate(shareId: string): void {
    const e = this.entries.peek(shareId);
    if (e) e.checkedAt = 0;
  }

  /** Drops a share's snapshot, e.g. when it is created again or deleted. */
  forget(shareId: string): void {
    this.entries.delete(shareId);
  }

  /**
   * A check of the stores, joining the one already running for this share if
   * any (it may have begun before the call: good enough for pages, which
   * promise freshness within the revalidation interval).
   */
  revalidate(shareId: string): Promise<Entry | null> {
    return this.checks.get(shareId)?.running ?? this.begin(shareId, null);
  }

  /**
   * A check of the stores that begins after this call. One check runs per
   * share at a time: a caller arriving while one runs waits for the next,
   * which starts when it ends and is shared by everyone who arrived
   * meanwhile. Under load the stores see at most one check per share per
   * check's duration, however many readers there are, and no reader is
   * answered from a check older than its request, unless no write has
   * committed since that check began (unchanged()). (With none running, the
   * check starts at once. Deferring it to a later turn of the event loop to
   * gather more readers makes their answers late too, and Bun writes an
   * answer of over 16 KB that comes late with one system call per piece of
   * each header line: a fifth of the throughput.)
   */
  checked(shareId: string): Promise<Entry | null> {
    const c = this.checks.get(shareId);
    if (!c) {
      const e = this.unchanged(shareId);
      return e ? Promise.resolve(e) : this.begin(shareId, null);
    }
    c.queued ??= Promise.withResolvers<Entry | null>();
    return c.queued.promise;
  }

  /**
   * The cached entry when no write has committed to the share store, from
   * any process, since its check began, and that check is less than the
   * revalidation interval old: every finished change (creation, sync, expiry,
   * delete, and with the disk store every upload, see ShareService.uploaded)
   * commits there, so a check now would find the same. The interval bounds
   * what a change made some other way could be missed for.
   */
  private unchanged(shareId: string): Entry | undefined {
    if (!this.commitMark) return undefined;
    const e = this.entries.peek(shareId);
    if (!e || e.mark === null || this.now() - e.checkedAt >= this.revalidateMs) return undefined;
    return e.mark === this.commitMark() ? e : undefined;
  }

  private begin(shareId: string, into: PromiseWithResolvers<Entry | null> | null): Promise<Entry | null> {
    const running = this.doRevalidate(shareId);
    const check: Check = { running, queued: null };
    this.checks.set(shareId, check);
    if (into) running.then(into.resolve, into.reject);
    // Synchronously on settling: the queued check replaces this one with no
    // moment in between, so two checks of one share never overlap (a slower
    // older one could otherwise store its older version over a newer one).
    const next = () => {
      if (check.queued) this.begin(shareId, check.queued);
      else this.checks.delete(shareId);
    };
    running.then(next, next);
    return running;
  }

  private store(e: Entry): void {
    this.entries.delete(e.shareId);
    // One share may not take more than half the budget: it would evict everything else.
    if (e.bytes > this.entries.maxBytes / 2) return;
    this.entries.set(e.shareId, e, e.bytes);
  }

  private async doRevalidate(shareId: string): Promise<Entry | null> {
    const prev = this.entries.peek(shareId);
    // Taken before the stores are read: a commit after this point changes it.
    const mark = this.commitMark?.() ?? null;
    const rec = await this.shares.get(shareId);
    if (!rec) {
      if (prev) {
        this.forget(shareId);
        this.emit(shareId);
      }
      return null;
    }
    const next = rec.protocol === "native" ? await this.readNative(rec, prev) : await this.readUpload(rec, prev);
    next.checkedAt = this.now();
    next.mark = mark;
    // Expiry changes without a new version: carry it into the entry and the page's lookup.
    if (next.expiresAt !== rec.expiresAt) {
      next.expiresAt = rec.expiresAt;
      if (next.lookup.status === "ok") next.lookup = { ...next.lookup, expiresAt: rec.expiresAt };
      if (next === prev) this.emit(shareId);
    }
    if (next !== prev) {
      this.store(next);
      if (prev && prev.version !== next.version) this.emit(shareId);
    }
    return next;
  }

  private unreadable(rec: ShareRecord, version: string, reason: string): Entry {
    return { shareId: rec.shareId, version, protocol: rec.protocol, lookup: { status: "unreadable", reason }, json: null, bytes: 256, checkedAt: 0, mark: null, expiresAt: null };
  }

  private async readUpload(rec: ShareRecord, prev: Entry | undefined): Promise<Entry> {
    const key = blobKey(rec.shareId);
    // Only a readable version is trusted by its ETag: a store that lets a read
    // overlap a write (the S3 server the tests use does) can hand out a torn
    // body under the finished object's ETag, and that must not stick.
    const ifNoneMatch = prev && prev.protocol === "upload" && prev.lookup.status === "ok" ? prev.version : undefined;
    const r = await this.blobs.get(key, { ifNoneMatch, maxBytes: this.cfg.maxShareBytes });
    if (r.status === "not_modified") return prev!;
    if (r.status === "missing") return this.unreadable(rec, "missing", "its data has not been uploaded yet");
    if (r.status === "too_large")
      return this.unreadable(rec, `big-${r.size}`, `its data is ${r.size} bytes, over this server's limit of ${this.cfg.maxShareBytes}`);
    let parsed: unknown;
    const text = new TextDecoder().decode(r.body);
    if (jsonTooDeep(text)) return this.unreadable(rec, r.etag, `its data nests more than ${MAX_JSON_DEPTH} levels deep`);
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.unreadable(rec, r.etag, "its data is not valid JSON");
    }
    const checked = checkShareData(parsed);
    if (!checked.ok) return this.unreadable(rec, r.etag, checked.reason);
    const snapshot: ShareSnapshot = { shareId: rec.shareId, version: r.etag, size: r.size, data: checked.data, format: checked.format };
    return { shareId: rec.shareId, version: r.etag, protocol: "upload", lookup: { status: "ok", snapshot }, json: text, bytes: r.size * 3, checkedAt: 0, mark: null, expiresAt: null };
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
    return { shareId: rec.shareId, version, protocol: "native", lookup: { status: "ok", snapshot }, json: null, bytes, checkedAt: 0, mark: null, expiresAt: null, assembly, seq };
  }
}
