import { errorMessage } from "./api.js";
import { parseDuration } from "./duration.js";
import type { SecretStore } from "./secret-store.js";
import type { Log, Notify, Uploader } from "./uploader.js";

// Where OpenCode has no built-in sharing (1.19+, 2.x), or when the user asks
// for it, the plugin brings /share, /unshare and /shares itself.

export const COMMANDS = {
  share: "Share this session on your better-share server",
  unshare: "Stop sharing this session and delete the shared copy",
  shares: "List the sessions this machine has shared",
} as const;

export { parseDuration };

export type CommandName = keyof typeof COMMANDS;

export function isOurCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

export interface CommandContext {
  uploader?: Uploader;
  store: SecretStore;
  /** Why sharing is off, shown instead of running the command. */
  disabledReason?: string;
  log: Log;
  notify: Notify;
  /** Store a note in the session that every client shows and the model never sees. */
  note: (sessionId: string, text: string) => Promise<void>;
  /** Lifetime (seconds) of a new share when `/share` names none: the `expiresIn` option. */
  defaultExpiresIn?: number;
}

export interface CommandOutcome {
  text: string;
  variant: "info" | "success" | "warning" | "error";
}

/** `args` is what the user typed after the command (`/share 7d`). */
export async function runCommand(name: CommandName, sessionId: string, ctx: CommandContext, args = ""): Promise<CommandOutcome> {
  if (ctx.disabledReason || !ctx.uploader) {
    return { text: `better-share is off: ${ctx.disabledReason ?? "not configured"}`, variant: "error" };
  }
  const uploader = ctx.uploader;
  try {
    switch (name) {
      case "share": {
        const expiresIn = parseDuration(args);
        if (expiresIn === undefined) {
          return {
            text: `"${args.trim()}" is not a duration: use /share alone, or with a number and s, m, h, d or w of at least a minute (e.g. /share 7d).`,
            variant: "error",
          };
        }
        // `/share 7d` on a shared session changes its lifetime (`/share never`: as long as the server allows).
        if (args.trim() !== "" && uploader.isShared(sessionId)) {
          const { record, shareExpiresAt } = await uploader.setExpiry(sessionId, expiresIn);
          return { text: `${record.url} now ${expiryText(shareExpiresAt)}.`, variant: "success" };
        }
        const record = await uploader.share(sessionId, { expiresIn: expiresIn ?? ctx.defaultExpiresIn });
        const expiry = expiresIn ? ` The server deletes it ${args.trim()} after it was created.` : "";
        return { text: `Shared: ${record.url}\nIt stays in sync as the session continues; /unshare deletes it.${expiry}`, variant: "success" };
      }
      case "unshare": {
        const result = await uploader.unshare(sessionId);
        if (result.removed) return { text: `Unshared: ${result.record!.url} is deleted.`, variant: "success" };
        if (result.pending) {
          return {
            text: `Unsharing ${result.record!.url}: the server is unreachable, deletion will be retried until it succeeds.`,
            variant: "warning",
          };
        }
        if (result.record) return { text: `Could not delete ${result.record.url}; the server refused it.`, variant: "error" };
        return { text: "This session is not shared.", variant: "info" };
      }
      case "shares": {
        const records = await ctx.store.list();
        if (records.length === 0) return { text: "No shared sessions on this machine.", variant: "info" };
        // Views and expiry come from the server, asked for every active share at once; one that does not answer is listed without them.
        const figures = await Promise.all(
          records.map((r) => (r.state === "active" ? withTimeout(uploader.stats(r), STATS_TIMEOUT_MS).catch(() => undefined) : undefined)),
        );
        const lines = records.map((r, i) => {
          const state = r.state === "active" ? "" : r.state === "deleting" ? " (unshare pending)" : ` (sync stopped: ${r.reason ?? "unknown"})`;
          const here = r.sessionId === sessionId ? " ← this session" : "";
          const f = figures[i];
          const stats = f ? ` — ${f.views} view${f.views === 1 ? "" : "s"} — ${expiryText(f.shareExpiresAt)}` : "";
          return `- ${r.url} — ${r.title ?? r.sessionId} — shared ${formatDate(r.createdAt)}${stats}${state}${here}`;
        });
        return { text: `Shared sessions (${records.length}):\n${lines.join("\n")}`, variant: "info" };
      }
    }
  } catch (err) {
    ctx.log("warn", `/${name} failed`, { sessionID: sessionId, error: errorMessage(err) });
    return { text: `/${name} failed: ${errorMessage(err)}`, variant: "error" };
  }
}

/**
 * Runs one of our commands and reports it. Only a throw keeps OpenCode from
 * sending the command's template to the model, so the caller throws after this.
 */
export async function handleCommand(name: CommandName, sessionId: string, ctx: CommandContext, args = ""): Promise<CommandOutcome> {
  const outcome = await runCommand(name, sessionId, ctx, args);
  ctx.notify(outcome.text.split("\n")[0]!, outcome.variant);
  await ctx.note(sessionId, `[better-share] ${outcome.text}`).catch((err) => {
    ctx.log("warn", "could not store the share note", { sessionID: sessionId, error: errorMessage(err) });
  });
  return outcome;
}

/** The error that ends our command's turn; OpenCode clears the prompt and stores nothing. */
export class CommandHandled extends Error {
  constructor(name: string) {
    super(`better-share handled /${name}`);
    this.name = "CommandHandled";
  }
}

const STATS_TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timed out")), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function expiryText(shareExpiresAt: string | null): string {
  const at = shareExpiresAt === null ? NaN : Date.parse(shareExpiresAt);
  return Number.isNaN(at) ? "never expires" : `expires ${formatDate(at)}`;
}

function formatDate(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}
