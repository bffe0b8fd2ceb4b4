// Rendered pages (and what they are built from) kept in memory, keyed by
// share id + version + variant, bounded in bytes with least-recently-used
// eviction. A change to a share drops everything of that share at once, so
// nothing rendered from deleted data outlives the deletion.
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
  // Map iteration order is insertion order: re-inserting on hit makes the first key the LRU one.
  private readonly slots = new Map<string, Slot<V>>();
  private readonly byShare = new Map<string, Set<string>>();
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.slots.size;
  }

  private static key(shareId: string, version: string, variant: string): string {
    return `${shareId}\u0000${version}\u0000${variant}`;
  }

  get(shareId: string, version: string, variant: string): V | undefined {
    const key = RenderCache.key(shareId, version, variant);
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.value;
  }

  /** Stores a value; older versions of the same share are dropped since they can never be asked for again. */
  set(shareId: string, version: string, variant: string, value: V): void {
    if (value.bytes > this.maxBytes) return;
    const key = RenderCache.key(shareId, version, variant);
    const keys = this.byShare.get(shareId);
    if (keys) {
      for (const k of keys) {
        const slot = this.slots.get(k);
        if (k === key || (slot && slot.version !== version)) this.remove(k);
      }
    }
    this.slots.set(key, { shareId, version, value });
    let set = this.byShare.get(shareId);
    if (!set) this.byShare.set(shareId, (set = new Set()));
    set.add(key);
    this.used += value.bytes;
    for (const k of this.slots.keys()) {
      if (this.used <= this.maxBytes) break;
      this.remove(k);
    }
  }

  invalidate(shareId: string): void {
    const keys = this.byShare.get(shareId);
    if (!keys) return;
    for (const k of [...keys]) this.remove(k);
  }

  clear(): void {
    this.slots.clear();
    this.byShare.clear();
    this.used = 0;
  }

  /** Invalidates on every change the source reports; returns the unsubscribe function. */
  attach(source: Pick<ShareSource, "onChange">): () => void {
    return source.onChange((shareId) => this.invalidate(shareId));
  }

  private remove(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.used -= slot.value.bytes;
    const set = this.byShare.get(slot.shareId);
    if (set) {
      set.delete(key);
      if (!set.size) this.byShare.delete(slot.shareId);
    }
  }
}
