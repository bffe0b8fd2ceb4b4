// An in-memory ShareSource for page tests: put, remove and corrupt shares,
// and see the change notifications the page cache relies on.
import type { AnyShareData, ShareData } from "../../src/core/model.ts";
import { checkShareData } from "../../src/core/share-data.ts";
import type { ShareLookup, ShareSource } from "../../src/core/share-source.ts";

export class MemorySource implements ShareSource {
  private readonly shares = new Map<string, ShareLookup>();
  private readonly listeners = new Set<(id: string) => void>();
  private counter = 0;
  lookups = 0;

  /** A 1.x share is kept as given (broken shapes too); a 2.x one is read the way the server reads its blob. */
  put(given: AnyShareData, shareId = given?.shareId): string {
    const version = `v${++this.counter}`;
    const size = JSON.stringify(given).length;
    let data = given as ShareData;
    let format: "opencode-v2" | undefined;
    if ((given as { format?: unknown })?.format !== undefined) {
      const checked = checkShareData(given);
      if (!checked.ok) throw new Error(checked.reason);
      ({ data, format } = checked);
    }
    this.shares.set(shareId, { status: "ok", snapshot: { shareId, version, size, data, format } });
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
