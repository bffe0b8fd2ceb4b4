import { appendFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { errorMessage } from "./api.js";
import { COMMANDS, runCommand, type CommandName } from "./commands.js";
import { shareIdOf, type ShareDataV2, type V2Message, type V2Session } from "./protocol.js";
import { createRuntime, type Runtime, type RuntimeOverrides } from "./runtime.js";
import { defaultStorePath } from "./secret-store.js";
import { collectSubsessions, SessionMissingError } from "./share-data.js";
import type { Log } from "./uploader.js";
import { missingCapability, type V2CommandInput, type V2Event, type V2Page, type V2PluginContext } from "./v2-host.js";

// OpenCode 2's `setup(ctx)`: the same runtime as 1.x (runtime.ts) behind the
// 2.x plugin API. Every capability is checked first; a build without one gets
// one sentence in the log saying which and that sharing is off, and the
// plugin then does nothing at all (it never throws into OpenCode).

export interface V2Overrides extends RuntimeOverrides {
  /** Where log lines go (the 2.x context has no logger); default: beside the secrets file. */
  logPath?: string;
}

/** The log file of the 2.x entry, named in the README: OpenCode 2 gives plugins no logger. */
export function defaultLogPath(env: Record<string, string | undefined> = process.env): string {
  return join(dirname(defaultStorePath(env)), "better-share.log");
}

export async function setupV2(context: unknown, overrides: V2Overrides = {}): Promise<(() => Promise<void>) | undefined> {
  const ctx = (context ?? {}) as V2PluginContext;
  const log = fileLog(overrides.logPath ?? defaultLogPath(overrides.env ?? process.env));
  try {
    const missing = missingCapability(ctx);
    if (missing) {
      log("error", off(missing));
      return undefined;
    }
    return await start(ctx, log, overrides);
  } catch (err) {
    log("error", `better-share could not start, so sharing is off: ${errorMessage(err)}`);
    return undefined;
  }
}

function off(capability: string): string {
  return `better-share: this OpenCode has no ${capability} in its plugin API, so sharing is off (OpenCode itself is unaffected).`;
}

async function start(ctx: V2PluginContext, log: Log, overrides: V2Overrides): Promise<() => Promise<void>> {
  const session = ctx.session!;
  const runtime: Runtime = await createRuntime(
    ctx.options,
    {
      log,
      // 2.x has no toast for plugins; the note in the session is what the user sees.
      notify: (message, variant) => log(variant === "error" ? "error" : "info", message),
      note: async (sessionID, text) => {
        await session.synthetic!({ sessionID, text, resume: false });
      },
      build: (sessionId) => buildShareDataV2(ctx, sessionId),
    },
    overrides,
  );

  // A user's own /share (a template in opencode.json) wins: `add` would replace it.
  const taken = new Set(commandNames(await ctx.command!.list!()));
  const ours = (Object.keys(COMMANDS) as CommandName[]).filter((name) => !taken.has(name));
  for (const name of Object.keys(COMMANDS) as CommandName[]) {
    if (taken.has(name)) log("warn", `better-share: you already have a /${name} command, so the plugin does not add its own`);
  }

  let editorMissing = false;
  const registration = await ctx.command!.transform!((editor) => {
    if (typeof editor?.add !== "function") {
      editorMissing = true;
      return;
    }
    for (const name of ours) {
      editor.add({ name, description: COMMANDS[name], execute: (input) => execute(name, input) });
    }
  });
  if (editorMissing) {
    log("error", off("ctx.command.transform editor add()"));
    await dispose(registration);
    await runtime.dispose();
    return async () => {};
  }

  async function execute(name: CommandName, input: V2CommandInput): Promise<void> {
    try {
      const sessionId = input?.sessionID;
      if (typeof sessionId !== "string") {
        log("warn", `/${name} ran without a session`);
        return;
      }
      const { text } = await runCommand(name, sessionId, runtime.commands, argumentsOf(input, name));
      await runtime.commands.note(sessionId, `[better-share] ${text}`).catch((err) => {
        log("warn", "could not show the result in the session", { sessionID: sessionId, error: errorMessage(err), text });
      });
    } catch (err) {
      log("error", `/${name} failed`, { error: errorMessage(err) });
    }
  }

  const subscription = await ctx.event!.subscribe!((event) => {
    try {
      onEvent(runtime, event);
    } catch (err) {
      log("warn", "event handling failed", { type: event?.type, error: errorMessage(err) });
    }
  });

  log("info", "better-share ready", { opencode: 2, server: runtime.settings.baseUrl, commands: ours, redact: runtime.settings.redact });
  return async () => {
    await dispose(subscription);
    await dispose(registration);
    await runtime.dispose();
  };
}

function argumentsOf(input: V2CommandInput, name: string): string {
  const raw = typeof input?.prompt === "string" ? input.prompt : typeof input?.prompt?.text === "string" ? input.prompt.text : "";
  return raw.trim().replace(new RegExp(`^/${name}\\b\\s*`), "");
}

function commandNames(listed: unknown): string[] {
  const items = Array.isArray(listed) ? listed : Array.isArray((listed as { data?: unknown })?.data) ? (listed as { data: unknown[] }).data : [];
  return items.map((c) => (typeof c === "string" ? c : (c as { name?: unknown })?.name)).filter((n): n is string => typeof n === "string");
}

// Turn ends are what 1.x's `session.idle` was: the upload of what the turn
// left pending goes out at once instead of after the throttle interval.
function onEvent(runtime: Runtime, event: V2Event): void {
  const uploader = runtime.uploader;
  if (!uploader || !event || typeof event.type !== "string") return;
  const data = (event.data ?? event.properties ?? {}) as Record<string, unknown>;
  const info = data.info as { id?: unknown; parentID?: unknown } | undefined;
  const sessionId = typeof data.sessionID === "string" ? data.sessionID : typeof info?.id === "string" ? info.id : undefined;
  if (!sessionId) return;
  if (event.type === "session.deleted") {
    void runtime.store.get(sessionId).then((record) => record && uploader.unshare(sessionId)).catch(() => {});
    return;
  }
  if ((event.type === "session.created" || event.type === "session.updated") && typeof info?.parentID === "string") {
    uploader.linkChild(sessionId, info.parentID);
  }
  if (!event.type.startsWith("session.")) return;
  uploader.changed(sessionId);
  if (event.type === "session.next.step.ended" && data.finish !== "tool-calls") uploader.settled(sessionId);
}

// ---------------------------------------------------------------------------
// Reading a 2.x session into the upload shape.

const PAGE = 200;
const MAX_PAGES = 10_000;

export async function buildShareDataV2(ctx: V2PluginContext, sessionId: string): Promise<ShareDataV2> {
  const messages = await transcript(ctx, sessionId);
  const session = await sessionInfo(ctx, sessionId, messages);
  const data: ShareDataV2 = {
    format: "opencode-v2",
    shareId: shareIdOf(sessionId),
    sessionId,
    createdAt: session.time.created,
    updatedAt: latestUpdate(session, messages),
    session,
    messages,
  };
  if (typeof ctx.session?.scan === "function") {
    const subsessions = await collectSubsessions(sessionId, (id) => children(ctx, id), (id) => transcript(ctx, id));
    if (Object.keys(subsessions).length > 0) data.subsessions = subsessions;
  }
  return data;
}

/** Every message, oldest first: the paged list where the build has one (the context may be cut at a compaction), else the context. */
async function transcript(ctx: V2PluginContext, sessionID: string): Promise<V2Message[]> {
  try {
    const list = ctx.message?.list;
    if (typeof list === "function") {
      const all: V2Message[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await list({ sessionID, order: "asc", limit: PAGE, cursor });
        const items = Array.isArray(res?.data) ? res.data : [];
        all.push(...items);
        cursor = res?.cursor?.next;
        if (items.length < PAGE || !cursor) break;
      }
      return all;
    }
    const res = await ctx.session!.context!({ sessionID });
    if (!Array.isArray(res?.data)) throw new Error("OpenCode session.context returned no data");
    return res.data;
  } catch (err) {
    throw isNotFound(err) ? new SessionMissingError(sessionID) : err;
  }
}

async function sessionInfo(ctx: V2PluginContext, sessionID: string, messages: V2Message[]): Promise<V2Session> {
  if (typeof ctx.session?.get === "function") {
    const res = (await ctx.session.get({ sessionID }).catch((err) => {
      if (isNotFound(err)) throw new SessionMissingError(sessionID);
      return undefined;
    })) as { data?: unknown } | V2Session | undefined;
    const info = (res && "data" in res ? res.data : res) as V2Session | undefined;
    if (info && typeof info.id === "string" && typeof info.time?.created === "number") return info;
  }
  // Without a session reader the transcript is all there is.
  const first = messages[0]?.time.created ?? Date.now();
  return { id: sessionID, time: { created: first, updated: latestMessage(messages) ?? first } };
}

async function children(ctx: V2PluginContext, parentID: string): Promise<V2Session[]> {
  const out: V2Session[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await ctx.session!.scan!({ parentID, cursor }).catch(() => undefined);
    const items = Array.isArray(res) ? res : Array.isArray(res?.data) ? res.data : [];
    out.push(...items.filter((s) => s && typeof s.id === "string" && s.parentID === parentID));
    cursor = Array.isArray(res) ? undefined : (res as V2Page<V2Session> | undefined)?.cursor?.next;
    if (items.length === 0 || !cursor) break;
  }
  return out;
}

function latestMessage(messages: V2Message[]): number | undefined {
  let latest: number | undefined;
  for (const m of messages) latest = Math.max(latest ?? 0, m.time.completed ?? m.time.created);
  return latest;
}

function latestUpdate(session: V2Session, messages: V2Message[]): number {
  return Math.max(session.time.updated ?? session.time.created, latestMessage(messages) ?? 0);
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: unknown; status?: unknown; _tag?: unknown } | undefined;
  return e?.name === "NotFoundError" || e?._tag === "NotFoundError" || e?.status === 404;
}

async function dispose(handle: unknown): Promise<void> {
  try {
    if (typeof handle === "function") await handle();
    else await (handle as { dispose?: () => unknown } | undefined)?.dispose?.();
  } catch {
    // Unloading must not fail because a registration was already gone.
  }
}

/** One line per entry in a file the user can find (README, "OpenCode 2"); never throws. */
function fileLog(path: string): Log {
  let ready: Promise<unknown> | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  return (level, message, extra) => {
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}${extra ? ` ${safeJson(extra)}` : ""}\n`;
    ready ??= mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch(() => {});
    chain = chain.then(() => ready).then(() => appendFile(path, line, { mode: 0o600 })).catch(() => {});
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return "";
  }
}
