import type { V2Message, V2Session } from "./protocol.js";

// The part of the OpenCode 2 plugin context that sharing uses, declared here
// from the 2.x plugin documentation rather than imported: builds differ in
// what they offer (the 2.0 preview has only `command.transform` with
// list/get/update/remove), so every member is optional and checked at run
// time by `capabilities()` before anything relies on it.

export interface V2CommandInput {
  sessionID: string;
  messageID?: string;
  /** The text after the command name; some builds hand the prompt object instead. */
  prompt?: string | { text?: string };
  delivery?: string;
}

export interface V2CommandDefinition {
  name: string;
  description: string;
  /** Resolving to nothing ends the command without a model turn. */
  execute: (input: V2CommandInput) => Promise<void>;
}

export interface V2CommandEditor {
  add?: (command: V2CommandDefinition) => void;
  [key: string]: unknown;
}

export interface V2Registration {
  dispose?: () => Promise<void> | void;
}

export interface V2Page<T> {
  data: T[];
  cursor?: { next?: string; previous?: string };
}

/** An event as 2.x streams it: `{type, data}` (`properties` in some builds). */
export interface V2Event {
  type: string;
  data?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

export interface V2PluginContext {
  options?: Record<string, unknown>;
  command?: {
    transform?: (callback: (editor: V2CommandEditor) => void | Promise<void>) => Promise<V2Registration | void>;
    list?: () => Promise<unknown>;
  };
  session?: {
    get?: (input: { sessionID: string }) => Promise<unknown>;
    context?: (input: { sessionID: string }) => Promise<{ data: V2Message[] }>;
    synthetic?: (input: { sessionID: string; text: string; resume: boolean }) => Promise<unknown>;
    scan?: (input: { parentID: string; cursor?: string }) => Promise<V2Page<V2Session> | V2Session[]>;
  };
  message?: {
    list?: (input: { sessionID: string; order?: "asc" | "desc"; limit?: number; cursor?: string }) => Promise<V2Page<V2Message>>;
  };
  storage?: {
    get?: (key: string) => Promise<unknown>;
    set?: (key: string, value: unknown) => Promise<void>;
    remove?: (key: string) => Promise<void>;
    scan?: (prefix?: string) => Promise<unknown>;
  };
  event?: {
    subscribe?: (callback: (event: V2Event) => void | Promise<void>) => Promise<V2Registration | (() => void) | void>;
  };
}

/** What sharing needs, by the name a user would look for in OpenCode's plugin docs. */
export const REQUIRED = [
  ["ctx.command.transform", (c: V2PluginContext) => c.command?.transform],
  ["ctx.command.list", (c: V2PluginContext) => c.command?.list],
  ["ctx.session.context", (c: V2PluginContext) => c.session?.context],
  ["ctx.session.synthetic", (c: V2PluginContext) => c.session?.synthetic],
  ["ctx.event.subscribe", (c: V2PluginContext) => c.event?.subscribe],
] as const;

/** The first capability this host lacks, or undefined when it has them all. */
export function missingCapability(ctx: V2PluginContext): string | undefined {
  for (const [name, get] of REQUIRED) {
    try {
      if (typeof get(ctx) !== "function") return name;
    } catch {
      return name;
    }
  }
  return undefined;
}
