import type { Session } from "@opencode-ai/sdk";
import { shareIdOf, type MessageWithParts, type ShareData, type SubSession } from "./protocol.js";

// The OpenCode 1.x upload (see protocol.ts), read from OpenCode through its
// SDK client so it is exactly what OpenCode holds.

interface Result<T> {
  data?: T;
  error?: unknown;
}

/** The part of OpenCode's SDK client this module reads. */
export interface SessionReader {
  session: {
    get(options: { path: { id: string } }): Promise<Result<Session>>;
    messages(options: { path: { id: string } }): Promise<Result<MessageWithParts[]>>;
    children(options: { path: { id: string } }): Promise<Result<Session[]>>;
  };
}

export class SessionMissingError extends Error {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} does not exist in OpenCode`);
    this.name = "SessionMissingError";
  }
}

// Sub-agents can start sub-agents; a bound keeps a broken parent chain from
// turning one upload into an unbounded crawl.
const MAX_SUBSESSIONS = 200;

/**
 * The sessions of every sub-agent below `rootId`, breadth first, with their
 * messages; both OpenCode generations' readers use it.
 */
export async function collectSubsessions<S extends { id: string }, M>(
  rootId: string,
  children: (parentId: string) => Promise<S[]>,
  messages: (sessionId: string) => Promise<M[]>,
): Promise<Record<string, { session: S; messages: M[] }>> {
  const found: Record<string, { session: S; messages: M[] }> = {};
  let count = 0;
  const queue = [rootId];
  const seen = new Set(queue);
  while (queue.length > 0 && count < MAX_SUBSESSIONS) {
    const parent = queue.shift()!;
    for (const child of await children(parent)) {
      if (seen.has(child.id) || count >= MAX_SUBSESSIONS) continue;
      seen.add(child.id);
      const childMessages = await messages(child.id).catch(() => undefined);
      // A child deleted between the two calls is simply left out.
      if (!childMessages) continue;
      found[child.id] = { session: child, messages: childMessages };
      count++;
      queue.push(child.id);
    }
  }
  return found;
}

export async function buildShareData(client: SessionReader, sessionId: string): Promise<ShareData> {
  const [session, messages] = await Promise.all([getSession(client, sessionId), getMessages(client, sessionId)]);
  const subsessions: Record<string, SubSession> = await collectSubsessions(
    sessionId,
    (id) => getChildren(client, id),
    (id) => getMessages(client, id),
  );
  const data: ShareData = {
    shareId: shareIdOf(sessionId),
    sessionId,
    createdAt: session.time.created,
    updatedAt: latestUpdate(session, messages),
    session,
    messages,
  };
  if (Object.keys(subsessions).length > 0) data.subsessions = subsessions;
  return data;
}

function latestUpdate(session: Session, messages: MessageWithParts[]): number {
  let latest = session.time.updated;
  for (const { info } of messages) {
    const t = info.time as { created: number; completed?: number };
    latest = Math.max(latest, t.completed ?? t.created);
  }
  return latest;
}

async function getSession(client: SessionReader, id: string): Promise<Session> {
  const res = await client.session.get({ path: { id } });
  if (!res.data) throw isNotFound(res.error) ? new SessionMissingError(id) : sdkError("session.get", res.error);
  return res.data;
}

async function getMessages(client: SessionReader, id: string): Promise<MessageWithParts[]> {
  const res = await client.session.messages({ path: { id } });
  if (!res.data) throw isNotFound(res.error) ? new SessionMissingError(id) : sdkError("session.messages", res.error);
  return res.data;
}

async function getChildren(client: SessionReader, id: string): Promise<Session[]> {
  const res = await client.session.children({ path: { id } });
  return res.data ?? [];
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === "NotFoundError";
}

function sdkError(call: string, error: unknown): Error {
  const detail = error === undefined ? "no data" : JSON.stringify(error).slice(0, 300);
  return new Error(`OpenCode ${call} failed: ${detail}`);
}
