

import { PostgresShareStore } from "../../src/stores/share-store.postgres.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { shareStoreContract } from "./share-store.contract.ts";
import { tempDir } from "../helpers/tmp.ts";

shareStoreContract("sqlite", async () => new SqliteShareStore(tempDir("bs-sqlite-")));
shareStoreContract("postgres", async () => new PostgresShareStore(await freshDatabase("contract")));
