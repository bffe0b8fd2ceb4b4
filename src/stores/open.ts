// Picks the store implementations the configuration asks for.
import type { Config } from "../config.ts";
import type { BlobStore } from "./blob-store.ts";
import { DiskBlobStore } from "./blob-store.disk.ts";
import { S3BlobStore } from "./blob-store.s3.ts";
import type { ShareStore } from "./share-store.ts";
import { PostgresShareStore } from "./share-store.postgres.ts";
import { SqliteShareStore } from "./share-store.sqlite.ts";

export function openShareStore(config: Config): ShareStore {
  return config.databaseUrl ? new PostgresShareStore(config.databaseUrl) : new SqliteShareStore(config.dataDir);
}

export function openBlobStore(config: Config): BlobStore {
  return config.s3 ? new S3BlobStore(config.s3) : new DiskBlobStore(config.dataDir, config.baseUrl);
}
