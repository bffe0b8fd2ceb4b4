import type { Hooks, PluginInput } from "@opencode-ai/plugin";
import { startAdapter, type Adapter } from "./adapter.js";
import { errorMessage } from "./api.js";
import { CommandHandled, COMMANDS, handleCommand, isOurCommand } from "./commands.js";
import { detectHost, type HostInfo } from "./host.js";
import { createRuntime, type RuntimeOverrides as SharedOverrides } from "./runtime.js";
import { buildShareData, type SessionReader } from "./share-data.js";
import type { Log, Notify } from "./uploader.js";

export interface RuntimeOverrides extends SharedOverrides {
  host?: HostInfo;
}

type Client = PluginInput["client"];

/** The hooks for OpenCode 1.x (`server` entry). Kept free of module-level state so each project instance is independent. */
export async function createHooks(input: Pick<PluginInput, "client">, options?: Record<string, unknown>, overrides: RuntimeOverrides = {}): Promise<Hooks> {
  const client = input.client;
  const log = makeLog(client);
  const notify = makeNotify(client, log);
  const runtime = await createRuntime(
    options,
    {
      log,
      notify,
      build: (sessionId) => buildShareData(client as unknown as SessionReader, sessionId),
      note: async (sessionId, text) => {
        const res = await client.session.prompt({
          path: { id: sessionId },
          body: { noReply: true, parts: [{ type: "text", text, ignored: true }] },
        });
        if (res.error) throw new Error(JSON.stringify(res.error).slice(0, 300));
      },
    },
    overrides,
  );
  const { settings, store, uploader } = runtime;

  const host = overrides.host ? Promise.resolve(overrides.host) : detectHost(client);
  let adapter: Adapter | undefined;
  let announced = false;

  const hooks: Hooks = {
    config: async (cfg) => {
      try {
        const info = await host;
        const mode = settings.mode === "auto" ? (info.builtInShare ? "native" : "commands") : settings.mode;
        if (info.builtInShare || mode === "native") {
          // Pointed at the adapter even in commands mode, so a session shared
          // earlier through OpenCode's own sharing can never sync to opncd.ai.
          adapter ??= startAdapter({ uploader, store, log, notify, disabledReason: settings.disabledReason });
          cfg.enterprise = { ...(cfg.enterprise ?? {}), url: adapter.url };
        }
        if (mode === "commands") {
          cfg.command ??= {};
          for (const [name, description] of Object.entries(COMMANDS)) {
            cfg.command[name] = { template: `better-share /${name}`, description };
          }
          // One /share in the list: ours.
          if (info.builtInShare) cfg.share = "disabled";
        }
        if (!announced) {
          announced = true;
          log("info", "better-share ready", {
            mode,
            opencode: info.version,
            server: settings.baseUrl,
            adapter: adapter?.url,
            redact: settings.redact,
          });
          if (mode === "native" && !info.builtInShare) {
            log("warn", "mode \"native\" needs OpenCode's built-in /share (1.18.x); this OpenCode has none");
          }
        }
      } catch (err) {
        log("error", "config hook failed", { error: errorMessage(err) });
      }
    },

    "command.execute.before": async (input) => {
      if (!isOurCommand(input.command)) return;
      // Only our own commands ever reach here; anything else returned above.
      await handleCommand(input.command, input.sessionID, runtime.commands, input.arguments).catch((err) =>
        log("error", `/${input.command} failed`, { error: errorMessage(err) }),
      );
      throw new CommandHandled(input.command);
    },

    event: async ({ event }) => {
      if (!uploader) return;
      try {
        const sessionId = changedSession(event as { type: string; properties?: Record<string, any> });
        if (event.type === "session.deleted") {
          const id = (event.properties as { info?: { id?: string } }).info?.id;
          if (id && (await store.get(id))) void uploader.unshare(id).catch(() => {});
          return;
        }
        if (event.type === "session.created" || event.type === "session.updated") {
          const info = (event.properties as { info?: { id?: string; parentID?: string } }).info;
          if (info?.id && info.parentID) uploader.linkChild(info.id, info.parentID);
        }
        if (sessionId) uploader.changed(sessionId);
        if (event.type === "session.idle") {
          const id = (event.properties as { sessionID?: unknown }).sessionID;
          if (typeof id === "string") uploader.settled(id);
        }
      } catch (err) {
        log("warn", "event handling failed", { type: event.type, error: errorMessage(err) });
      }
    },

    dispose: async () => {
      await runtime.dispose();
      await adapter?.stop().catch(() => {});
      adapter = undefined;
    },
  };
  return hooks;
}

const CONTENT_EVENTS = new Set([
  "session.updated",
  "session.diff",
  "message.updated",
  "message.removed",
  "message.part.updated",
  "message.part.removed",
  "todo.updated",
  "session.compacted",
]);

function changedSession(event: { type: string; properties?: Record<string, any> }): string | undefined {
  if (!CONTENT_EVENTS.has(event.type)) return undefined;
  const p = event.properties ?? {};
  const id = p.sessionID ?? p.info?.sessionID ?? p.part?.sessionID ?? (event.type.startsWith("session.") ? p.info?.id : undefined);
  return typeof id === "string" ? id : undefined;
}

function makeLog(client: Client): Log {
  return (level, message, extra) => {
    try {
      void client.app
        .log({ body: { service: "better-share", level, message, extra } })
        .catch(() => {});
    } catch {
      // Logging must never be the reason a hook fails.
    }
  };
}

function makeNotify(client: Client, log: Log): Notify {
  return (message, variant) => {
    try {
      void client.tui
        .showToast({ body: { title: "better-share", message, variant, duration: variant === "error" ? 10_000 : 6_000 } })
        .catch(() => {});
    } catch (err) {
      log("debug", "toast failed", { error: errorMessage(err) });
    }
  };
}
