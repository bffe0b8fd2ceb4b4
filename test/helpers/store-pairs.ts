// The two store pairs every API scenario table runs on: the embedded default
// (SQLite + disk, made by createTestApp) and Postgres + an S3-protocol server.
import { afterAll } from "bun:test";
import { S3BlobStore } from "../../src/stores/blob-store.s3.ts";
import type { BlobStore } from "../../src/stores/blob-store.ts";
import { PostgresShareStore } from "../../src/stores/share-store.postgres.ts";
import type { ShareStore } from "../../src/stores/share-store.ts";
import { freshDatabase } from "./postgres.ts";
import { startS3, type TestS3 } from "./s3.ts";

export interface Pair {
  name: string;
  /** Fresh stores (undefined: createTestApp's embedded ones); the same pair may back several apps. */
  open(): Promise<{ shares: ShareStore; blobs: BlobStore } | undefined>;
}

/** Call at the top of a test file: the S3-protocol server is started on first use and stopped after the file. */
export function storePairs(dbPrefix: string): Pair[] {
  let s3: TestS3 | null = null;
  afterAll(async () => {
    await s3?.stop();
  });
  return [
    { name: "sqlite + disk", open: async () => undefined },
    {
      name: "postgres + s3",
      open: async () => {
        s3 ??= await startS3();
        return { shares: new PostgresShareStore(await freshDatabase(dbPrefix)), blobs: new S3BlobStore(s3.config) };
      },
    },
  ];
}
