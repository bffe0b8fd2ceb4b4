// Splitting long sessions into pages. Boundaries depend only on messages
// before them, so a growing session keeps its earlier pages (and their
// permalinks) stable. The first page is small so it paints fast.
import type { MessageWithParts, ShareData } from "../../src/core/model.ts";
import { anchorId, arr, obj, str } from "./format.ts";
import { taskSessionId, toolCall } from "./shapes.ts";

export interface PagePlan {
  /** [start, end) message indexes of each page; at least one page. */
  pages: Array<{ start: number; end: number }>;
  /** Sub-sessions some task call points at; the rest are shown at the end. */
  linkedSubsessions: Set<string>;
}

export const FIRST_PAGE = { messages: 30, weight: 150_000 };
export const LATER_PAGE = { messages: 300, weight: 1_500_000 };
/** One block never weighs more than it can show (see BLOCK_MAX_CHARS). */
const BLOCK_CAP = 200_000;

function cap(n: number): number {
  return n > BLOCK_CAP ? BLOCK_CAP : n;
}

function valuesWeight(value: unknown): number {
  const o = obj(value);
  let w = 0;
  for (const k in o) {
    const v = o[k];
    if (typeof v === "string") w += cap(v.length);
    else if (v && typeof v === "object") w += 200;
  }
  return w;
}

/** Approximate rendered size of a message, counting sub-sessions placed under its task calls. */
function messageWeight(m: unknown, data: ShareData, linked: Set<string>, depth: number): number {
  let w = 300;
  for (const p of arr(obj(m).parts)) {
    const part = obj(p);
    w += 150;
    const type = part.type;
    if (type === "text" || type === "reasoning") w += cap(str(part.text).length);
    else if (type === "tool") {
      const state = obj(part.state);
      w += cap(str(state.output).length) + cap(str(state.error).length) + valuesWeight(state.input);
      const meta = obj(state.metadata);
      w += cap(str(meta.diff).length);
      if (part.tool === "task") {
        const id = taskSessionId(toolCall(part));
        const sub = id ? obj(obj(data.subsessions)[id]) : undefined;
        if (id && sub && !linked.has(id) && depth < 5) {
          linked.add(id);
          for (const sm of arr(sub.messages)) w += messageWeight(sm, data, linked, depth + 1);
        }
      }
    } else if (type === "file") w += Math.min(str(part.url).length, 4 * 1024 * 1024);
  }
  return w;
}

export function planPages(data: ShareData): PagePlan {
  const messages = arr(data.messages);
  const linked = new Set<string>();
  const pages: PagePlan["pages"] = [];
  let start = 0;
  let weight = 0;
  let limits = FIRST_PAGE;
  for (let i = 0; i < messages.length; i++) {
    const w = messageWeight(messages[i], data, linked, 0);
    if (i > start && (i - start >= limits.messages || weight + w > limits.weight)) {
      pages.push({ start, end: i });
      start = i;
      weight = 0;
      limits = LATER_PAGE;
    }
    weight += w;
  }
  pages.push({ start, end: messages.length });
  return { pages, linkedSubsessions: linked };
}

/** The 1-based page holding a message or part anchor (`m-…` / `p-…`), if any. */
export function pageOfAnchor(data: ShareData, plan: PagePlan, anchor: string): number | undefined {
  const messages = arr(data.messages) as MessageWithParts[];
  const isPart = anchor.startsWith("p-");
  const id = anchor.slice(2);
  for (let pi = 0; pi < plan.pages.length; pi++) {
    const { start, end } = plan.pages[pi]!;
    for (let i = start; i < end; i++) {
      const m = obj(messages[i]);
      if (!isPart) {
        if (anchorId(obj(m.info).id, `i${i}`) === id) return pi + 1;
        continue;
      }
      const parts = arr(m.parts);
      for (let j = 0; j < parts.length; j++) if (anchorId(obj(parts[j]).id, `i${i}-${j}`) === id) return pi + 1;
    }
  }
  return undefined;
}
