// Rendered pages (and what they are built from) kept in memory, keyed by
// share id + version + variant, bounded in bytes with least-recently-used
// eviction. A change to a share drops everything of that share at once, so
// nothing rendered from deleted data outlives the deletion.
import { ByteLru } from "./lru.ts";
import type { ShareSource } from "./share-source.ts";

export interface Sized {
  /** Approximate memory held by the value, in bytes. */
  bytes: number;
}

interface Slot<V> {
  shareId: string;
  version: string;
  value: V;
}

export class RenderCache<V extends Sized> {
  private readonly slots: ByteLru<string, Slot<V>>;
  /** Keys held per share, so a change drops them all without a scan. */
  private readonly byShare = new Map<string, Set<string>>();

  constructor(readonly maxBytes: number) {
    this.slots = new ByteLru(maxBytes, (key, slot) => {
      const set = this.byShare.get(slot.shareId);
      set?.delete(key);
      if (set && !set.size) this.byShare.delete(slot.shareId);
    });
  }

  get bytes(): number {
    return this.slots.bytes;
  }

  get size(): number {
    return this.slots.size;
  }

  private static key(shareId: string, version: string, variant: string): string {
    return `${shareId}\u0000${version}\u0000${variant}`;
  }

  get(shareId: string, version: string, variant: string): V | undefined {
    return this.slots.get(RenderCache.key(shareId, version, variant))?.value;
  }

  /** Stores a value; older versions of the same share are dropped since they can never be asked for again. */
  set(shareId: string, version: string, variant: string, value: V): void {
    if (value.bytes > this.maxBytes) return;
    const key = RenderCache.key(shareId, version, variant);
    for (const k of [...(this.byShare.get(shareId) ?? [])]) if (this.slots.peek(k)?.version !== version) this.slots.delete(k);
    this.slots.set(key, { shareId, version, value }, value.bytes);
    let set = this.byShare.get(shareId);
    if (!set) this.byShare.set(shareId, (set = new Set()));
    set.add(key);
  }

  invalidate(shareId: string): void {
    for (const k of [...(this.byShare.get(shareId) ?? [])]) this.slots.delete(k);
  }

  clear(): void {
    this.slots.clear();
  }

  /** Invalidates on every change the source reports; returns the unsubscribe function. */
  attach(source: Pick<ShareSource, "onChange">): () => void {
    return source.onChange((shareId) => this.invalidate(shareId));
  }
}
