// A share made from OpenCode 2 as the page model (1.x ShareData), so one set
// of renderers, one page planner and one Markdown export serve both
// generations. The blob itself is kept as uploaded (GET /api/share/:id returns
// it byte for byte); this runs when the server reads it, and its result is
// cached with the blob's version like any other snapshot. See the README,
// "OpenCode 2 transcripts", for why the conversion lives here.
//
// Nothing is dropped: every 2.x message becomes one message, fields a 1.x
// renderer does not know are kept beside the ones it reads, and a message or
// content type this file does not know becomes a part no renderer claims, which
// the page shows as data.
import type { MessageWithParts, ShareData, SubSession } from "./model.ts";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const ANCHOR_SAFE = /^[0-9A-Za-z_-]{1,40}$/;

/** Roles the page model gains for 2.x messages that are neither prompt nor answer. */
const V2_ROLES = { system: "system", skill: "skill", shell: "shell", event: "event" } as const;

/** 2.x message types that are a change of agent, model or place rather than content: one `event` part each. */
const EVENT_TYPES = new Set(["agent-switched", "model-switched", "location-switched", "idle"]);

/** A tool's text output; files it returned go to `attachments`. */
function toolOutput(content: unknown): { text: string; files: Obj[] } {
  let text = "";
  const files: Obj[] = [];
  for (const c of Array.isArray(content) ? content : []) {
    const item = obj(c);
    if (item.type === "text") {
      const t = str(item.text);
      text += text && !text.endsWith("\n") && t ? "\n" + t : t;
    } else if (item.type === "file") {
      files.push({ type: "file", mime: str(item.mime), filename: str(item.name), url: str(item.uri) });
    } else if (Object.keys(item).length) {
      text += (text ? "\n" : "") + JSON.stringify(item);
    }
  }
  return { text, files };
}

/** 2.x file changes ({file|path, patch, status, additions, deletions}) in the 1.x FileDiff shape. */
function fileChanges(list: unknown): Obj[] {
  const out: Obj[] = [];
  for (const raw of Array.isArray(list) ? list : []) {
    const f = obj(raw);
    const file = str(f.file) || str(f.path) || str(f.resource);
    if (!file) continue;
    out.push({ file, patch: str(f.patch), status: str(f.status), additions: num(f.additions) ?? 0, deletions: num(f.deletions) ?? 0, before: "", after: "" });
  }
  return out;
}

/**
 * What the 1.x renderer of each 2.x tool reads, taken from the 2.x input and
 * `structured` output (the 2.x tools name the file `path`, 1.x `filePath`;
 * results are structured instead of metadata). The 2.x fields stay too.
 */
function toolFields(name: string, input: Obj, structured: unknown): { input: Obj; metadata: Obj } {
  const s = obj(structured);
  const metadata: Obj = isObj(structured) ? { ...s } : Array.isArray(structured) ? { results: structured, count: structured.length } : {};
  const out = { ...input };
  if (str(input.path) && !str(input.filePath) && (name === "edit" || name === "write" || name === "read")) out.filePath = input.path;
  const files = fileChanges(s.files);
  if ((name === "edit" || name === "apply_patch") && files.length) metadata.diff = files.map((f) => f.patch).filter(Boolean).join("\n");
  if (name === "write" && typeof s.existed === "boolean") metadata.exists = s.existed;
  if (name === "grep" && Array.isArray(structured)) metadata.matches = structured.length;
  return { input: out, metadata };
}

function toolPart(c: Obj, id: string, sessionID: string, messageID: string, changes: Obj[]): Obj {
  const state = obj(c.state);
  const time = obj(c.time);
  const name = str(c.name) || "tool";
  const status = str(state.status);
  const streaming = status === "streaming" || status === "pending";
  const { text, files } = toolOutput(state.content);
  const { input, metadata } = streaming ? { input: {}, metadata: {} } : toolFields(name, obj(state.input), state.structured);
  if (Array.isArray(state.outputPaths) && state.outputPaths.length) metadata.outputPaths = state.outputPaths;
  if (state.result !== undefined) metadata.result = state.result;
  changes.push(...fileChanges(obj(state.structured).files));
  const structuredOutput = str(obj(state.structured).output);
  const error = obj(state.error);
  const start = num(time.ran) ?? num(time.created);
  const end = num(time.completed);
  return {
    ...c,
    id,
    sessionID,
    messageID,
    type: "tool",
    callID: str(c.id),
    tool: name,
    state: {
      status: streaming ? "pending" : status,
      input,
      // a streaming call has only the JSON the model has written so far
      raw: streaming ? str(state.input) : undefined,
      output: text || structuredOutput,
      metadata,
      error: status === "error" ? [str(error.type) && str(error.type) !== "unknown" ? `${str(error.type)}: ` : "", str(error.message) || JSON.stringify(state.error ?? null)].join("") : undefined,
      title: "",
      attachments: [...files, ...(Array.isArray(state.attachments) ? state.attachments.map((a) => ({ type: "file", mime: str(obj(a).mime), filename: str(obj(a).name), url: str(obj(a).uri) })) : [])],
      time: { start, end },
    },
  };
}

function partId(messageId: string, raw: unknown, index: number): string {
  const id = str(raw);
  return ANCHOR_SAFE.test(id) ? `${messageId}-${id}` : `${messageId}-${index}`;
}

function assistantParts(m: Obj, sessionID: string, changes: Obj[]): Obj[] {
  const id = str(m.id);
  const parts: Obj[] = [];
  const content = Array.isArray(m.content) ? m.content : [];
  for (let i = 0; i < content.length; i++) {
    const c = obj(content[i]);
    const ref = base(sessionID, id);
    if (c.type === "text") parts.push({ ...c, ...ref, id: partId(id, c.id, i), type: "text", text: str(c.text) });
    else if (c.type === "reasoning") {
      const t = obj(c.time);
      parts.push({ ...c, ...ref, id: partId(id, c.id, i), type: "reasoning", text: str(c.text), metadata: c.providerMetadata, time: { start: num(t.created), end: num(t.completed) } });
    } else if (c.type === "tool") {
      const callId = str(c.id);
      parts.push(toolPart(c, ANCHOR_SAFE.test(callId) ? callId : `${id}-${i}`, sessionID, id, changes));
    } else parts.push({ ...c, ...ref, id: partId(id, c.id, i), type: str(c.type) || "unknown" });
  }
  const snapshot = obj(m.snapshot);
  if (Array.isArray(snapshot.files) && snapshot.files.length) {
    parts.push({ ...base(sessionID, id), id: `${id}-snapshot`, type: "patch", hash: str(snapshot.end), files: snapshot.files });
  }
  return parts;
}

function base(sessionID: string, messageID: string): Obj {
  return { sessionID, messageID };
}

function userParts(m: Obj, sessionID: string): Obj[] {
  const id = str(m.id);
  const parts: Obj[] = [];
  if (str(m.text)) parts.push({ ...base(sessionID, id), id: `${id}-text`, type: "text", text: str(m.text) });
  const files = Array.isArray(m.files) ? m.files : [];
  files.forEach((raw, i) => {
    const f = obj(raw);
    const source = obj(f.source);
    parts.push({
      ...base(sessionID, id),
      id: `${id}-file-${i}`,
      type: "file",
      mime: str(f.mime),
      filename: str(f.name),
      url: str(f.uri),
      description: str(f.description),
      source: str(source.text) ? { type: "file", path: str(f.uri).replace(/^file:\/\//, ""), text: { value: str(source.text), start: num(source.start), end: num(source.end) } } : undefined,
    });
  });
  const agents = Array.isArray(m.agents) ? m.agents : [];
  agents.forEach((raw, i) => {
    const a = obj(raw);
    const source = obj(a.source);
    parts.push({ ...base(sessionID, id), id: `${id}-agent-${i}`, type: "agent", name: str(a.name), source: { value: str(source.text), start: num(source.start), end: num(source.end) } });
  });
  return parts;
}

/** One 2.x message as `{info, parts}`. */
function convertMessage(raw: unknown, index: number, sessionID: string, changes: Obj[]): MessageWithParts {
  const m = obj(raw);
  const type = str(m.type);
  const id = /^[0-9A-Za-z_-]{1,60}$/.test(str(m.id)) ? str(m.id) : `v2m${index}`;
  const t = obj(m.time);
  const time = { created: num(t.created), completed: num(t.completed) };
  const info: Obj = { id, sessionID, role: "", time, metadata: m.metadata };
  const b = base(sessionID, id);
  let parts: Obj[];
  switch (type) {
    case "user":
      info.role = "user";
      parts = userParts(m, sessionID);
      break;
    case "synthetic":
      info.role = "user";
      parts = [{ ...b, id: `${id}-text`, type: "text", text: str(m.text), synthetic: true, description: str(m.description) }];
      break;
    case "system":
      info.role = V2_ROLES.system;
      parts = [{ ...b, id: `${id}-text`, type: "text", text: str(m.text) }];
      break;
    case "skill":
      // a skill the user invoked: shown the way the skill tool is
      info.role = V2_ROLES.skill;
      parts = [{ ...b, id: `${id}-skill`, type: "tool", tool: "skill", callID: id, state: { status: "completed", input: { name: str(m.name) }, output: str(m.text), metadata: { name: str(m.name) }, title: "" } }];
      break;
    case "shell": {
      // a command the user ran with `!`: shown the way the bash tool is
      info.role = V2_ROLES.shell;
      const output = isObj(m.output) ? str(m.output.output) : str(m.output);
      const done = time.completed !== undefined || (str(m.status) !== "" && str(m.status) !== "running");
      const failed = str(m.status) === "failed" || str(m.status) === "error";
      parts = [
        {
          ...b,
          id: `${id}-shell`,
          type: "tool",
          tool: "bash",
          callID: str(m.callID) || str(m.shellID) || id,
          state: {
            status: failed ? "error" : done ? "completed" : "running",
            input: { command: str(m.command) },
            output,
            error: failed ? output || `The command ended with status ${str(m.status)}.` : undefined,
            metadata: { exit: num(m.exit), truncated: isObj(m.output) ? m.output.truncated : undefined, status: str(m.status) || undefined },
            title: "",
            time: { start: time.created, end: time.completed },
          },
        },
      ];
      break;
    }
    case "assistant": {
      const model = obj(m.model);
      const error = obj(m.error);
      Object.assign(info, {
        role: "assistant",
        agent: str(m.agent),
        mode: str(m.agent),
        modelID: str(model.id),
        providerID: str(model.providerID),
        variant: str(model.variant) || undefined,
        cost: num(m.cost) ?? 0,
        tokens: m.tokens ?? { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
        finish: str(m.finish) || undefined,
        error: isObj(m.error) ? { name: str(error.type) && str(error.type) !== "unknown" ? str(error.type) : "Error", data: { message: str(error.message) } } : undefined,
      });
      parts = assistantParts(m, sessionID, changes);
      break;
    }
    case "compaction":
      info.role = V2_ROLES.system;
      parts = [{ ...b, id: `${id}-compaction`, type: "compaction", auto: m.reason === "auto", reason: str(m.reason), status: str(m.status), summary: str(m.summary), recent: str(m.recent) }];
      break;
    default:
      if (EVENT_TYPES.has(type)) {
        info.role = V2_ROLES.event;
        const { id: _i, time: _t, metadata: _m, type: _ty, ...fields } = m;
        parts = [{ ...fields, ...b, id: `${id}-event`, type: "event", event: type }];
      } else {
        // a message type newer than this server: kept whole, shown as data
        info.role = type.slice(0, 40) || "unknown";
        parts = [{ ...m, ...b, id: `${id}-data`, type: `message:${type.slice(0, 40) || "unknown"}` }];
      }
  }
  return { info, parts } as unknown as MessageWithParts;
}

function convertSession(raw: unknown, messages: MessageWithParts[]): Obj {
  const s = obj(raw);
  const t = obj(s.time);
  // the host's session info may predate the last turn: the transcript is newer
  let last = num(t.updated) ?? 0;
  for (const m of messages) {
    const mt = obj(obj(m.info).time);
    last = Math.max(last, num(mt.completed) ?? 0, num(mt.created) ?? 0);
  }
  return {
    ...s,
    id: str(s.id),
    title: str(s.title),
    directory: str(obj(s.location).directory),
    parentID: str(s.parentID) || undefined,
    time: { ...t, created: num(t.created), updated: last || undefined },
  };
}

function convertTranscript(session: unknown, messages: unknown, changes: Obj[]): SubSession {
  const sessionID = str(obj(session).id);
  const list = (Array.isArray(messages) ? messages : []).map((m, i) => convertMessage(m, i, sessionID, changes));
  return { session: convertSession(session, list), messages: list } as unknown as SubSession;
}

/** A 2.x share (already shape-checked: an object with `session` and `messages`) as the page model. */
export function pageModelOfV2(v: Obj): ShareData {
  const changes: Obj[] = [];
  const main = convertTranscript(v.session, v.messages, changes);
  const subsessions: Record<string, SubSession> = {};
  for (const [id, sub] of Object.entries(obj(v.subsessions))) {
    const s = obj(sub);
    subsessions[id] = convertTranscript(isObj(s.session) ? s.session : { id }, s.messages, []);
  }
  // one entry per file: the sum of every edit's lines, and every patch in order
  const byFile = new Map<string, Obj>();
  for (const c of changes) {
    const prev = byFile.get(str(c.file));
    if (!prev) byFile.set(str(c.file), { ...c });
    else {
      prev.additions = (num(prev.additions) ?? 0) + (num(c.additions) ?? 0);
      prev.deletions = (num(prev.deletions) ?? 0) + (num(c.deletions) ?? 0);
      prev.patch = [str(prev.patch), str(c.patch)].filter(Boolean).join("\n");
      if (str(c.status) === "deleted" || str(prev.status) !== "added") prev.status = c.status;
    }
  }
  return {
    shareId: str(v.shareId),
    sessionId: str(v.sessionId),
    createdAt: num(v.createdAt) ?? 0,
    updatedAt: num(v.updatedAt) ?? 0,
    session: main.session,
    messages: main.messages,
    subsessions: Object.keys(subsessions).length ? subsessions : undefined,
    sessionDiff: [...byFile.values()],
  };
}
