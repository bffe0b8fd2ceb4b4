import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultStorePath, SecretStore, type ShareRecord } from "../src/secret-store.js";
import { tempDir } from "./helpers.js";

const dirs: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function fresh() {
  const dir = tempDir();
  dirs.push(dir);
  return { dir: dir.path, path: join(dir.path, "opencode", "better-share", "shares.json") };
}

function record(n: number, extra: Partial<ShareRecord> = {}): ShareRecord {
  const sessionId = `ses_0000000000000000000${String(n).padStart(5, "0")}`;
  return {
    sessionId,
    shareId: sessionId.slice(-8),
    baseUrl: "http://127.0.0.1:1",
    url: `http://127.0.0.1:1/share/${sessionId.slice(-8)}`,
    secret: `server-secret-${n}`,
    localToken: `local-${n}`,
    createdAt: 1_700_000_000_000 + n,
    state: "active",
    ...extra,
  };
}

describe("SecretStore", () => {
  test("lives under OpenCode's XDG data dir", () => {
    expect(defaultStorePath({ XDG_DATA_HOME: "/x/data", HOME: "/home/u" })).toBe("/x/data/opencode/better-share/shares.json");
    expect(defaultStorePath({ HOME: "/home/u" })).toBe("/home/u/.local/share/opencode/better-share/shares.json");
    // A relative XDG_DATA_HOME is invalid per the spec and ignored.
    expect(defaultStorePath({ XDG_DATA_HOME: "rel", HOME: "/home/u" })).toBe("/home/u/.local/share/opencode/better-share/shares.json");
  });

  test("the file is 0600 and its directory 0700", async () => {
    const { path } = fresh();
    await new SecretStore(path).put(record(1));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
  });

  test("records survive a new instance (an OpenCode restart)", async () => {
    const { path } = fresh();
    await new SecretStore(path).put(record(1));
    await new SecretStore(path).put(record(2));
    const reopened = new SecretStore(path);
    expect((await reopened.get(record(1).sessionId))?.secret).toBe("server-secret-1");
    expect((await reopened.byShareId(record(2).shareId))?.localToken).toBe("local-2");
    expect((await reopened.list()).map((r) => r.sessionId)).toEqual([record(1).sessionId, record(2).sessionId]);
  });

  test("writes leave no temp files behind and the file is always complete JSON", async () => {
    const { path } = fresh();
    const store = new SecretStore(path);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(record(i))));
    expect(readdirSync(join(path, "..")).sort()).toEqual(["shares.json"]);
    expect(Object.keys(JSON.parse(readFileSync(path, "utf8")).shares).length).toBe(20);
  });

  test("two instances on one file do not lose each other's writes", async () => {
    const { path } = fresh();
    const a = new SecretStore(path);
    const b = new SecretStore(path);
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).put(record(i))));
    expect((await a.list()).length).toBe(10);
  });

  test("update and remove change one record only", async () => {
    const { path } = fresh();
    const store = new SecretStore(path);
    await store.put(record(1));
    await store.put(record(2));
    const updated = await store.update(record(1).sessionId, { state: "deleting" });
    expect(updated?.state).toBe("deleting");
    expect(updated?.secret).toBe("server-secret-1");
    expect(await store.update("ses_unknown000000000", { state: "stopped" })).toBeUndefined();
    expect(await store.remove(record(2).sessionId)).toBe(true);
    expect(await store.remove(record(2).sessionId)).toBe(false);
    expect((await store.list()).map((r) => r.state)).toEqual(["deleting"]);
  });

  test("an unreadable file is moved aside, not overwritten", async () => {
    const { path } = fresh();
    const store = new SecretStore(path);
    await store.put(record(1));
    writeFileSync(path, "{ not json");
    const problems: string[] = [];
    const again = new SecretStore(path, (m) => problems.push(m));
    expect(await again.list()).toEqual([]);
    await again.put(record(3));
    const names = readdirSync(join(path, ".."));
    const aside = names.find((n) => n.includes(".corrupt-"));
    expect(aside).toBeDefined();
    expect(readFileSync(join(path, "..", aside!), "utf8")).toBe("{ not json");
    expect(problems.length).toBe(1);
    expect((await again.list()).map((r) => r.sessionId)).toEqual([record(3).sessionId]);
  });
});
