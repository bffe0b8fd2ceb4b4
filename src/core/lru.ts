// A map bounded by the bytes its values hold, evicting the least recently
// used first. Both in-memory caches (share snapshots, rendered pages) use it.
export class ByteLru<K, V> {
  // Map iteration order is insertion order: re-inserting on a hit makes the first key the LRU one.
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private used = 0;
  /** The most recently used key: a hit on it needs no re-insert. */
  private newest: K | undefined;

  /** `onRemove` hears every key that leaves, whether deleted, replaced or evicted. */
  constructor(
    readonly maxBytes: number,
    private readonly onRemove?: (key: K, value: V) => void,
  ) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Reads a value and marks it most recently used. */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, e);
      this.newest = key;
    }
    return e.value;
  }

  /** Reads a value without changing its place in the eviction order. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Stores a value, evicting older ones to fit; a value larger than the whole budget is not kept. */
  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.newest = key;
    this.used += bytes;
    for (const k of this.entries.keys()) {
      if (this.used <= this.maxBytes) break;
      this.delete(k);
    }
  }

  delete(key: K): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    if (key === this.newest) this.newest = undefined;
    this.used -= e.bytes;
    this.onRemove?.(key, e.value);
    return true;
  }

  clear(): void {
    for (const k of [...this.entries.keys()]) this.delete(k);
  }
}
