// The npm plugin `opencode-better-share`, built from plugin/ and loaded by a
// real OpenCode 1.18.33 the way a user would (file://…/dist/index.js): it
// shares through OpenCode's own /share via its loopback adapter, or through
// its own commands, and the data goes straight to the better-share server's
// presigned upload, never to opncd.ai.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { MockModel, Turn } from "./mock-model.ts";
import type { EgressProxy } from "./egress-proxy.ts";
import { startOpenCode, type MessageWithParts, type OpenCode } from "./opencode.ts";
import { startBetterShare, type BetterShare, type ShareData } from "./better-share.ts";
import { REPO_ROOT } from "./processes.ts";
import { startStack, stopStack } from "./stack.ts";
import { eventually } from "../helpers/eventually.ts";
import { FIRST_PROMPT, SECOND_PROMPT, SECOND_TURN_MARKER, normalize, outline, secondTurn, toolTurn } from "./scenario.ts";
import { redact } from "../../plugin/src/redact.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { startS3, type TestS3 } from "../helpers/s3.ts";

// How long after a turn ends the shared copy may take to show it.
const SYNC_DEADLINE_MS = 10_000;
const FAKE_AWS_KEY = ["AKIA", "Q7W3E9R2T5Y8U1I4"].join("");

let model: MockModel;
let proxy: EgressProxy;
let server: BetterShare;
// Built from plugin/src by buildPlugin into a directory of this run (another
// run rebuilding plugin/dist at the same moment would otherwise make OpenCode
// load a half-deleted plugin and fall back to opncd.ai).
let pluginEntry = "";
// The package's `./server` entry ({ id, server, setup } for both OpenCode generations).
let serverEntry = "";

beforeAll(async () => {
  let pluginDir: string;
  ({ model, proxy, server, pluginDir } = await startStack({ title: "Greeting script", plugin: true }));
  pluginEntry = `file://${join(pluginDir, "index.js")}`;
  serverEntry = `file://${join(pluginDir, "server.js")}`;
}, 180_000);

afterAll(stopStack, 60_000);

function startWithPlugin(options: Record<string, unknown>, entry = pluginEntry, target: BetterShare = server) {
  return startOpenCode({
    modelBaseURL: model.baseURL,
    proxy,
    config: { plugin: [[entry, { baseUrl: target.url, ...options }]] },
  });
}

/** A turn whose `task` call runs a sub-agent (the child session consumes the middle step). */
function taskTurn(): Turn {
  return [
    { tools: [{ name: "task", args: { description: "Check the script", prompt: "Read greet.sh and report.", subagent_type: "general" } }] },
    { text: "Sub-agent report: greet.sh prints a greeting." },
    { text: "The sub-agent checked greet.sh." },
  ];
}

/** A turn whose tool output holds a secret and the home path, both of which must not be uploaded. */
function leakyTurn(marker: string): Turn {
  return [
    { tools: [{ name: "bash", args: { command: `echo aws_key=${FAKE_AWS_KEY} home=$HOME`, description: "Print env" } }] },
    { text: `${marker}.` },
  ];
}

const served = (d: ShareData) => d.status === 200;
const mentions = (text: string) => (d: ShareData) => d.status === 200 && JSON.stringify(d.body).includes(text);
const gone = (d: ShareData) => d.status === 404;

/** Waits until `target` answers for share `id` the way `done` wants, within the sync deadline unless told. */
function untilShare(what: string, target: BetterShare, id: string, done: (d: ShareData) => boolean, timeoutMs = SYNC_DEADLINE_MS) {
  return eventually(what, () => target.shareData(id), done, { timeoutMs });
}

const storeFile = (oc: OpenCode) => join(oc.home, "xdg/data/opencode/better-share/shares.json");

/** What OpenCode holds, redacted the way the plugin redacts it. */
async function expected(oc: OpenCode, sessionId: string): Promise<MessageWithParts[]> {
  return redact(await oc.messages(sessionId), { home: join(oc.home, "home") }).value;
}

describe("plugin, native mode: OpenCode 1.18's own /share through the loopback adapter", () => {
  let opencode: OpenCode;
  let sessionId = "";
  let shareId = "";

  beforeAll(async () => {
    opencode = await startWithPlugin({});
  }, 120_000);

  test(
    "/share after a tool turn and a sub-agent returns {BASE}/share/{id} and uploads what OpenCode holds",
    async () => {
      model.push(toolTurn(), taskTurn(), leakyTurn("Environment printed"));
      const session = await opencode.createSession();
      sessionId = session.id;
      shareId = sessionId.slice(-8);
      await opencode.prompt(sessionId, FIRST_PROMPT);
      await opencode.prompt(sessionId, "Have a sub-agent check the script.");
      await opencode.prompt(sessionId, "Print the environment.");
      expect(model.errors).toEqual([]);

      const shared = await opencode.share(sessionId);
      expect(shared.share.url).toBe(`${server.url}/share/${shareId}`);

      const want = await expected(opencode, sessionId);
      const { body: blob } = await untilShare("the blob to equal OpenCode's session", server, shareId, (d) =>
        served(d) && Bun.deepEquals(normalize(d.body.messages), normalize(want), true),
      ).catch(async (err) => {
        const data = await server.shareData(shareId);
        throw new Error(`${err.message}\nblob: ${outline(data.body?.messages ?? []).join("\n")}\nopencode: ${outline(want).join("\n")}`);
      });
      expect(blob.shareId).toBe(shareId);
      expect(blob.sessionId).toBe(sessionId);

      // The sub-agent's session travels with the share.
      const children = await opencode.json("GET", `/session/${sessionId}/children`);
      expect(children.length).toBe(1);
      const sub = blob.subsessions?.[children[0].id];
      expect(sub?.session.parentID).toBe(sessionId);
      expect(JSON.stringify(sub.messages)).toContain("Sub-agent report");

      // Redacted before upload: the key and the home path are gone, the marker shows.
      const text = JSON.stringify(blob);
      expect(text).not.toContain(FAKE_AWS_KEY);
      expect(text).toContain("[REDACTED:aws-key]");
      expect(text).not.toContain(join(opencode.home, "home"));
      expect(JSON.stringify(await opencode.messages(sessionId))).toContain(FAKE_AWS_KEY);

      const page = await server.request("GET", `/share/${shareId}`);
      expect(page.status).toBe(200);
    },
    240_000,
  );

  test("OpenCode's database holds only the local token; the server's secret is in a 0600 file", async () => {
    const file = storeFile(opencode);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(file, "utf8")).shares[sessionId];
    expect(record.shareId).toBe(shareId);
    const db = new Database(join(opencode.home, "xdg/data/opencode/opencode.db"), { readonly: true });
    try {
      const row = db.query("SELECT id, secret, url FROM session_share WHERE session_id = ?").get(sessionId) as any;
      expect(row.secret).toBe(record.localToken);
      expect(row.secret).not.toBe(record.secret);
      expect(row.url).toBe(`${server.url}/share/${shareId}`);
    } finally {
      db.close();
    }
  });

  test(
    "a second turn reaches the shared copy within seconds",
    async () => {
      model.push(secondTurn());
      await opencode.prompt(sessionId, SECOND_PROMPT);
      await untilShare("the second turn in the blob", server, shareId, mentions(SECOND_TURN_MARKER));
    },
    120_000,
  );

  test(
    "after an OpenCode restart, a third turn still syncs",
    async () => {
      opencode = await opencode.restart();
      model.push([{ text: "Third turn after restart." }]);
      await opencode.prompt(sessionId, "One more thing.");
      await untilShare("the third turn in the blob", server, shareId, mentions("Third turn after restart"));
    },
    180_000,
  );

  test(
    "a turn made while the server is down is uploaded once it is back",
    async () => {
      await server.stop();
      model.push([{ text: "Written during the outage." }]);
      await opencode.prompt(sessionId, "Keep going while the server is away.");
      await Bun.sleep(1500);
      server = await server.restart();
      await untilShare("the outage turn in the blob", server, shareId, mentions("Written during the outage"), 30_000);
    },
    120_000,
  );

  test(
    "/unshare deletes row and blob; API and page answer 404",
    async () => {
      expect(server.stored(shareId).row).not.toBeNull();
      await opencode.unshare(sessionId);
      await untilShare("the share to be gone", server, shareId, gone);
      expect((await server.request("GET", `/share/${shareId}`)).status).toBe(404);
      expect(server.stored(shareId)).toEqual({ row: null, items: 0, files: [] });
      expect(JSON.parse(readFileSync(storeFile(opencode), "utf8")).shares[sessionId]).toBeUndefined();
    },
    60_000,
  );

  test("nothing but the package registry was reached from OpenCode", () => {
    expect(proxy.refused()).toEqual([]);
    expect(proxy.foreign()).toEqual([]);
  });
});

describe("plugin, commands mode forced on OpenCode 1.18, loaded from the ./server entry", () => {
  let opencode: OpenCode;
  let sessionId = "";
  let shareId = "";

  beforeAll(async () => {
    opencode = await startWithPlugin({ mode: "commands" }, serverEntry);
  }, 120_000);

  test("/share, /unshare and /shares are listed once each", async () => {
    const commands = (await opencode.json("GET", "/command")) as Array<{ name: string }>;
    const names = commands.map((c) => c.name);
    for (const name of ["share", "unshare", "shares"]) expect(names.filter((n) => n === name)).toEqual([name]);
  });

  test(
    "/share shares without an LLM call and stores a note with the URL that the model never sees",
    async () => {
      model.push([{ text: "A short answer." }]);
      const session = await opencode.createSession();
      sessionId = session.id;
      shareId = sessionId.slice(-8);
      await opencode.prompt(sessionId, "Say something short.");
      const calls = model.requests.filter((r) => r.kind === "agent").length;

      const res = await opencode.command(sessionId, "share");
      // Only a throw ends a command's turn; OpenCode reports it to HTTP callers as a 500.
      expect(res.status).toBe(500);
      const url = `${server.url}/share/${shareId}`;
      const messages = await opencode.messages(sessionId);
      const note = messages.flatMap((m) => m.parts).find((p) => p.type === "text" && p.text.includes(url));
      expect(note?.ignored).toBe(true);
      expect(note?.synthetic).toBeFalsy();
      await untilShare("the blob", server, shareId, (d) => served(d) && d.body.messages.length > 0);
      expect(model.requests.filter((r) => r.kind === "agent").length).toBe(calls);

      // The next real turn does not send the note to the model.
      model.push([{ text: "Noted." }]);
      await opencode.prompt(sessionId, "Continue.");
      const last = model.requests.filter((r) => r.kind === "agent").at(-1)!;
      expect(JSON.stringify(last.body.messages)).not.toContain(url);
    },
    120_000,
  );

  test(
    "/shares lists the share; /unshare removes it",
    async () => {
      await opencode.command(sessionId, "shares");
      let messages = await opencode.messages(sessionId);
      const listing = messages.flatMap((m) => m.parts).filter((p) => p.type === "text" && p.text.includes("Shared sessions"));
      expect(listing.at(-1)?.text).toContain(`${server.url}/share/${shareId}`);

      await opencode.command(sessionId, "unshare");
      expect((await server.request("GET", `/api/share/${shareId}`)).status).toBe(404);
      expect(server.stored(shareId)).toEqual({ row: null, items: 0, files: [] });
      messages = await opencode.messages(sessionId);
      expect(messages.flatMap((m) => m.parts).some((p) => p.type === "text" && p.text.includes("Unshared"))).toBe(true);
    },
    60_000,
  );

  test(
    "deleting a shared session in OpenCode unshares it",
    async () => {
      model.push([{ text: "Soon deleted." }]);
      const session = await opencode.createSession();
      await opencode.prompt(session.id, "Say something.");
      await opencode.command(session.id, "share");
      const id = session.id.slice(-8);
      await untilShare("the blob", server, id, served);
      await opencode.json("DELETE", `/session/${session.id}`);
      await untilShare("the share to be gone", server, id, gone);
      expect(server.stored(id)).toEqual({ row: null, items: 0, files: [] });
    },
    60_000,
  );

  test("nothing but the package registry was reached from OpenCode", () => {
    expect(proxy.refused()).toEqual([]);
    expect(proxy.foreign()).toEqual([]);
  });
});

describe("plugin against better-share on Postgres + an S3-protocol store (presigned PUT straight to the bucket)", () => {
  let s3: TestS3;
  let pgServer: BetterShare;
  let opencode: OpenCode;

  beforeAll(async () => {
    s3 = await startS3();
    const databaseUrl = await freshDatabase("plugin_e2e");
    // `serve` only migrates the embedded store; Postgres is migrated explicitly, as in production.
    const migrate = Bun.spawnSync([process.execPath, join(REPO_ROOT, "src/cli.ts"), "migrate"], {
      env: { ...process.env, DATABASE_URL: databaseUrl, ...s3.env },
      stdout: "pipe",
      stderr: "pipe",
    });
    if (migrate.exitCode !== 0) throw new Error(`migrate failed: ${migrate.stderr}`);
    pgServer = await startBetterShare({ databaseUrl, s3: s3.env });
    opencode = await startWithPlugin({}, pluginEntry, pgServer);
  }, 180_000);

  afterAll(async () => {
    await opencode?.dispose();
    await pgServer?.dispose();
    await s3?.stop();
  }, 60_000);

  test(
    "share, sync a second turn, unshare",
    async () => {
      model.push(toolTurn());
      const session = await opencode.createSession();
      const id = session.id.slice(-8);
      await opencode.prompt(session.id, FIRST_PROMPT);
      const shared = await opencode.share(session.id);
      expect(shared.share.url).toBe(`${pgServer.url}/share/${id}`);
      const want = await expected(opencode, session.id);
      await untilShare("the blob in S3 to equal OpenCode's session", pgServer, id, (d) =>
        served(d) && Bun.deepEquals(normalize(d.body.messages), normalize(want), true),
      );

      model.push(secondTurn());
      await opencode.prompt(session.id, SECOND_PROMPT);
      await untilShare("the second turn in S3", pgServer, id, mentions(SECOND_TURN_MARKER));

      await opencode.unshare(session.id);
      await untilShare("the share to be gone", pgServer, id, gone);
      expect((await pgServer.request("GET", `/share/${id}`)).status).toBe(404);
    },
    240_000,
  );

  test("nothing but the package registry was reached from OpenCode", () => {
    expect(proxy.refused()).toEqual([]);
    expect(proxy.foreign()).toEqual([]);
  });
});

describe("plugin against a server that only lets token holders create (CREATE_ACCESS=token)", () => {
  let tokenServer: BetterShare;
  const opencodes: OpenCode[] = [];

  /** POST /api/share/presign lines in the server's request log. */
  const creations = () => tokenServer.output().split("\n").filter((l) => l.includes("POST /api/share/presign")).length;

  /** The operator's command, run beside the running server on its SQLite store. */
  function tokens(...args: string[]) {
    const r = Bun.spawnSync([process.execPath, join(REPO_ROOT, "src/cli.ts"), "tokens", ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DATA_DIR: tokenServer.dataDir },
      stdout: "pipe",
      stderr: "pipe",
    });
    if (r.exitCode !== 0) throw new Error(`tokens ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout.toString().trim();
  }

  beforeAll(async () => {
    tokenServer = await startBetterShare({ env: { CREATE_ACCESS: "token" } });
  }, 120_000);

  afterAll(async () => {
    for (const oc of opencodes) await oc.dispose();
    await tokenServer?.dispose();
  }, 60_000);

  async function openWith(options: Record<string, unknown>, env: Record<string, string> = {}) {
    const oc = await startOpenCode({
      modelBaseURL: model.baseURL,
      proxy,
      env,
      // A loaded machine can take minutes to boot OpenCode.
      startTimeoutMs: 300_000,
      config: { plugin: [[pluginEntry, { baseUrl: tokenServer.url, ...options }]] },
    });
    opencodes.push(oc);
    return oc;
  }

  test(
    "native mode without a token: OpenCode's own /share fails once, the reason shows as a toast, and nothing is retried",
    async () => {
      const oc = await openWith({});
      model.push([{ text: "No token here." }]);
      const session = await oc.createSession();
      await oc.prompt(session.id, "Say something short.");
      const events = oc.events();
      try {
        const before = creations();
        const res = await oc.request("POST", `/session/${session.id}/share`);
        // OpenCode reports a failed share generically (500 InternalServerError)...
        expect(res.ok).toBe(false);
        // ...so the plugin says why, once, as a toast.
        const toast = await events.waitFor((e) => JSON.stringify(e).includes("only lets token holders create shares"), 30_000);
        expect(toast.type).toContain("toast");
        expect(JSON.stringify(toast)).toContain("BETTER_SHARE_TOKEN");
        await Bun.sleep(3000);
        expect(events.events.filter((e) => JSON.stringify(e).includes("only lets token holders"))).toHaveLength(1);
        expect(creations() - before).toBe(1);
        expect((await tokenServer.request("GET", `/api/share/${session.id.slice(-8)}`)).status).toBe(404);
      } finally {
        events.close();
      }
    },
    400_000,
  );

  test(
    "commands mode: with BETTER_SHARE_TOKEN (pasted with a trailing newline) /share works and records the owner; once revoked, /share ends with one note saying so",
    async () => {
      const token = tokens("create", "e2e-user");
      expect(token).toMatch(/^bst_/);
      const oc = await openWith({ mode: "commands" }, { BETTER_SHARE_TOKEN: `${token}\n` });
      model.push([{ text: "Shared with a token." }]);
      const session = await oc.createSession();
      const id = session.id.slice(-8);
      await oc.prompt(session.id, "Say something short.");
      await oc.command(session.id, "share");
      await untilShare("the blob", tokenServer, id, mentions("Shared with a token"));
      expect(tokenServer.stored(id).row?.owner).toBe("e2e-user");
      // The token never reached the server's log or the uploaded session.
      expect(tokenServer.output()).not.toContain(token);
      expect(JSON.stringify((await tokenServer.shareData(id)).body)).not.toContain(token);

      tokens("revoke", "e2e-user");
      model.push([{ text: "After the revocation." }]);
      const second = await oc.createSession();
      await oc.prompt(second.id, "Say something short.");
      const calls = model.requests.filter((r) => r.kind === "agent").length;
      const before = creations();
      await oc.command(second.id, "share");
      const notes = (await oc.messages(second.id)).flatMap((m) => m.parts).filter((p) => p.type === "text" && p.text.includes("[better-share]"));
      expect(notes).toHaveLength(1);
      expect(notes[0]!.text).toContain("refused your creation token");
      expect(notes[0]!.text).toContain("revoked");
      await Bun.sleep(3000);
      expect(creations() - before).toBe(1);
      expect(model.requests.filter((r) => r.kind === "agent").length).toBe(calls);
      // The share made before the revocation keeps syncing: it is authorised by its own secret.
      model.push([{ text: "Still syncing after the revocation." }]);
      await oc.prompt(session.id, "Continue.");
      await untilShare("the sync after the revocation", tokenServer, id, mentions("Still syncing after the revocation"));
    },
    500_000,
  );

  test("nothing but the package registry was reached from OpenCode", () => {
    expect(proxy.refused()).toEqual([]);
    expect(proxy.foreign()).toEqual([]);
  });
});
