// `better-share shares list|delete|gc`: the operator's view of what is stored.
// Runs beside live servers on the same stores (SQLite in WAL mode with a busy
// timeout, or Postgres); a server notices a deletion within a second because
// it re-checks a cached share before serving it once that long has passed.
import { blobKey, isShareId } from "../core/ids.ts";
import { Maintenance, type RunResult } from "../core/maintenance.ts";
import type { ShareRecord } from "../stores/share-store.ts";
import { CommandError, formatTime, isoTime, printJson, table, usageError, type CommandGroup } from "./admin.ts";

/** What `shares list --json` prints for each share (README documents it). */
export function shareJson(r: ShareRecord, baseUrl: string, now: number) {
  return {
    id: r.shareId,
    url: `${baseUrl}/share/${r.shareId}`,
    title: r.title,
    owner: r.owner,
    protocol: r.protocol,
    sizeBytes: r.sizeBytes,
    createdAt: isoTime(r.createdAt),
    updatedAt: isoTime(r.updatedAt),
    expiresAt: isoTime(r.expiresAt),
    expired: r.expiresAt !== null && r.expiresAt <= now,
    views: r.views,
  };
}

export function humanSize(bytes: number | null): string {
  if (bytes === null) return "-";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Titles come from sessions: one line, no direction overrides, bounded. */
function clip(s: string, n: number): string {
  const flat = s.replace(/[\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").replace(/\s+/g, " ").trim();
  return flat.length > n ? flat.slice(0, n - 1) + "…" : flat;
}

const LIST_MAX = 1_000_000;

export const sharesCommands: CommandGroup = {
  name: "shares",
  summary: "see and delete stored shares",
  subcommands: [
    {
      name: "list",
      summary: "list shares, newest first: id, title, owner, size, created, updated, expires, views",
      details: [
        "--json prints an array of {id, url, title, owner, protocol, sizeBytes, createdAt, updatedAt,",
        "expiresAt, expired, views}; times are ISO 8601 (UTC), expiresAt null means never.",
        "Views reach the store from running servers every few seconds.",
      ],
      options: {
        expired: { type: "boolean", help: "only shares whose expiry has passed (they answer 410 until swept)" },
        owner: { type: "string", value: "NAME", help: "only shares made with the token named NAME" },
        limit: { type: "string", value: "N", help: `at most N shares (default 50, at most ${LIST_MAX})` },
      },
      json: true,
      positionals: { min: 0, max: 0 },
      async run(ctx, values) {
        let limit = 50;
        if (typeof values.limit === "string") {
          if (!/^\d{1,7}$/.test(values.limit) || Number(values.limit) < 1 || Number(values.limit) > LIST_MAX)
            throw usageError(`--limit must be a whole number from 1 to ${LIST_MAX}; got "${values.limit.slice(0, 40)}".`);
          limit = Number(values.limit);
        }
        const now = ctx.now();
        const rows = await (await ctx.shares()).list({
          limit,
          ...(values.expired === true ? { expiredAt: now } : {}),
          ...(typeof values.owner === "string" ? { owner: values.owner } : {}),
        });
        if (ctx.json) return printJson(ctx.io, rows.map((r) => shareJson(r, ctx.config.baseUrl, now)));
        if (rows.length === 0) return ctx.io.out(values.expired ? "No expired shares." : "No shares.");
        for (const line of table(rows, [
          { header: "ID", value: (r) => r.shareId },
          { header: "TITLE", value: (r) => clip(r.title ?? "(untitled)", 40) },
          { header: "OWNER", value: (r) => r.owner ?? "-" },
          { header: "SIZE", value: (r) => humanSize(r.sizeBytes), align: "right" },
          { header: "CREATED", value: (r) => formatTime(r.createdAt) },
          { header: "UPDATED", value: (r) => formatTime(r.updatedAt) },
          { header: "EXPIRES", value: (r) => (r.expiresAt === null ? "never" : `${r.expiresAt <= now ? "EXPIRED " : ""}${formatTime(r.expiresAt)}`) },
          { header: "VIEWS", value: (r) => String(r.views), align: "right" },
        ]))
          ctx.io.out(line);
        if (rows.length === limit) ctx.io.err(`(the newest ${limit}; --limit N shows more)`);
      },
    },
    {
      name: "delete",
      args: "ID…",
      summary: "delete shares: their data, row and sync items; servers stop serving them within a second",
      details: [
        "An unknown id is reported and the others are still deleted; the exit status is then 1.",
        '--json prints {"deleted": [ids], "notFound": [ids], "failed": [{"id", "error"}]}.',
      ],
      json: true,
      positionals: { min: 1, max: 10_000 },
      async run(ctx, _values, ids) {
        const store = await ctx.shares();
        const deleted: string[] = [];
        const notFound: string[] = [];
        const failed: Array<{ id: string; error: string }> = [];
        for (const id of new Set(ids)) {
          // Not one of our ids: it cannot exist, and must never become a path or key.
          if (!isShareId(id) || !(await store.get(id))) {
            notFound.push(id);
            continue;
          }
          try {
            // Blob first, as everywhere: a failure in between leaves a row a retry still finds.
            await ctx.blobs().delete(blobKey(id));
            if (await store.delete(id)) deleted.push(id);
            else notFound.push(id);
          } catch (e) {
            failed.push({ id, error: (e as Error).message });
          }
        }
        if (ctx.json) printJson(ctx.io, { deleted, notFound, failed });
        else {
          for (const id of deleted) ctx.io.out(`Deleted ${id}.`);
          for (const id of notFound) ctx.io.err(`Not found: ${clip(JSON.stringify(id), 60)} (no share has this id).`);
          for (const f of failed) ctx.io.err(`Failed: ${f.id}: ${f.error} (run the command again to finish).`);
        }
        return notFound.length + failed.length > 0 ? 1 : 0;
      },
    },
    {
      name: "gc",
      summary: "delete expired shares, and creations never uploaded PRESIGN_TTL_SECONDS + 1 h after their last upload URL",
      details: [
        "Servers also sweep expired shares by themselves every few minutes; gc does it now (or from cron).",
        '--json prints {"dryRun", "expired": [ids], "neverUploaded": [ids], "failed": [{"id", "error"}]}.',
      ],
      options: { "dry-run": { type: "boolean", help: "list what would be deleted; change nothing" } },
      json: true,
      positionals: { min: 0, max: 0 },
      async run(ctx, values) {
        const dryRun = values["dry-run"] === true;
        const m = new Maintenance(await ctx.shares(), ctx.blobs(), { presignTtlSeconds: ctx.config.presignTtlSeconds, now: ctx.now });
        const expired = await m.sweepExpired({ dryRun });
        const abandoned = await m.collectAbandoned({ dryRun });
        const failed = [...expired.failed, ...abandoned.failed].map((f) => ({ id: f.shareId, error: f.error }));
        const ids = (r: RunResult) => r.removed.map((x) => x.shareId);
        if (ctx.json) printJson(ctx.io, { dryRun, expired: ids(expired), neverUploaded: ids(abandoned), failed });
        else {
          const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
          ctx.io.out(
            `${dryRun ? "Would delete" : "Deleted"} ${n(expired.removed.length, "expired share", "expired shares")} and ` +
              `${n(abandoned.removed.length, "creation never uploaded", "creations never uploaded")}.`,
          );
          if (dryRun) for (const r of [...expired.removed, ...abandoned.removed]) ctx.io.out(`  ${r.shareId}  ${r.reason === "expired" ? "expired" : "never uploaded"}`);
          for (const f of failed) ctx.io.err(`Failed: ${f.id}: ${f.error} (the next gc or sweep retries it).`);
        }
        if (failed.length > 0) throw new CommandError(`${failed.length} share${failed.length === 1 ? "" : "s"} could not be deleted this time.`);
      },
    },
  ],
};
