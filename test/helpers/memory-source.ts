// An in-memory ShareSource for page tests: put, remove and corrupt shares,
// and see the change notifications the page cache relies on.
import type { ShareData } from "../../src/core/model.ts";
import type { ShareLookup, ShareSource } from "../../src/core/share-source.ts";

export class MemorySource implements ShareSource {
  private readonly shares = new Map<string, ShareLookup>();
  private readonly listeners = new Set<(id: string) => void>();
  private counter = 0;
  lookups = 0;

  put(data: ShareData, shareId = data.shareId): string {
    const version = `v${++this.counter}`;
    const size = JSON.stringify(data).length;
    this.shares.set(shareId, { status: "ok", snapshot: { shareId, version, size, data } });
    this.emit(shareId);
    return version;
  }

  /** A share whose blob exists but cannot be read (corrupt, too large, not uploaded). */
  putUnreadable(shareId: string, reason: string): void {
    this.shares.set(shareId, { status: "unreadable", reason });
    this.emit(shareId);
  }

  remove(shareId: string): void {
    this.shares.delete(shareId);
    this.emit(shareId);
  }

  async lookup(shareId: string): Promise<ShareLookup> {
    this.lookups++;
    return this.shares.get(shareId) ?? { status: "not_found" };
  }

  onChange(listener: (shareId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(shareId: string): void {
    for (const l of this.listeners) l(shareId);
  }
}
