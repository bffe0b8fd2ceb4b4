import type { Config } from "../config.ts";
import { openShareStore } from "../stores/open.ts";

export async function migrateCommand(config: Config, out: (line: string) => void = console.log): Promise<number> {
  const store = openShareStore(config);
  try {
    const before = await store.schemaStatus();
    const applied = await store.migrate();
    out(
      applied.length === 0
        ? `Schema is up to date (version ${before.latest}, ${store.kind}).`
        : `Applied migration${applied.length > 1 ? "s" : ""} ${applied.join(", ")} (${store.kind}); schema is at version ${Math.max(...applied)}.`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
