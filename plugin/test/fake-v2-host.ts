import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { V2Message, V2Session } from "../src/protocol.js";
import type { V2CommandDefinition, V2Event, V2PluginContext } from "../src/v2-host.js";
import { FIXTURES } from "./helpers.js";

// A stand-in for the OpenCode 2 plugin context with exactly the API the 2.x
// documentation describes (commands, session context and notes, paged
// messages and sub-sessions, storage, events), built on the real turn
// captured from the 2.0 preview (test/fixtures/opencode-2-preview).

export const FIXTURES_V2 = join(FIXTURES, "../opencode-2-preview");

export function capturedTurn(): { session: V2Session; messages: V2Message[] } {
  const turn = JSON.parse(readFileSync(join(FIXTURES_V2, "sample-turn.json"), "utf8"));
  return { session: turn.session, messages: turn.context.data };
}

export interface HostCommand {
  name: string;
  description?: string;
  template?: string;
  execute?: V2CommandDefinition["execute"];
}

export type Capability =
  | "command.transform"
  | "command.list"
  | "editor.add"
  | "session.context"
  | "session.synthetic"
  | "session.get"
  | "session.scan"
  | "message.list"
  | "storage"
  | "event.subscribe";

export class FakeV2Host {
  readonly sessions = new Map<string, { session: V2Session; messages: V2Message[] }>();
  /** The host's command table: user templates plus what plugins add. */
  readonly commands = new Map<string, HostCommand>();
  readonly synthetic: Array<{ sessionID: string; text: string; resume: boolean }> = [];
  readonly storage = new Map<string, unknown>();
  readonly calls: string[] = [];
  private listeners = new Set<(event: V2Event) => void | Promise<void>>();
  private transforms: Array<(editor: any) => void | Promise<void>> = [];

  constructor(readonly options: Record<string, unknown>, private readonly without: Capability[] = []) {}

  addSession(session: V2Session, messages: V2Message[]): void {
    this.sessions.set(session.id, structuredClone({ session, messages }));
  }

  /** What OpenCode does when the user types `/name args`. */
  async run(name: string, sessionID: string, args = ""): Promise<unknown> {
    const command = this.commands.get(name);
    if (!command?.execute) throw new Error(`/${name} is not a plugin command here`);
    return command.execute({ sessionID, prompt: args, delivery: "steer" });
  }

  async emit(event: V2Event): Promise<void> {
    for (const listener of this.listeners) await listener(event);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** The context `setup` receives; capabilities in `without` are left out. */
  context(): V2PluginContext {
    const has = (c: Capability) => !this.without.includes(c);
    const ctx: V2PluginContext = { options: this.options };
    ctx.command = {};
    if (has("command.transform")) {
      ctx.command.transform = async (callback) => {
        this.transforms.push(callback);
        const editor: any = {
          list: () => [...this.commands.values()],
          get: (name: string) => this.commands.get(name),
        };
        if (has("editor.add")) editor.add = (c: V2CommandDefinition) => this.commands.set(c.name, c);
        await callback(editor);
        return { dispose: async () => void (this.transforms = this.transforms.filter((t) => t !== callback)) };
      };
    }
    if (has("command.list")) ctx.command.list = async () => [...this.commands.values()].map(({ name, description }) => ({ name, description }));
    ctx.session = {};
    if (has("session.context")) {
      ctx.session.context = async ({ sessionID }) => {
        this.calls.push(`context ${sessionID}`);
        return { data: structuredClone(this.need(sessionID).messages) };
      };
    }
    if (has("session.synthetic")) {
      ctx.session.synthetic = async (input) => {
        this.need(input.sessionID);
        this.synthetic.push(input);
        return { data: true };
      };
    }
    if (has("session.get")) ctx.session.get = async ({ sessionID }) => ({ data: structuredClone(this.need(sessionID).session) });
    if (has("session.scan")) {
      ctx.session.scan = async ({ parentID, cursor }) => {
        const all = [...this.sessions.values()].map((s) => s.session).filter((s) => s.parentID === parentID);
        // One session per page, so paging is exercised.
        const at = cursor ? Number(cursor) : 0;
        const next = at + 1 < all.length ? String(at + 1) : undefined;
        return { data: all.slice(at, at + 1).map((s) => structuredClone(s)), cursor: { next } };
      };
    }
    if (has("message.list")) {
      ctx.message = {
        list: async ({ sessionID, limit = 50, cursor }) => {
          this.calls.push(`message.list ${sessionID} ${cursor ?? ""}`);
          const all = this.need(sessionID).messages;
          const at = cursor ? Number(cursor) : 0;
          const page = all.slice(at, at + limit);
          return { data: structuredClone(page), cursor: { next: String(at + page.length) } };
        },
      };
    }
    if (has("storage")) {
      ctx.storage = {
        get: async (key) => this.storage.get(key),
        set: async (key, value) => void this.storage.set(key, value),
        remove: async (key) => void this.storage.delete(key),
        scan: async (prefix = "") => [...this.storage.keys()].filter((k) => k.startsWith(prefix)),
      };
    }
    if (has("event.subscribe")) {
      ctx.event = {
        subscribe: async (callback) => {
          this.listeners.add(callback);
          return { dispose: () => void this.listeners.delete(callback) };
        },
      };
    }
    return ctx;
  }

  private need(sessionID: string) {
    const s = this.sessions.get(sessionID);
    if (!s) throw Object.assign(new Error(`session ${sessionID} not found`), { name: "NotFoundError" });
    return s;
  }
}
