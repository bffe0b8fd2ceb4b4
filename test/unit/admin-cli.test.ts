// The admin command frame and `tokens` in-process (the child-process tests
// against running servers are in test/binary/admin.test.ts).
import { describe, expect, test } from "bun:test";
import { runGroup, table, type CommandGroup, type Output } from "../../src/commands/admin.ts";
import { tokensCommands } from "../../src/commands/tokens.ts";
import { checkToken } from "../../src/core/tokens.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { tempDir } from "../helpers/tmp.ts";

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

async function tokens(dir: string, ...argv: string[]) {
  const io = capture();
  const code = await runGroup(tokensCommands, argv, { env: { DATA_DIR: dir }, io });
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("admin frame", () => {
  const group: CommandGroup = {
    name: "demo",
    summary: "a demo",
    subcommands: [
      {
        name: "echo",
        args: "WORD…",
        summary: "echo words",
        options: { upper: { type: "boolean", help: "shout" } },
        json: true,
        positionals: { min: 1, max: 3 },
        async run(ctx, values, words) {
          const text = values.upper ? words.map((w) => w.toUpperCase()) : words;
          if (ctx.json) ctx.io.out(JSON.stringify(text));
          else ctx.io.out(text.join(" "));
          return words.includes("missing") ? 1 : 0;
        },
      },
    ],
  };
  const run = async (...argv: string[]) => {
    const io = capture();
    const code = await runGroup(group, argv, { env: {}, io });
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  test("usage errors exit 2 with a sentence; help exits 0", async () => {
    expect((await run()).code).toBe(2);
    expect(await run("--help")).toMatchObject({ code: 0, out: expect.stringContaining("better-share demo echo WORD… [--upper] [--json]") });
    expect(await run("echo", "--help")).toMatchObject({ code: 0, out: expect.stringContaining("shout") });
    expect(await run("nope")).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "nope"; expected one of echo') });
    expect(await run("echo")).toMatchObject({ code: 2, err: expect.stringContaining("echo needs WORD…") });
    expect(await run("echo", "a", "b", "c", "d")).toMatchObject({ code: 2, err: expect.stringContaining('unexpected argument "d"') });
    expect(await run("echo", "a", "--loud")).toMatchObject({ code: 2, err: expect.stringContaining("--loud") });
  });

  test("runs the command with its options and returns its exit code", async () => {
    expect(await run("echo", "a", "b", "--upper")).toMatchObject({ code: 0, out: "A B" });
    expect(await run("echo", "a", "--json")).toMatchObject({ code: 0, out: '["a"]' });
    expect((await run("echo", "missing")).code).toBe(1);
  });

  test("bad configuration is a usage error naming the variable", async () => {
    const io = capture();
    const code = await runGroup(group, ["echo", "a"], { env: { DATABASE_URL: "mysql://x" }, io });
    expect(code).toBe(2);
    expect(io.stderr.join("\n")).toContain("DATABASE_URL");
  });

  test("table pads columns and strips control characters", () => {
    const lines = table([{ a: "x", n: 5 }, { a: "long\nname", n: 123 }], [
      { header: "NAME", value: (r) => r.a },
      { header: "N", value: (r) => String(r.n), align: "right" },
    ]);
    expect(lines).toEqual(["NAME         N", "x            5", "long name  123"]);
  });
});

describe("tokens commands", () => {
  test("create prints the token once; the store keeps only its hash; it verifies", async () => {
    const dir = tempDir("bs-tok-");
    const made = await tokens(dir, "create", "alice", "--expires", "90d");
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/^bst_[A-Za-z0-9_-]{43}$/);
    expect(made.err).toContain("shown only this once");
    const store = new SqliteShareStore(dir);
    try {
      const check = await checkToken(store, made.out + "\n");
      expect(check).toMatchObject({ ok: true, name: "alice" });
      const list = await tokens(dir, "list", "--json");
      expect(list.code).toBe(0);
      expect(list.out).not.toContain(made.out);
      expect(list.out).not.toContain(made.out.slice(4, 16));
      const parsed = JSON.parse(list.out);
      expect(parsed).toEqual([
        { name: "alice", status: "active", createdAt: expect.any(String), lastUsedAt: null, expiresAt: expect.any(String), revokedAt: null },
      ]);
      const days = (Date.parse(parsed[0].expiresAt) - Date.parse(parsed[0].createdAt)) / 86_400_000;
      expect(Math.round(days)).toBe(90);
    } finally {
      await store.close();
    }
  });

  test("list as a table, revoke, and the sentences for every refusal", async () => {
    const dir = tempDir("bs-tok-");
    expect((await tokens(dir, "list")).out).toContain("No tokens yet");
    const alice = (await tokens(dir, "create", "alice")).out;
    expect(await tokens(dir, "create", "alice")).toMatchObject({ code: 1, err: expect.stringContaining('a token named "alice" already exists') });
    expect(await tokens(dir, "create", "bad name")).toMatchObject({ code: 2, err: expect.stringContaining("token names are") });
    for (const bad of ["7 days", "-1d", "0", "1e9d"])
      expect(await tokens(dir, "create", "bob", `--expires=${bad}`)).toMatchObject({ code: 2, err: expect.stringContaining("--expires must be") });
    const table = await tokens(dir, "list");
    expect(table.out).toMatch(/^NAME +STATUS +CREATED +LAST USED +EXPIRES +REVOKED\nalice +active /);
    expect(table.out).not.toContain(alice);

    expect(await tokens(dir, "revoke", "nobody")).toMatchObject({ code: 1, err: expect.stringContaining('there is no token named "nobody"') });
    expect(await tokens(dir, "revoke", "alice")).toMatchObject({ code: 0, out: expect.stringContaining("Revoked") });
    expect(await tokens(dir, "revoke", "alice")).toMatchObject({ code: 1, err: expect.stringContaining("already revoked") });
    expect((await tokens(dir, "list")).out).toMatch(/alice +revoked/);
    const store = new SqliteShareStore(dir);
    try {
      expect(await checkToken(store, alice)).toMatchObject({ ok: false, reason: "revoked", name: "alice" });
    } finally {
      await store.close();
    }
    // The name can be issued again after a revocation.
    expect((await tokens(dir, "create", "alice")).code).toBe(0);
  });

  test("an expired token is refused and listed as expired", async () => {
    const dir = tempDir("bs-tok-");
    const t = (await tokens(dir, "create", "temp", "--expires", "60s")).out;
    const store = new SqliteShareStore(dir);
    try {
      expect((await checkToken(store, t)).ok).toBe(true);
      expect(await checkToken(store, t, Date.now() + 61_000)).toMatchObject({ ok: false, reason: "expired", name: "temp" });
      expect(await checkToken(store, t.slice(0, -1) + (t.endsWith("A") ? "B" : "A"))).toMatchObject({ ok: false, reason: "unknown" });
      expect(await checkToken(store, "bst_short")).toMatchObject({ ok: false, reason: "malformed" });
    } finally {
      await store.close();
    }
    const io = capture();
    await runGroup(tokensCommands, ["list"], { env: { DATA_DIR: dir }, io, now: () => Date.now() + 120_000 });
    expect(io.stdout.join("\n")).toMatch(/temp +expired/);
  });
});
