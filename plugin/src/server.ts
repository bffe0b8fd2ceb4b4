import type { PluginContext } from "@opencode-ai/plugin/v2/promise";
import { errorMessage } from "./api.js";
import { COMMANDS, runCommand, type CommandName } from "./commands.js";
import { BetterShare } from "./index.js";
import { createRuntime, type Runtime } from "./runtime.js";
import { buildShareData, type SessionReader } from "./share-data.js";

// The `./server` entry serves both OpenCode generations from one default
// export: OpenCode 1.x calls `server` and ignores the rest; OpenCode 2 calls
// `setup`. Both build the same runtime (runtime.ts).

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

function looksLikeSessionClient(client: unknown): client is SessionReader {
  const session = (client as { session?: Record<string, unknown> } | undefined)?.session;
  return typeof session?.get === "function" && typeof session?.messages === "function" && typeof session?.children === "function";
}

async function setup(ctx: PluginContext): Promise<void> {
  let reader: SessionReader | undefined;
  const runtime: Runtime = await createRuntime(ctx.options as Record<string, unknown>, {
    log: (level, message, extra) => console.error(`[better-share] ${level}: ${message}`, extra ?? ""),
    notify: () => {},
    note: async () => {},
    build: (sessionId) => {
      if (!reader) throw new Error("this OpenCode gave the plugin no session client");
      return buildShareData(reader, sessionId);
    },
  });

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
          reader = input.client;
          try {
            return (await runCommand(name, sessionId, runtime.commands)).text;
          } catch (err) {
            return `/${name} failed: ${errorMessage(err)}`;
          }
        },
      });
    }
  });
}

export default { id: "better-share", server: BetterShare, setup };
