import type { PluginContext } from "@opencode-ai/plugin/v2/promise";
import { homedir } from "node:os";
import { errorMessage } from "./api.js";
import { COMMANDS, runCommand, type CommandContext, type CommandName } from "./commands.js";
import { BetterShare } from "./index.js";
import { defaultStorePath, SecretStore } from "./secret-store.js";
import { resolveSettings } from "./settings.js";
import { buildShareData, type SessionReader } from "./share-data.js";
import { Uploader } from "./uploader.js";

// The `./server` entry serves both OpenCode generations from one default
// export: OpenCode 1.x calls `server` and ignores the rest; OpenCode 2 calls
// `setup`. The OpenCode 2 half is written against the v2 plugin types that
// ship with @opencode-ai/plugin 1.18.33 and has never run against an
// OpenCode 2 binary (none was available).

/**
 * OpenCode 2 registers plugin commands with an `add` on the command draft.
 * The 1.18.33 type definitions only describe list/get/update/remove, so the
 * richer shape is declared here and checked at run time.
 */
interface RunnableCommand {
  name: string;
  description: string;
  template: string;
  execute: (input: CommandInput) => Promise<string>;
}

interface CommandInput {
  sessionID?: string;
  sessionId?: string;
  client?: unknown;
}

interface DraftWithAdd {
  add(command: RunnableCommand): void;
}

function hasAdd(draft: unknown): draft is DraftWithAdd {
  return typeof (draft as { add?: unknown } | null)?.add === "function";
}

function looksLikeSessionClient(client: unknown): client is SessionReader & { session: { prompt?: unknown } } {
  const session = (client as { session?: Record<string, unknown> } | undefined)?.session;
  return typeof session?.get === "function" && typeof session?.messages === "function" && typeof session?.children === "function";
}

async function setup(ctx: PluginContext): Promise<void> {
  const settings = resolveSettings(ctx.options as Record<string, unknown>, process.env);
  const store = new SecretStore(defaultStorePath(process.env));
  let uploader: Uploader | undefined;

  const uploaderFor = async (client: SessionReader): Promise<Uploader | undefined> => {
    if (!settings.baseUrl) return undefined;
    if (!uploader) {
      uploader = new Uploader({
        baseUrl: settings.baseUrl,
        store,
        build: (sessionId) => buildShareData(client, sessionId),
        redact: settings.redact,
        home: homedir(),
      });
      await uploader.init().catch(() => {});
    }
    return uploader;
  };

  await ctx.command.transform((draft) => {
    if (!hasAdd(draft)) return;
    for (const [name, description] of Object.entries(COMMANDS) as Array<[CommandName, string]>) {
      draft.add({
        name,
        description,
        template: `better-share /${name}`,
        execute: async (input) => {
          const sessionId = input.sessionID ?? input.sessionId;
          if (!sessionId) return `/${name} needs a session`;
          if (!looksLikeSessionClient(input.client)) return `/${name}: this OpenCode gave the plugin no session client`;
          try {
            const context: CommandContext = {
              uploader: await uploaderFor(input.client),
              store,
              disabledReason: settings.disabledReason,
              log: () => {},
              notify: () => {},
              note: async () => {},
            };
            return (await runCommand(name, sessionId, context)).text;
          } catch (err) {
            return `/${name} failed: ${errorMessage(err)}`;
          }
        },
      });
    }
  });
}

export default { id: "better-share", server: BetterShare, setup };
