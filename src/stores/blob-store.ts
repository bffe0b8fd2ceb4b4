// BlobStore: ShareData JSON at `sessions/{shareId}.json`. Uploads go straight
// from the client to the store through a presigned URL; the server reads with
// its own credentials, so the bucket can stay private.

export type BlobRead =
  | { status: "ok"; etag: string; size: number; body: Uint8Array }
  | { status: "not_modified"; etag: string }
  | { status: "missing" }
  | { status: "too_large"; size: number };

export interface BlobStat {
  etag: string;
  size: number;
}

export interface PresignOptions {
  /** When set, the URL accepts a body of exactly this many bytes and nothing else. */
  size?: number;
  expiresInSeconds: number;
}

export interface BlobStore {
  readonly kind: "s3" | "disk";
  /**
   * True when every upload reaches this store through a server's
   * `PUT /api/blob/:id`, which records it in the share store before it
   * answers (disk); false when clients upload to the store directly (S3).
   */
  readonly uploadsRecorded: boolean;
  presignPut(key: string, opts: PresignOptions): Promise<string>;
  /** Reads a blob; `ifNoneMatch` skips the body when unchanged, `maxBytes` refuses larger blobs. */
  get(key: string, opts?: { ifNoneMatch?: string; maxBytes?: number }): Promise<BlobRead>;
  stat(key: string): Promise<BlobStat | null>;
  put(key: string, body: Uint8Array | string): Promise<BlobStat>;
  /** Idempotent: deleting a missing blob succeeds. */
  delete(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
