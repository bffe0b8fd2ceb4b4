// What the share page needs from the core: a fast, possibly cached, view of a
// share and a signal when one changes. The page layer never touches a store.
import type { SHARE_FORMAT_V2, ShareData } from "./model.ts";

export interface ShareSnapshot {
  shareId: string;
  /** Changes whenever the share's content changes (blob ETag or native sync counter). */
  version: string;
  /** Size in bytes of the JSON the snapshot was read from. */
  size: number;
  /** The page model; for a share made from OpenCode 2, converted from the blob (src/core/opencode-v2.ts). */
  data: ShareData;
  /** Set when the blob is a 2.x share. */
  format?: typeof SHARE_FORMAT_V2;
}

export type ShareLookup =
  /** `expiresAt`: when the share will expire (unix ms); null or absent = never. */
  | { status: "ok"; snapshot: ShareSnapshot; expiresAt?: number | null }
  | { status: "not_found" }
  /** The share's lifetime has ended; it answers 410 until it is swept. */
  | { status: "expired"; expiresAt: number }
  /** The share exists but its data cannot be shown (corrupt JSON, wrong shape, too large, not uploaded yet). */
  | { status: "unreadable"; reason: string };

export interface ShareSource {
  /**
   * Hot path for pages: may answer from memory without touching a store, and
   * then revalidates in the background; an answer is never based on a store
   * read more than about a second old.
   */
  lookup(shareId: string): Promise<ShareLookup>;
  /**
   * What `lookup` would answer from memory without waiting or revalidating:
   * the share's snapshot when it is cached and checked within the
   * revalidation interval, else undefined (ask `lookup`).
   */
  fresh?(shareId: string): ShareLookup | undefined;
  /** Called with a share id whenever that share is synced, re-uploaded or deleted. */
  onChange(listener: (shareId: string) => void): () => void;
}
