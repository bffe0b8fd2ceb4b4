// Table-driven page scenarios, the view-side sibling of test/helpers/scenario.ts:
// each row is a conversation and what its page (and Markdown export) must and
// must not contain. Every page a row renders also goes through the HTML audit.
import { expect, test } from "bun:test";
import type { AnyShareData, ShareData } from "../../src/core/model.ts";
import { auditHtml } from "./html-audit.ts";
import { loadFixture, pagesApp } from "./app.ts";

export interface ViewScenario {
  name: string;
  /** Parts of one assistant message placed after the fixture's first prompt. */
  parts?: unknown[];
  /** Fields merged into that assistant message's info. */
  info?: Record<string, unknown>;
  /** Fields merged into the share (e.g. subsessions). */
  share?: Partial<ShareData>;
  /** A whole share instead of parts (e.g. one made from OpenCode 2). */
  data?: () => AnyShareData;
  /** Substrings of the conversation's HTML (all pages, header and files-changed summary left out). */
  contains?: string[];
  absent?: string[];
  /** Substrings that must appear in this order. */
  order?: string[];
  /** Substring → how many times it occurs. */
  count?: Record<string, number>;
  /** Substrings of the whole first page (header included). */
  page?: string[];
  /** Substrings of the Markdown export. */
  md?: string[];
  mdAbsent?: string[];
}

const fixture = await loadFixture();
let seq = 0;

function shareOf(row: ViewScenario): AnyShareData {
  if (row.data) return row.data();
  const d = structuredClone(fixture);
  const assistant = d.messages[1]!;
  d.messages = [
    d.messages[0]!,
    {
      info: { ...assistant.info, ...row.info },
      parts: (row.parts ?? []).map((p, i) => ({ id: `prt_t${++seq}x${i}`, sessionID: d.sessionId, messageID: assistant.info.id, ...(p as object) })),
    } as never,
  ];
  return Object.assign(d, row.share);
}

/** Every page of a share: the conversation parts joined, and page 1 whole. */
export async function renderAll(data: AnyShareData): Promise<{ conversation: string; first: string; md: string }> {
  const { source, get } = pagesApp();
  const id = (data as ShareData).shareId;
  source.put(data as ShareData);
  let conversation = "";
  let first = "";
  for (let page = 1, pages = 1; page <= pages; page++) {
    const res = await get(`/share/${id}?page=${page}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect((await auditHtml(html)).problems).toEqual([]);
    if (page === 1) first = html;
    pages = Number(/page \d+ of (\d+)/.exec(html)?.[1] ?? 1);
    const end = html.indexOf('id="files"');
    conversation += html.slice(html.indexOf('id="conversation"'), end > -1 ? end : undefined);
  }
  const md = await get(`/share/${id}.md`);
  expect(md.status).toBe(200);
  return { conversation, first, md: await md.text() };
}

export function runViewScenarios(rows: ViewScenario[]): void {
  for (const row of rows) {
    test(row.name, async () => {
      const { conversation, first, md } = await renderAll(shareOf(row));
      for (const c of row.contains ?? []) expect(conversation).toContain(c);
      for (const c of row.absent ?? []) expect(conversation).not.toContain(c);
      let last = -1;
      for (const c of row.order ?? []) {
        const at = conversation.indexOf(c, last + 1);
        expect({ c, inOrder: at > last }).toEqual({ c, inOrder: true });
        last = at;
      }
      for (const [c, n] of Object.entries(row.count ?? {})) expect({ c, n: conversation.split(c).length - 1 }).toEqual({ c, n });
      for (const c of row.page ?? []) expect(first).toContain(c);
      for (const c of row.md ?? []) expect(md).toContain(c);
      for (const c of row.mdAbsent ?? []) expect(md).not.toContain(c);
    });
  }
}
