import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PostgresShareStore } from "../../src/stores/share-store.postgres.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { shareStoreContract } from "./share-store.contract.ts";

shareStoreContract("sqlite", async () => new SqliteShareStore(mkdtempSync(join(tmpdir(), "bs-sqlite-"))));
shareStoreContract("postgres", async () => new PostgresShareStore(await freshDatabase("contract")));
