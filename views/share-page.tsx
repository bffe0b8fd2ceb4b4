// The share page: header, one page of the conversation, and at the end the
// files the session changed. Returned as one string.
import { escapeHtml } from "@kitajs/html";
import type { ShareData } from "../src/core/model.ts";
import { arr, obj, relPath, str } from "./lib/format.ts";
import { makePatch, renderDiff } from "./lib/diff.ts";
import type { PagePlan } from "./lib/paging.ts";
import { sessionStats, type SessionStats } from "./lib/stats.ts";
import { Layout } from "./layout.tsx";
import { SessionHeader } from "./header.tsx";
import { renderMessages } from "./message.tsx";
import { SubSessionBlock } from "./tools/task.tsx";
import type { RenderCtx } from "./context.ts";

/** Characters of code highlighted per page (highlight.js runs at about 1 MB/s); the rest is shown plain so no page stalls the server. */
const HIGHLIGHT_BUDGET = 12_000;
/**
 * A conversation this large (in characters of HTML) is marked "long": its
 * off-screen messages are not laid out until scrolled near (app.css), so the
 * first layout covers one screen instead of the whole page in one long task.
 */
const LONG_CONVERSATION = 64_000;

export interface SharePageInput {
  data: ShareData;
  shareId: string;
  /** 1-based. */
  page: number;
  plan: PagePlan;
  baseUrl: string;
  etag: string;
  robots: string;
  stats?: SessionStats;
  /** When the share expires (unix ms); null or absent = never. */
  expiresAt?: number | null;
}

function pageHref(page: number): string {
  return page <= 1 ? "?" : `?page=${page}`;
}

function Pager(props: { plan: PagePlan; page: number; total: number }): JSX.Element {
  const count = props.plan.pages.length;
  if (count <= 1) return "";
  const { start, end } = props.plan.pages[props.page - 1]!;
  const shown = new Set([1, 2, count - 1, count, props.page - 1, props.page, props.page + 1]);
  const safeLinks: string[] = [];
  let gap = false;
  for (let p = 1; p <= count; p++) {
    if (!shown.has(p)) {
      if (!gap) safeLinks.push(`<span class="muted">…</span>`);
      gap = true;
      continue;
    }
    gap = false;
    safeLinks.push(p === props.page ? `<span class="cur" aria-current="page">${p}</span>` : `<a href="${pageHref(p)}">${p}</a>`);
  }
  return (
    <nav class="pager" aria-label="Pages">
      <span class="info" safe>{`Messages ${start + 1}–${end} of ${props.total} · page ${props.page} of ${count}`}</span>
      {props.page > 1 ? <a href={pageHref(props.page - 1)} rel="prev">← Previous</a> : ""}
      {safeLinks.join("")}
      {props.page < count ? <a href={pageHref(props.page + 1)} rel="next">Next →</a> : ""}
    </nav>
  );
}

function FilesChanged(props: { stats: SessionStats; root: string }): JSX.Element {
  const files = props.stats.files;
  if (!files.length) return "";
  return (
    <section class="files-changed" id="files" aria-label="Files changed">
      <h2 safe>{`Files changed (${files.length})`}</h2>
      {files.slice(0, 500).map((f) => {
        const patch = f.patch || (f.before || f.after ? makePatch(f.file, f.before, f.after) : undefined);
        return (
          <details class="file-change">
            <summary>
              <span class="path" safe>{relPath(f.file, props.root)}</span>
              {f.status ? <span class="badge" safe>{f.status}</span> : ""}
              <span class="add" safe>{`+${f.additions}`}</span>
              <span class="del" safe>{`−${f.deletions}`}</span>
            </summary>
            {patch ? renderDiff(patch) : <p class="muted">No diff recorded.</p>}
          </details>
        );
      })}
    </section>
  );
}

function describe(stats: SessionStats): string {
  const prompt = stats.firstPrompt.replace(/\s+/g, " ").trim();
  const bits = [
    `${stats.messages} messages`,
    stats.models.length ? stats.models.join(", ") : "",
    stats.files.length ? `${stats.files.length} files changed` : "",
  ].filter(Boolean);
  return `${prompt.length > 180 ? prompt.slice(0, 177) + "…" : prompt}${prompt ? " — " : ""}${bits.join(" · ")}`;
}

export function renderSharePage(input: SharePageInput): string {
  const { data, plan, page, shareId } = input;
  const stats = input.stats ?? sessionStats(data);
  const messages = arr(data.messages);
  const { start, end } = plan.pages[page - 1]!;
  const ctx: RenderCtx = {
    shareId,
    root: stats.directory,
    hl: { chars: HIGHLIGHT_BUDGET },
    subsessions: obj(data.subsessions) as RenderCtx["subsessions"],
    placed: new Set(),
    depth: 0,
    renderMessages: (list, c) => renderMessages(list, c),
  };
  const conversation = renderMessages(messages.slice(start, end), ctx, start);
  const last = page === plan.pages.length;
  let safeOrphans = "";
  if (last) {
    for (const id of Object.keys(ctx.subsessions)) {
      if (plan.linkedSubsessions.has(id)) continue;
      safeOrphans += SubSessionBlock({ id, ctx, open: false }) as string;
    }
  }
  const shareUrl = `${input.baseUrl}/share/${shareId}`;
  const filesHref = `${pageHref(plan.pages.length)}#files`;
  const topLinks = (
    <>
      <a href={`/share/${shareId}.md`}>Markdown</a>
      <a href={`/api/share/${shareId}`}>JSON</a>
    </>
  );
  const body = (
    <div id="live" data-etag={escapeHtml(input.etag)}>
      <SessionHeader stats={stats} filesHref={filesHref} expiresAt={input.expiresAt} />
      <Pager plan={plan} page={page} total={messages.length} />
      <div id="conversation" class={page > 1 || conversation.length > LONG_CONVERSATION ? "conversation long" : "conversation"}>
        {messages.length ? conversation : <p class="muted">This session has no messages yet.</p>}
      </div>
      {safeOrphans ? (
        <section aria-label="Other sub-agent sessions">
          <h2>Other sub-agent sessions</h2>
          {safeOrphans}
        </section>
      ) : ""}
      <Pager plan={plan} page={page} total={messages.length} />
      {last ? <FilesChanged stats={stats} root={stats.directory} /> : ""}
      <footer class="foot">
        {"Shared with better-share · "}
        <a href={`/share/${shareId}.md`}>Markdown</a>
        {" · "}
        <a href={`/api/share/${shareId}`}>raw JSON</a>
      </footer>
    </div>
  );
  return Layout({
    meta: {
      title: `${stats.title} · better-share`,
      description: describe(stats),
      url: page > 1 ? `${shareUrl}?page=${page}` : shareUrl,
      robots: input.robots,
    },
    topLinks,
    liveStatus: true,
    children: body,
  }) as string;
}
