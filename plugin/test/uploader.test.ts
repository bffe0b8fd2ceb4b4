import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ShareApi } from "../src/api.js";
import { SecretStore } from "../src/secret-store.js";
import { buildShareData } from "../src/share-data.js";
import { Uploader, ShareError } from "../src/uploader.js";
import { fixtureShareData, sleep, testWorld, waitFor } from "./helpers.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(opts: { redact?: boolean; debounceMs?: number } = {}) {
  const { server, dir, fixture, client, storePath } = testWorld(cleanups);
  const store = new SecretStore(storePath);
  const notes: Array<{ message: string; variant: string }> = [];
  const logs: Array<{ level: string; message: string; extra?: any }> = [];
  const make = () =>
    new Uploader({
      baseUrl: server.baseUrl,
      store: new SecretStore(storePath),
      build: (id) => buildShareData(client, id),
      redact: opts.redact,
      home: "/home/dev",
      debounceMs: opts.debounceMs ?? 20,
      retryBaseMs: 10,
      retryMaxMs: 80,
      random: () => 0.5,
      apiFor: (base) => new ShareApi(base, { fetch: server.fetch, timeoutMs: 2000 }),
      log: (level, message, extra) => logs.push({ level, message, extra }),
      notify: (message, variant) => notes.push({ message, variant }),
    });
  const uploader = make();
  cleanups.push(() => void uploader.dispose());
  const sessionId = fixture.sessionId;
  const shareId = fixture.shareId;
  /** Simulate the agent adding a part to the session. */
  const grow = (text: string) => {
    const s = client.sessions.get(sessionId)!;
    const last = s.messages.at(-1)!;
    last.parts.push({ id: `prt_${text}`, type: "text", text, sessionID: sessionId, messageID: last.info.id } as any);
  };
  return { server, client, store, storePath, uploader, make, sessionId, shareId, grow, notes, logs };
}

describe("creating a share", () => {
  test("presigns with the exact size, uploads the redacted ShareData, and returns our URL", async () => {
    const t = setup();
    const record = await t.uploader.share(t.sessionId);
    expect(record.url).toBe(`${t.server.baseUrl}/share/${t.shareId}`);
    const create = t.server.requests.find((r) => r.path === "/api/share/presign")!;
    const blob = t.server.blobs.get(t.shareId)!;
    expect(JSON.parse(create.body)).toEqual({ shareId: t.shareId, sessionId: t.sessionId, size: Buffer.byteLength(blob) });
    const uploaded = t.server.blobJson(t.shareId);
    expect(uploaded.messages.length).toBe(fixtureShareData().messages.length);
    expect(uploaded.session.directory).toBe("~/greet-demo");
    expect(JSON.stringify(uploaded)).not.toContain("/home/dev");
  });

  test("with redaction off the blob is byte-for-byte what OpenCode holds", async () => {
    const t = setup({ redact: false });
    await t.uploader.share(t.sessionId);
    expect(t.server.blobJson(t.shareId)).toEqual(fixtureShareData());
  });

  test("the server's secret is on disk (0600) before the first upload is even attempted", async () => {
    const t = setup();
    let onDisk = "";
    t.server.onPut = () => {
      onDisk = readFileSync(t.storePath, "utf8");
    };
    const record = await t.uploader.share(t.sessionId);
    expect(onDisk).toContain(t.server.shares.get(t.shareId)!.secret);
    expect(record.localToken).not.toBe(record.secret);
  });

  test("sharing an already shared session returns the same share and syncs it", async () => {
    const t = setup();
    const first = await t.uploader.share(t.sessionId);
    t.grow("more");
    const second = await t.uploader.share(t.sessionId);
    expect(second).toEqual(first);
    expect(t.server.count("create")).toBe(1);
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes("prt_more"), 2000, "resync");
  });

  test("409 SHARE_EXISTS becomes a clear error and nothing is stored", async () => {
    const t = setup();
    t.server.shares.set(t.shareId, { sessionId: t.sessionId, secret: "someone-else" });
    const err = await t.uploader.share(t.sessionId).catch((e) => e);
    expect(err).toBeInstanceOf(ShareError);
    expect(err.status).toBe(409);
    expect(err.message).toContain("no secret");
    expect(await t.store.list()).toEqual([]);
  });

  test("an unreachable server fails the share without storing anything", async () => {
    const t = setup();
    t.server.down = true;
    const err = await t.uploader.share(t.sessionId).catch((e) => e);
    expect(err).toBeInstanceOf(ShareError);
    expect(err.code).toBe("UPSTREAM_UNREACHABLE");
    expect(await t.store.list()).toEqual([]);
  });

  test("a failed first upload is retried until the blob lands", async () => {
    const t = setup();
    t.server.fail("put", 503, 2);
    const record = await t.uploader.share(t.sessionId);
    expect(record.state).toBe("active");
    await waitFor(() => t.server.blobs.has(t.shareId), 2000, "retried upload");
    expect(t.server.count("put")).toBe(3);
  });
});

describe("syncing", () => {
  test("a burst of changes is coalesced into one upload of the newest state", async () => {
    const t = setup({ debounceMs: 40 });
    await t.uploader.share(t.sessionId);
    const before = t.server.count("put");
    for (let i = 0; i < 30; i++) {
      t.grow(`burst${i}`);
      t.uploader.changed(t.sessionId);
    }
    await waitFor(() => t.server.count("put") > before, 2000, "sync upload");
    await sleep(120);
    expect(t.server.count("put")).toBe(before + 1);
    expect(t.server.blobs.get(t.shareId)).toContain("prt_burst29");
  });

  test("never more than one upload per session in flight, and the last change always lands", async () => {
    const t = setup({ debounceMs: 5 });
    await t.uploader.share(t.sessionId);
    t.server.putDelayMs = 60;
    for (let i = 0; i < 10; i++) {
      t.grow(`slow${i}`);
      t.uploader.changed(t.sessionId);
      await sleep(15);
    }
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes("prt_slow9"), 3000, "final state");
    expect(t.server.maxInFlightPuts).toBe(1);
    expect(t.server.count("put")).toBeLessThan(10);
  });

  test("a turn that ends during an upload has its last change uploaded right after it", async () => {
    const t = setup({ debounceMs: 10_000 });
    await t.uploader.share(t.sessionId);
    t.server.putDelayMs = 200;
    t.grow("during-upload-1");
    t.uploader.changed(t.sessionId);
    const running = t.uploader.flush(t.sessionId);
    await sleep(50);
    t.grow("during-upload-2");
    t.uploader.changed(t.sessionId);
    t.uploader.settled(t.sessionId);
    await running;
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes("prt_during-upload-2"), 2000, "the change made during the upload");
  });

  test("a session that keeps changing is re-uploaded at most a fifth of the time", async () => {
    const t = setup({ debounceMs: 5 });
    await t.uploader.share(t.sessionId);
    t.server.putDelayMs = 100;
    const before = t.server.count("put");
    const until = Date.now() + 1000;
    let last = "";
    for (let i = 0; Date.now() < until; i++) {
      last = `busy${i}`;
      t.grow(last);
      t.uploader.changed(t.sessionId);
      await sleep(10);
    }
    // Each upload takes over 100 ms, so the next waits over 400: no more than three in that second.
    expect(t.server.count("put") - before).toBeLessThanOrEqual(3);
    t.uploader.settled(t.sessionId);
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes(`prt_${last}`), 2000, "the newest state once the turn ends");
  });

  test("an unchanged session is not uploaded again", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    t.uploader.changed(t.sessionId);
    await t.uploader.flush(t.sessionId);
    expect(t.server.count("presign")).toBe(0);
    expect(t.server.count("put")).toBe(1);
  });

  test("OpenCode's native sync of changes the events already uploaded rebuilds nothing", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    t.grow("evented");
    t.uploader.changed(t.sessionId);
    await t.uploader.flush(t.sessionId);
    const reads = t.client.reads;
    const record = (await t.store.get(t.sessionId))!;
    t.uploader.changedShare(record);
    await sleep(80);
    expect(t.client.reads).toBe(reads);

    // A change the latest build has not seen is uploaded, whichever signal comes first.
    t.grow("later");
    t.uploader.changed(t.sessionId);
    t.uploader.changedShare(record);
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes("prt_later"), 2000, "upload of the later change");
  });

  test("without events, OpenCode's native sync alone keeps the share in sync", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    t.grow("native-only");
    t.uploader.changedShare((await t.store.get(t.sessionId))!);
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes("prt_native-only"), 2000, "upload from the native sync");
  });

  test("the end of a turn uploads what is pending without waiting out the throttle", async () => {
    const t = setup({ debounceMs: 10_000 });
    await t.uploader.share(t.sessionId);
    t.grow("last-words");
    t.uploader.changed(t.sessionId);
    await sleep(30);
    expect(t.server.blobs.get(t.shareId)).not.toContain("prt_last-words");
    t.uploader.settled(t.sessionId);
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes("prt_last-words"), 2000, "upload at the end of the turn");
  });

  test("changes to sessions that are not shared cost nothing", async () => {
    const t = setup();
    t.uploader.changed(t.sessionId);
    await sleep(60);
    expect(t.server.requests.length).toBe(0);
    expect(t.client.reads).toBe(0);
  });

  test("a sub-agent's changes re-upload the shared parent", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    const child = { ...fixtureShareData().session, id: "ses_childchildchildchild01", parentID: t.sessionId };
    t.client.add(child, []);
    t.uploader.linkChild(child.id, t.sessionId);
    t.uploader.changed(child.id);
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes(child.id), 2000, "parent upload with subsession");
    expect(Object.keys(t.server.blobJson(t.shareId).subsessions!)).toEqual([child.id]);
  });

  test("server errors retry with growing backoff and keep the newest version pending", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    t.server.fail("presign", 503, 3);
    t.grow("during-outage");
    t.uploader.changed(t.sessionId);
    await waitFor(() => t.server.count("presign") >= 2, 2000, "first retry");
    t.grow("later");
    t.uploader.changed(t.sessionId);
    await waitFor(() => (t.server.blobs.get(t.shareId) ?? "").includes("prt_later"), 3000, "recovery");
    // The blob lands before the uploader sees its PUT answered and logs the recovery.
    await waitFor(() => t.logs.some((l) => l.message === "share sync recovered"), 3000, "recovery log");
    const times = t.server.requests.filter((r) => r.path.endsWith("/presign") && r.path !== "/api/share/presign");
    expect(times.length).toBeGreaterThanOrEqual(4);
    const warn = t.logs.filter((l) => l.message === "share sync failed; will retry");
    expect(warn.map((l) => l.extra.retryInMs)).toEqual([10, 20, 40]);
  });

  test("a network outage is survived: the share catches up when the server returns", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    t.server.down = true;
    t.grow("offline");
    t.uploader.changed(t.sessionId);
    await waitFor(() => t.logs.filter((l) => l.message === "share sync failed; will retry").length >= 3, 3000, "retries");
    t.server.down = false;
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes("prt_offline"), 3000, "catch-up");
  });

  for (const status of [401, 403, 404]) {
    test(`${status} from the server stops syncing that share and tells the user`, async () => {
      const t = setup();
      await t.uploader.share(t.sessionId);
      t.server.fail("presign", status, 1);
      t.grow("x");
      t.uploader.changed(t.sessionId);
      await waitFor(() => t.notes.length > 0, 2000, "notification");
      expect(t.notes[0]!.variant).toBe("error");
      expect(t.notes[0]!.message).toContain(`${status}`);
      const presigns = t.server.count("presign");
      t.grow("y");
      t.uploader.changed(t.sessionId);
      await sleep(80);
      expect(t.server.count("presign")).toBe(presigns);
      expect((await t.store.get(t.sessionId))?.state).toBe("stopped");
      expect(t.uploader.isShared(t.sessionId)).toBe(false);
    });
  }

  test("a shared session that disappears from OpenCode is unshared", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    t.client.sessions.delete(t.sessionId);
    t.uploader.changed(t.sessionId);
    await waitFor(() => !t.server.shares.has(t.shareId), 2000, "server delete");
    await waitFor(() => readFileSync(t.storePath, "utf8").includes('"shares": {}'), 2000, "store cleaned");
  });
});

describe("unsharing", () => {
  test("deletes on the server with the stored secret and forgets the share", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    const secret = t.server.shares.get(t.shareId)!.secret;
    const result = await t.uploader.unshare(t.sessionId);
    expect(result).toMatchObject({ removed: true, pending: false });
    const del = t.server.requests.find((r) => r.method === "DELETE")!;
    expect(del.headers["x-share-secret"]).toBe(secret);
    expect(t.server.blobs.has(t.shareId)).toBe(false);
    expect(await t.store.get(t.sessionId)).toBeUndefined();
  });

  test("an upload in flight finishes before the delete, so no blob is left behind", async () => {
    const t = setup({ debounceMs: 0 });
    await t.uploader.share(t.sessionId);
    t.server.putDelayMs = 80;
    t.grow("late");
    t.uploader.changed(t.sessionId);
    await waitFor(() => t.server.inFlightPuts === 1, 2000, "upload in flight");
    await t.uploader.unshare(t.sessionId);
    expect(t.server.blobs.has(t.shareId)).toBe(false);
    expect(t.server.shares.has(t.shareId)).toBe(false);
  });

  test("already gone on the server counts as done", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    t.server.shares.delete(t.shareId);
    expect(await t.uploader.unshare(t.sessionId)).toMatchObject({ removed: true });
    expect(await t.store.list()).toEqual([]);
  });

  test("with the server down the deletion is kept and retried until it succeeds", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    t.server.down = true;
    const result = await t.uploader.unshare(t.sessionId);
    expect(result).toMatchObject({ removed: false, pending: true });
    expect((await t.store.get(t.sessionId))?.state).toBe("deleting");
    await sleep(40);
    t.server.down = false;
    await waitFor(() => !t.server.shares.has(t.shareId), 3000, "retried delete");
    await waitFor(() => readFileSync(t.storePath, "utf8").includes('"shares": {}'), 2000, "store cleaned");
  });

  test("a deletion interrupted by a restart is resumed by the next instance", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    await t.store.update(t.sessionId, { state: "deleting" });
    const next = t.make();
    cleanups.push(() => void next.dispose());
    await next.init();
    await waitFor(() => !t.server.shares.has(t.shareId), 2000, "resumed delete");
  });

  test("a new instance keeps syncing shares created before the restart", async () => {
    const t = setup();
    await t.uploader.share(t.sessionId);
    await t.uploader.dispose();
    const next = t.make();
    cleanups.push(() => void next.dispose());
    await next.init();
    expect(next.isShared(t.sessionId)).toBe(true);
    t.grow("after-restart");
    next.changed(t.sessionId);
    await waitFor(() => t.server.blobs.get(t.shareId)!.includes("prt_after-restart"), 2000, "sync after restart");
  });
});
