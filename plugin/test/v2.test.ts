import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDuration } from "../src/commands.js";
import type { ShareDataV2, V2Message } from "../src/protocol.js";
import { SecretStore } from "../src/secret-store.js";
import serverEntry from "../src/server.js";
import { setupV2 } from "../src/v2.js";
import { REQUIRED } from "../src/v2-host.js";
import { capturedTurn, FakeV2Host, type Capability } from "./fake-v2-host.js";
import { FakeServer, tempDir, waitFor } from "./helpers.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function world(options: { without?: Capability[]; hostOptions?: Record<string, unknown> } = {}) {
  const server = new FakeServer();
  const dir = tempDir();
  cleanups.push(() => server.stop(), dir.cleanup);
  const host = new FakeV2Host({ baseUrl: server.baseUrl, ...options.hostOptions }, options.without);
  const turn = capturedTurn();
  host.addSession(turn.session, turn.messages);
  const sessionId = turn.session.id;
  const storePath = join(dir.path, "shares.json");
  const logPath = join(dir.path, "better-share.log");
  const start = async () => {
    const dispose = await setupV2(host.context(), { env: {}, storePath, logPath, home: "/home/dev", debounceMs: 20 });
    if (dispose) cleanups.push(dispose);
    return dispose;
  };
  const logLines = () => (existsSync(logPath) ? readFileSync(logPath, "utf8").split("\n").filter(Boolean) : []);
  const blob = (): ShareDataV2 => JSON.parse(server.blobs.get(sessionId.slice(-8))!);
  return { server, host, turn, sessionId, shareId: sessionId.slice(-8), storePath, logPath, start, logLines, blob };
}

function assistant(id: string, text: string, finish = "stop"): V2Message {
  return {
    id,
    type: "assistant",
    time: { created: 1796153660000, completed: 1796153660100 },
    agent: "build",
    model: { id: "mock-1", providerID: "mock", variant: "default" },
    content: [{ type: "text", id: "text-0", text }],
    finish,
    cost: 0,
    tokens: { input: 1, output: 1, reasoning: 0, cache: { read: 0, write: 0 } },
  };
}

const stepEnded = (sessionID: string, finish: string) => ({ type: "session.next.step.ended", data: { sessionID, finish } });

describe("OpenCode 2 entry: /share → upload → sync on a turn end → /shares → /unshare", () => {
  test("the whole flow on a host with the documented API", async () => {
    const t = world();
    await t.start();
    expect([...t.host.commands.keys()].sort()).toEqual(["share", "shares", "unshare"]);
    expect(t.host.subscribers).toBe(1);

    await t.host.run("share", t.sessionId);
    const url = `${t.server.baseUrl}/share/${t.shareId}`;
    const uploaded = t.blob();
    expect(uploaded.format).toBe("opencode-v2");
    expect(uploaded.sessionId).toBe(t.sessionId);
    expect(uploaded.session.id).toBe(t.sessionId);
    expect(uploaded.messages).toEqual(t.turn.messages);
    expect(uploaded.createdAt).toBe(t.turn.session.time.created);
    // The URL goes into the session as a note that starts no model turn.
    expect(t.host.synthetic).toHaveLength(1);
    expect(t.host.synthetic[0]).toMatchObject({ sessionID: t.sessionId, resume: false });
    expect(t.host.synthetic[0]!.text).toContain(url);

    // A turn ends: what it added is uploaded.
    t.host.sessions.get(t.sessionId)!.messages.push(assistant("msg_zzzz0001", "second turn's answer"));
    await t.host.emit({ type: "session.next.text.ended", data: { sessionID: t.sessionId } });
    await t.host.emit(stepEnded(t.sessionId, "stop"));
    await waitFor(() => t.blob().messages.length === t.turn.messages.length + 1, 3000, "sync after the turn");
    expect(JSON.stringify(t.blob().messages.at(-1))).toContain("second turn's answer");

    await t.host.run("shares", t.sessionId);
    expect(t.host.synthetic[1]!.text).toContain(url);
    expect(t.host.synthetic[1]!.text).toContain("this session");

    await t.host.run("unshare", t.sessionId);
    expect(t.host.synthetic[2]!.text).toContain(`Unshared: ${url}`);
    expect(t.server.shares.size).toBe(0);
    expect(await new SecretStore(t.storePath).list()).toEqual([]);
  });

  test("the secrets live in the same file as 1.x: a share made under 1.x is listed and unshared under 2.x", async () => {
    const t = world();
    // As the 1.x runtime left it.
    t.server.shares.set(t.shareId, { sessionId: t.sessionId, secret: "secret-from-1x" });
    t.server.blobs.set(t.shareId, "{}");
    await new SecretStore(t.storePath).put({
      sessionId: t.sessionId,
      shareId: t.shareId,
      baseUrl: t.server.baseUrl,
      url: `${t.server.baseUrl}/share/${t.shareId}`,
      secret: "secret-from-1x",
      localToken: "local",
      title: "made in 1.x",
      createdAt: 1,
      state: "active",
    });
    await t.start();
    await t.host.run("shares", t.sessionId);
    expect(t.host.synthetic[0]!.text).toContain("made in 1.x");
    await t.host.run("unshare", t.sessionId);
    expect(t.server.shares.has(t.shareId)).toBe(false);
  });

  test("a turn that only ends a step with tool calls waits for the throttle; the end of the turn uploads", async () => {
    const t = world();
    await t.start();
    await t.host.run("share", t.sessionId);
    const puts = t.server.count("put");
    t.host.sessions.get(t.sessionId)!.messages.push(assistant("msg_zzzz0002", "final"));
    await t.host.emit(stepEnded(t.sessionId, "tool-calls"));
    await t.host.emit(stepEnded(t.sessionId, "stop"));
    await waitFor(() => t.server.count("put") > puts, 3000, "upload after the turn");
    expect(JSON.stringify(t.blob().messages)).toContain("final");
  });

  test("redaction applies to 2.x transcripts as to 1.x", async () => {
    const t = world();
    const key = "AKIA" + "ABCDEFGHIJKLMNOP";
    t.host.sessions.get(t.sessionId)!.messages.push(assistant("msg_zzzz0003", `the key is ${key} in /home/dev/project`));
    await t.start();
    await t.host.run("share", t.sessionId);
    const text = JSON.stringify(t.blob());
    expect(text).not.toContain(key);
    expect(text).toContain("[REDACTED:aws-key]");
    expect(text).toContain("~/project");
  });

  test("the server refusing a sync (404) stops syncing and says so in the log", async () => {
    const t = world();
    await t.start();
    await t.host.run("share", t.sessionId);
    t.server.fail("presign", 404, 1);
    t.host.sessions.get(t.sessionId)!.messages.push(assistant("msg_zzzz0004", "x"));
    await t.host.emit(stepEnded(t.sessionId, "stop"));
    await waitFor(() => t.logLines().some((l) => l.includes("share sync stopped")), 3000, "stop log");
    const store = new SecretStore(t.storePath);
    let state: string | undefined;
    for (let i = 0; i < 100 && state !== "stopped"; i++, await Bun.sleep(20)) state = (await store.get(t.sessionId))?.state;
    expect(state).toBe("stopped");
  });

  test("sub-agent sessions (paged session.scan) go up with their parent, and their turns sync it", async () => {
    const t = world();
    const child = { ...t.turn.session, id: "ses_childchild0001", parentID: t.sessionId, title: "sub-agent" };
    const grandchild = { ...t.turn.session, id: "ses_childchild0002", parentID: child.id, title: "sub-sub-agent" };
    t.host.addSession(child, [assistant("msg_c1", "child says hi")]);
    t.host.addSession(grandchild, [assistant("msg_c2", "grandchild says hi")]);
    await t.start();
    await t.host.run("share", t.sessionId);
    expect(Object.keys(t.blob().subsessions ?? {}).sort()).toEqual([child.id, grandchild.id]);
    t.host.sessions.get(grandchild.id)!.messages.push(assistant("msg_c3", "grandchild again"));
    await t.host.emit(stepEnded(grandchild.id, "stop"));
    await waitFor(() => JSON.stringify(t.blob().subsessions).includes("grandchild again"), 3000, "sub-agent sync");
  });

  test("the paged message list is read when the host has one (the context can stop at a compaction)", async () => {
    const t = world();
    const many = Array.from({ length: 450 }, (_, i) => assistant(`msg_p${String(i).padStart(4, "0")}`, `m${i}`));
    t.host.sessions.get(t.sessionId)!.messages.push(...many);
    await t.start();
    await t.host.run("share", t.sessionId);
    expect(t.blob().messages).toHaveLength(t.turn.messages.length + 450);
    expect(t.host.calls.filter((c) => c.startsWith("message.list")).length).toBeGreaterThan(1);
    expect(t.host.calls.some((c) => c.startsWith("context"))).toBe(false);
  });

  test("without the paged list, the session context is the transcript", async () => {
    const t = world({ without: ["message.list", "session.get", "session.scan"] });
    await t.start();
    await t.host.run("share", t.sessionId);
    expect(t.blob().messages).toEqual(t.turn.messages);
    expect(t.blob().session.id).toBe(t.sessionId);
    expect(t.host.calls.some((c) => c.startsWith("context"))).toBe(true);
  });

  test("deleting a shared session unshares it", async () => {
    const t = world();
    await t.start();
    await t.host.run("share", t.sessionId);
    await t.host.emit({ type: "session.deleted", data: { sessionID: t.sessionId, info: { id: t.sessionId } } });
    await waitFor(() => !t.server.shares.has(t.shareId), 3000, "unshare on delete");
  });

  test("a user's own /share is kept; the other two commands are added and the log says why", async () => {
    const t = world();
    t.host.commands.set("share", { name: "share", template: "my own share prompt" });
    await t.start();
    expect(t.host.commands.get("share")).toEqual({ name: "share", template: "my own share prompt" });
    expect(typeof t.host.commands.get("unshare")?.execute).toBe("function");
    expect(typeof t.host.commands.get("shares")?.execute).toBe("function");
    await waitFor(() => t.logLines().some((l) => l.includes("already have a /share command")), 2000, "log line");
  });

  test("unloading drops the event subscription", async () => {
    const t = world();
    const dispose = await t.start();
    expect(t.host.subscribers).toBe(1);
    await dispose!();
    expect(t.host.subscribers).toBe(0);
  });
});

describe("OpenCode 2 entry: /share [duration]", () => {
  test("/share 7d asks the server to delete the share after 7 days", async () => {
    const t = world();
    await t.start();
    await t.host.run("share", t.sessionId, "7d");
    const create = t.server.requests.find((r) => r.path === "/api/share/presign")!;
    expect(JSON.parse(create.body).expiresIn).toBe(7 * 86_400);
    expect(t.host.synthetic[0]!.text).toContain("7d");
  });

  test("/share without a duration sends no expiresIn (servers without expiry reject the field)", async () => {
    const t = world();
    await t.start();
    await t.host.run("share", t.sessionId);
    const create = t.server.requests.find((r) => r.path === "/api/share/presign")!;
    expect("expiresIn" in JSON.parse(create.body)).toBe(false);
  });

  test("/share with something that is not a duration shares nothing and explains", async () => {
    const t = world();
    await t.start();
    await t.host.run("share", t.sessionId, "tomorrow");
    expect(t.server.shares.size).toBe(0);
    expect(t.host.synthetic[0]!.text).toContain('"tomorrow" is not a duration');
  });

  test("durations", () => {
    expect(parseDuration("")).toBeNull();
    expect(parseDuration("never")).toBeNull();
    expect(parseDuration("60")).toBe(60);
    expect(parseDuration("59s")).toBeUndefined();
    expect(parseDuration("90m")).toBe(5400);
    expect(parseDuration("12h")).toBe(43_200);
    expect(parseDuration("2w")).toBe(1_209_600);
    expect(parseDuration("7 d")).toBe(604_800);
    expect(parseDuration("-1d")).toBeUndefined();
    expect(parseDuration("1y")).toBeUndefined();
  });
});

describe("OpenCode 2 entry: a missing capability turns sharing off with one sentence", () => {
  const cases: Array<[Capability, string]> = [
    ...REQUIRED.map(([name]) => [name.replace(/^ctx\./, "") as Capability, name] as [Capability, string]),
    ["editor.add", "ctx.command.transform editor add()"],
  ];
  for (const [capability, named] of cases) {
    test(`without ${capability}`, async () => {
      const t = world({ without: [capability] });
      const dispose = await t.start();
      await waitFor(() => t.logLines().length > 0, 2000, "log line");
      await Bun.sleep(30);
      const lines = t.logLines();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`has no ${named}`);
      expect(lines[0]).toContain("sharing is off");
      expect([...t.host.commands.keys()]).toEqual([]);
      expect(t.host.subscribers).toBe(0);
      await dispose?.();
    });
  }

  test("without storage, sharing works: the secrets stay in the file 1.x uses", async () => {
    const t = world({ without: ["storage"] });
    await t.start();
    await t.host.run("share", t.sessionId);
    expect(t.server.blobs.has(t.shareId)).toBe(true);
    expect((await new SecretStore(t.storePath).get(t.sessionId))?.secret).toBeString();
    expect(t.host.storage.size).toBe(0);
  });

  test("a context that is not an object, or whose calls throw, never throws into OpenCode", async () => {
    const t = world();
    await expect(setupV2(undefined, { env: {}, logPath: t.logPath, storePath: t.storePath })).resolves.toBeUndefined();
    const ctx = t.host.context();
    ctx.command!.list = async () => {
      throw new Error("boom");
    };
    await expect(setupV2(ctx, { env: {}, logPath: t.logPath, storePath: t.storePath })).resolves.toBeUndefined();
    await waitFor(() => t.logLines().some((l) => l.includes("could not start") && l.includes("boom")), 2000, "log line");
  });

  test("without a server configured, commands answer with the reason", async () => {
    const t = world({ hostOptions: { baseUrl: "" } });
    await t.start();
    await t.host.run("share", t.sessionId);
    expect(t.host.synthetic[0]!.text).toContain("better-share is off");
    expect(t.host.synthetic[0]!.text).toContain("BETTER_SHARE_BASE_URL");
  });
});

describe("./server entry", () => {
  test("OpenCode 2 finds setup on the same default export OpenCode 1.x reads `server` from", async () => {
    expect(serverEntry.id).toBe("better-share");
    expect(typeof serverEntry.setup).toBe("function");
    // A bare context: setup resolves and logs beside the secrets file, it does not throw.
    const dir = tempDir();
    const previous = process.env.XDG_DATA_HOME;
    process.env.XDG_DATA_HOME = dir.path;
    cleanups.push(dir.cleanup, () => {
      if (previous === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = previous;
    });
    await expect(Promise.resolve(serverEntry.setup({}))).resolves.toBeUndefined();
    const log = join(dir.path, "opencode", "better-share", "better-share.log");
    await waitFor(() => existsSync(log), 2000, "log file");
    expect(readFileSync(log, "utf8")).toContain("has no ctx.command.transform");
  });
});
