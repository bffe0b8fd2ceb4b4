// `better-share tokens create|list|revoke`: the creation tokens of a server
// with CREATE_ACCESS=token. A token is printed once, at creation; the store
// keeps only its sha256.
import { DurationError, parseDuration } from "../core/duration.ts";
import { newToken, TOKEN_NAME_RE } from "../core/tokens.ts";
import type { TokenInfo } from "../stores/share-store.ts";
import { CommandError, formatTime, isoTime, printJson, table, usageError, type CommandGroup } from "./admin.ts";

function checkName(name: string): string {
  if (!TOKEN_NAME_RE.test(name))
    throw usageError(`token names are 1-64 letters, digits and . _ @ - (starting with a letter or digit), like "alice" or "ci-bot"; got "${name.slice(0, 80)}".`);
  return name;
}

function status(t: TokenInfo, now: number): "active" | "revoked" | "expired" {
  if (t.revokedAt !== null) return "revoked";
  if (t.expiresAt !== null && t.expiresAt <= now) return "expired";
  return "active";
}

export const tokensCommands: CommandGroup = {
  name: "tokens",
  summary: "creation tokens for CREATE_ACCESS=token (one per person)",
  subcommands: [
    {
      name: "create",
      args: "NAME",
      summary: "make a token for NAME and print it once (bst_…)",
      details: [
        "Give the token to its owner: it goes into the plugin's `token` option or BETTER_SHARE_TOKEN.",
        "Shares made with it record NAME as their owner. A name has one active token at a time;",
        "revoke it to issue a new one.",
      ],
      options: { expires: { type: "string", value: "DURATION", help: "stop working after this long: 90d, 12h, 4w (default: never)" } },
      json: true,
      positionals: { min: 1, max: 1 },
      async run(ctx, values, [rawName]) {
        const name = checkName(rawName!);
        let seconds: number | null = null;
        if (typeof values.expires === "string") {
          try {
            seconds = parseDuration(values.expires, "--expires", { allowNever: true });
          } catch (e) {
            if (e instanceof DurationError) throw usageError(e.message);
            throw e;
          }
        }
        const expiresAt = seconds === null ? null : ctx.now() + seconds * 1000;
        const store = await ctx.shares();
        const t = newToken();
        const res = await store.createToken({ name, selector: t.selector, tokenHash: t.tokenHash, expiresAt });
        if (res === "name_taken")
          throw new CommandError(`a token named "${name}" already exists; revoke it first (better-share tokens revoke ${name}) or choose another name.`);
        if (ctx.json) printJson(ctx.io, { name, token: t.token, expiresAt: isoTime(expiresAt) });
        else {
          ctx.io.out(t.token);
          ctx.io.err(
            `Token for "${name}" created${expiresAt === null ? "" : `; it expires ${formatTime(expiresAt)}`}. It is shown only this once: hand it over now.`,
          );
        }
      },
    },
    {
      name: "list",
      summary: "list tokens: name, status, created, last used, expires (never the token)",
      json: true,
      positionals: { min: 0, max: 0 },
      async run(ctx) {
        const tokens = await (await ctx.shares()).listTokens();
        const now = ctx.now();
        if (ctx.json) {
          printJson(
            ctx.io,
            tokens.map((t) => ({
              name: t.name,
              status: status(t, now),
              createdAt: isoTime(t.createdAt),
              lastUsedAt: isoTime(t.lastUsedAt),
              expiresAt: isoTime(t.expiresAt),
              revokedAt: isoTime(t.revokedAt),
            })),
          );
          return;
        }
        if (tokens.length === 0) {
          ctx.io.out("No tokens yet. Make one with: better-share tokens create NAME");
          return;
        }
        for (const line of table(tokens, [
          { header: "NAME", value: (t) => t.name },
          { header: "STATUS", value: (t) => status(t, now) },
          { header: "CREATED", value: (t) => formatTime(t.createdAt) },
          { header: "LAST USED", value: (t) => formatTime(t.lastUsedAt) },
          { header: "EXPIRES", value: (t) => (t.expiresAt === null ? "never" : formatTime(t.expiresAt)) },
          { header: "REVOKED", value: (t) => formatTime(t.revokedAt) },
        ]))
          ctx.io.out(line);
      },
    },
    {
      name: "revoke",
      args: "NAME",
      summary: "stop NAME's token from creating shares (every server sees it on the next request)",
      details: ["Shares already made with it stay; delete them with `better-share shares` if needed."],
      json: true,
      positionals: { min: 1, max: 1 },
      async run(ctx, _values, [rawName]) {
        const name = checkName(rawName!);
        const store = await ctx.shares();
        const revoked = await store.revokeToken(name);
        if (!revoked) {
          const known = (await store.listTokens()).some((t) => t.name === name);
          throw new CommandError(
            known
              ? `the token named "${name}" is already revoked.`
              : `there is no token named "${name}"; see the names with: better-share tokens list`,
          );
        }
        if (ctx.json) printJson(ctx.io, { name, revoked: true });
        else ctx.io.out(`Revoked the token of "${name}": it can no longer create shares.`);
      },
    },
  ],
};
