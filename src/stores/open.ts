// Picks the store implementations the configuration asks for. Remote stores
// (Postgres, S3) sit behind a circuit breaker so an outage answers 503 at once
// instead of holding every request for the client's connect timeout. Their
// client libraries are loaded only when configured: the AWS SDK alone took
// longer to evaluate than everything else a disk-store server loads.
import type { Config } from "../config.ts";
import type { BlobStore } from "./blob-store.ts";
import { DiskBlobStore } from "./blob-store.disk.ts";
import { Circuit, withCircuit } from "./circuit.ts";
import type { SchemaStatus, ShareStore } from "./share-store.ts";
import { SqliteShareStore } from "./share-store.sqlite.ts";

type Log = (line: string) => void;

const circuitLog = (log: Log | undefined, what: string) => (open: boolean, reason: string) =>
  log?.(open ? `${what} unreachable (${reason}): answering 503 until it is back` : `${what} reachable again (${reason})`);

export function openShareStore(config: Config, log?: Log): ShareStore {
  if (!config.databaseUrl) return new SqliteShareStore(config.dataDir);
  const { PostgresShareStore } = require("./share-store.postgres.ts") as typeof import("./share-store.postgres.ts");
  const store = new PostgresShareStore(config.databaseUrl);
  return withCircuit<ShareStore>(store, new Circuit("database", store, { onChange: circuitLog(log, "share store (postgres)") }));
}

/**
 * Readies a share store for a process that uses it (`serve`, admin commands):
 * the embedded store migrates itself; Postgres is only migrated by
 * `better-share migrate`, so a schema behind this release is returned for the
 * caller to refuse with its own sentence. Store errors propagate.
 */
export async function readyShareStore(store: ShareStore): Promise<SchemaStatus | null> {
  if (store.kind === "sqlite") {
    await store.migrate();
    return null;
  }
  const s = await store.schemaStatus();
  return s.current < s.latest ? s : null;
}

export function openBlobStore(config: Config, log?: Log): BlobStore {
  if (!config.s3) return new DiskBlobStore(config.dataDir, config.baseUrl);
  const { S3BlobStore } = require("./blob-store.s3.ts") as typeof import("./blob-store.s3.ts");
  const store = new S3BlobStore(config.s3);
  // Presigning is local signing: it works while the store is down.
  return withCircuit<BlobStore>(store, new Circuit("blob storage", store, { onChange: circuitLog(log, "blob store (s3)") }), ["presignPut"]);
}
