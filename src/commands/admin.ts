// The shared frame of the admin commands (`better-share tokens …`, `shares …`):
// argument parsing, --help for every level, --json or a readable table, and
// one exit-code convention — 0 done, 1 not found / partly done / store
// trouble, 2 usage. A command group is a list of subcommands; each gets the
// configuration and the stores of the running server (same env as `serve`).
import { ConfigError, describeStores, loadConfig, type Config } from "../config.ts";
import { parseOptions, type OptionSpec as ParsedOption } from "./args.ts";
import type { BlobStore } from "../stores/blob-store.ts";
import { openBlobStore, openShareStore, readyShareStore } from "../stores/open.ts";
import type { ShareStore } from "../stores/share-store.ts";

/** Ends a command with a sentence on stderr and an exit code (1 by default; 2 for usage). */
export class CommandError extends Error {
  override name = "CommandError";
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CommandError(message, 2);

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: Output = { out: (l) => console.log(l), err: (l) => console.error(l) };

export interface OptionSpec {
  type: "string" | "boolean";
  /** e.g. "DURATION" for `--expires DURATION`. */
  value?: string;
  help: string;
  multiple?: boolean;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface AdminContext {
  config: Config;
  io: Output;
  /** True when --json was given: print exactly one JSON document on stdout. */
  json: boolean;
  now(): number;
  /** The share store, opened on first use and checked to be migrated; closed after the command. */
  shares(): Promise<ShareStore>;
  /** The blob store, opened on first use; closed after the command. */
  blobs(): BlobStore;
}

export interface Subcommand {
  name: string;
  /** Positional arguments as shown in usage, e.g. "NAME" or "ID…". */
  args?: string;
  summary: string;
  /** Further lines printed by --help. */
  details?: string[];
  options?: Record<string, OptionSpec>;
  /** Whether --json is accepted. */
  json?: boolean;
  positionals: { min: number; max: number };
  run(ctx: AdminContext, values: Values, positionals: string[]): Promise<number | void>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  subcommands: Subcommand[];
}

function synopsis(group: CommandGroup, sub: Subcommand): string {
  const opts = Object.entries(sub.options ?? {}).map(([k, o]) => `[--${k}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}]`);
  if (sub.json) opts.push("[--json]");
  return ["better-share", group.name, sub.name, sub.args, ...opts].filter(Boolean).join(" ");
}

/** The lines `better-share --help` shows for a group. */
export function groupSynopsis(group: CommandGroup): string[] {
  return group.subcommands.map((s) => `${synopsis(group, s).replace(/^better-share /, "")}\n      ${s.summary}`);
}

function groupHelp(group: CommandGroup): string {
  return [
    `better-share ${group.name}: ${group.summary}`,
    "",
    "Usage:",
    ...group.subcommands.map((s) => `  ${synopsis(group, s)}\n      ${s.summary}`),
    "",
    `Run "better-share ${group.name} COMMAND --help" for details. Exit status: 0 done, 1 not found or failed, 2 usage error.`,
  ].join("\n");
}

function subHelp(group: CommandGroup, sub: Subcommand): string {
  const opts = Object.entries(sub.options ?? {}).map(([k, o]) => [`--${k}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`, o.help]);
  if (sub.json) opts.push(["--json", "print JSON for scripts instead of a table"]);
  opts.push(["--help", "show this help"]);
  const width = Math.max(...opts.map((o) => o[0]!.length));
  return [
    `Usage: ${synopsis(group, sub)}`,
    "",
    sub.summary,
    ...(sub.details?.length ? ["", ...sub.details] : []),
    "",
    "Options:",
    ...opts.map(([k, h]) => `  ${k!.padEnd(width)}  ${h}`),
    "",
    "It reads the same environment as `better-share serve` (DATABASE_URL, DATA_DIR, S3_*) and is safe to run while servers are running.",
  ].join("\n");
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  io?: Output;
  now?: () => number;
}

/** Runs `better-share <group> …argv`; returns the exit code. Never throws. */
export async function runGroup(group: CommandGroup, argv: string[], opts: RunOptions = {}): Promise<number> {
  const io = opts.io ?? consoleOutput;
  const fail = (e: unknown): number => {
    if (e instanceof CommandError) {
      io.err(`better-share ${group.name}: ${e.message}`);
      if (e.exitCode === 2) io.err(`See better-share ${group.name} --help.`);
      return e.exitCode;
    }
    io.err(`better-share ${group.name}: ${(e as Error)?.message ?? String(e)}`);
    return 1;
  };

  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.err : io.out)(groupHelp(group));
    return name === undefined ? 2 : 0;
  }
  const sub = group.subcommands.find((s) => s.name === name);
  if (!sub) return fail(usageError(`unknown command "${name}"; expected one of ${group.subcommands.map((s) => s.name).join(", ")}.`));

  const options: Record<string, ParsedOption> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [k, o] of Object.entries(sub.options ?? {})) options[k] = { type: o.type, multiple: o.multiple };
  if (sub.json) options.json = { type: "boolean" };
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseOptions(rest, options));
  } catch (e) {
    return fail(usageError(`${(e as Error).message}.`));
  }
  if (values.help) {
    io.out(subHelp(group, sub));
    return 0;
  }
  const { min, max } = sub.positionals;
  if (positionals.length < min)
    return fail(usageError(`${sub.name} needs ${sub.args ?? "an argument"}: ${synopsis(group, sub)}`));
  if (positionals.length > max) return fail(usageError(`unexpected argument "${positionals[max]}"`));

  let config: Config;
  try {
    config = loadConfig(opts.env ?? process.env);
  } catch (e) {
    if (e instanceof ConfigError) return fail(usageError(e.message));
    return fail(e);
  }

  let shares: ShareStore | null = null;
  let blobs: BlobStore | null = null;
  const ctx: AdminContext = {
    config,
    io,
    json: values.json === true,
    now: opts.now ?? Date.now,
    shares: async () => {
      if (shares) return shares;
      const store = openShareStore(config);
      shares = store;
      try {
        const behind = await readyShareStore(store);
        if (behind)
          throw new CommandError(
            `the database schema is at version ${behind.current} but this command needs ${behind.latest}: run \`better-share migrate\` first.`,
          );
      } catch (e) {
        if (e instanceof CommandError) throw e;
        throw new CommandError(`cannot reach the share store (${describeStores(config).share}): ${(e as Error).message}`);
      }
      return store;
    },
    blobs: () => (blobs ??= openBlobStore(config)),
  };
  try {
    return (await sub.run(ctx, values, positionals)) ?? 0;
  } catch (e) {
    return fail(e);
  } finally {
    await Promise.allSettled([(shares as ShareStore | null)?.close(), (blobs as BlobStore | null)?.close()]);
  }
}

// ── output ────────────────────────────────────────────────────────────────────

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: "left" | "right";
}

/** A plain-text table: a header line, then one line per row; columns padded to fit. */
export function table<T>(rows: T[], columns: Array<Column<T>>): string[] {
  const cells = rows.map((r) => columns.map((c) => c.value(r).replace(/[\u0000-\u001f\u007f]/g, " ")));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (columns[i]!.align === "right" ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

/** Prints a JSON document (one, pretty) on stdout. */
export function printJson(io: Output, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Times in tables: "2026-12-01 20:30 UTC", or "-" for none. */
export function formatTime(ms: number | null): string {
  if (ms === null) return "-";
  return new Date(ms).toISOString().replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");
}

/** Times in JSON: ISO 8601, or null. */
export const isoTime = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
