// Session totals for the header, link previews and the Markdown export.
import type { ShareData } from "../../src/core/model.ts";
import { arr, epoch, num, obj, str } from "./format.ts";

export interface FileChange {
  file: string;
  additions: number;
  deletions: number;
  status: string;
  patch: string;
  before: string;
  after: string;
}

export interface SessionStats {
  title: string;
  directory: string;
  version: string;
  agents: string[];
  models: string[];
  messages: number;
  userMessages: number;
  assistantMessages: number;
  tokens: { input: number; output: number; reasoning: number; cacheRead: number; cacheWrite: number };
  cost: number;
  /** Totals of sub-agent sessions, kept apart so the main numbers match OpenCode's. */
  subTokens: number;
  subCost: number;
  subsessions: number;
  created?: number;
  updated?: number;
  firstPrompt: string;
  files: FileChange[];
  additions: number;
  deletions: number;
}

function addFileDiffs(into: Map<string, FileChange>, list: unknown): void {
  for (const raw of arr(list)) {
    const d = obj(raw);
    const file = str(d.file);
    if (!file) continue;
    into.set(file, {
      file,
      additions: num(d.additions),
      deletions: num(d.deletions),
      status: str(d.status),
      patch: str(d.patch),
      before: str(d.before),
      after: str(d.after),
    });
  }
}

function addUsage(messages: unknown, acc: { tokens: number; cost: number }): void {
  for (const m of arr(messages)) {
    const info = obj(obj(m).info);
    if (info.role !== "assistant") continue;
    const t = obj(info.tokens);
    acc.tokens += num(t.input) + num(t.output) + num(t.reasoning);
    acc.cost += num(info.cost);
  }
}

export function sessionStats(data: ShareData): SessionStats {
  const session = obj(data.session);
  const messages = arr(data.messages);
  const tokens = { input: 0, output: 0, reasoning: 0, cacheRead: 0, cacheWrite: 0 };
  let cost = 0;
  let userMessages = 0;
  let assistantMessages = 0;
  let firstPrompt = "";
  let lastTime: number | undefined;
  const models = new Set<string>();
  const agents = new Set<string>();
  const files = new Map<string, FileChange>();
  for (const m of messages) {
    const info = obj(obj(m).info);
    const created = epoch(obj(info.time).created);
    const completed = epoch(obj(info.time).completed);
    lastTime = Math.max(lastTime ?? 0, created ?? 0, completed ?? 0) || lastTime;
    const agent = str(info.agent) || str(info.mode);
    if (agent) agents.add(agent);
    if (info.role === "user") {
      userMessages++;
      if (!firstPrompt) {
        for (const p of arr(obj(m).parts)) {
          const part = obj(p);
          if (part.type === "text" && part.synthetic !== true && str(part.text).trim()) {
            firstPrompt = str(part.text).slice(0, 1000);
            break;
          }
        }
      }
      addFileDiffs(files, obj(info.summary).diffs);
    } else if (info.role === "assistant") {
      assistantMessages++;
      const model = [str(info.providerID), str(info.modelID)].filter(Boolean).join("/");
      if (model) models.add(model);
      const t = obj(info.tokens);
      const cache = obj(t.cache);
      tokens.input += num(t.input);
      tokens.output += num(t.output);
      tokens.reasoning += num(t.reasoning);
      tokens.cacheRead += num(cache.read);
      tokens.cacheWrite += num(cache.write);
      cost += num(info.cost);
    }
  }
  // OpenCode 2's session carries its own totals, which count turns its transcript may since have compacted away
  const sessionTokens = obj(session.tokens);
  tokens.input = Math.max(tokens.input, num(sessionTokens.input));
  tokens.output = Math.max(tokens.output, num(sessionTokens.output));
  tokens.reasoning = Math.max(tokens.reasoning, num(sessionTokens.reasoning));
  tokens.cacheRead = Math.max(tokens.cacheRead, num(obj(sessionTokens.cache).read));
  tokens.cacheWrite = Math.max(tokens.cacheWrite, num(obj(sessionTokens.cache).write));
  cost = Math.max(cost, num(session.cost));
  addFileDiffs(files, data.sessionDiff);
  const summary = obj(session.summary);
  addFileDiffs(files, summary.diffs);
  const fileList = [...files.values()];
  let additions = fileList.reduce((s, f) => s + f.additions, 0);
  let deletions = fileList.reduce((s, f) => s + f.deletions, 0);
  if (!fileList.length) {
    additions = num(summary.additions);
    deletions = num(summary.deletions);
  }
  const sub = { tokens: 0, cost: 0 };
  const subsessions = obj(data.subsessions);
  for (const s of Object.values(subsessions)) addUsage(obj(s).messages, sub);
  const sessionModel = obj(session.model);
  if (!models.size && str(sessionModel.id)) models.add([str(sessionModel.providerID), str(sessionModel.id)].filter(Boolean).join("/"));
  if (!agents.size && str(session.agent)) agents.add(str(session.agent));
  const time = obj(session.time);
  return {
    title: str(session.title) || "Untitled session",
    directory: str(session.directory),
    version: str(session.version),
    agents: [...agents],
    models: [...models],
    messages: messages.length,
    userMessages,
    assistantMessages,
    tokens,
    cost,
    subTokens: sub.tokens,
    subCost: sub.cost,
    subsessions: Object.keys(subsessions).length,
    created: epoch(time.created) ?? epoch(data.createdAt),
    updated: epoch(time.updated) ?? epoch(data.updatedAt) ?? lastTime,
    firstPrompt,
    files: fileList,
    additions,
    deletions,
  };
}
