// Unified diffs as tables with old/new line numbers. Line numbers are CSS
// generated content (data attributes), so selecting and copying a diff
// copies only the code.
import { structuredPatch } from "diff";
import { escapeHtml } from "@kitajs/html";
import { fmtInt } from "./format.ts";

export interface DiffStats {
  additions: number;
  deletions: number;
}

/** Rows beyond this are not rendered; the raw patch is in the Markdown export. */
export const DIFF_MAX_ROWS = 4000;
/** Inputs beyond this are not diffed on the server: Myers' algorithm is O(N·D). */
const DIFF_MAX_INPUT = 400_000;

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/;

/** Unified diff text from old and new contents, or undefined when too large to diff. */
export function makePatch(path: string, before: string, after: string): string | undefined {
  if (before.length + after.length > DIFF_MAX_INPUT) return undefined;
  try {
    const p = structuredPatch(path, path, before, after, undefined, undefined, { context: 3, maxEditLength: 20_000 });
    if (!p) return undefined;
    let out = "";
    for (const h of p.hunks) {
      out += `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n`;
      for (const line of h.lines) out += line + "\n";
    }
    return out;
  } catch {
    return undefined;
  }
}

export function patchStats(patch: string): DiffStats {
  let additions = 0;
  let deletions = 0;
  let inHunk = false;
  for (const line of patch.split("\n")) {
    if (line.startsWith("@@")) inHunk = true;
    else if (!inHunk) continue;
    else if (line[0] === "+") additions++;
    else if (line[0] === "-") deletions++;
  }
  return { additions, deletions };
}

/**
 * HTML for a unified diff. File headers (`Index:`, `---`, `+++`) are dropped
 * since the path is shown above the table; anything before the first hunk
 * that is not a header is shown as context so nothing is silently lost.
 */
export function renderDiff(patch: string): JSX.Element {
  const lines = patch.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  let rows = 0;
  let out = '<div class="diff" role="table">';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (rows >= DIFF_MAX_ROWS) {
      out += `<div class="dr dr-note">… ${fmtInt(lines.length - i)} more diff lines not shown</div>`;
      break;
    }
    const m = line.startsWith("@@") ? HUNK.exec(line) : null;
    if (m) {
      oldNo = Number(m[1]);
      newNo = Number(m[2]);
      inHunk = true;
      out += `<div class="dr dr-hunk"><span class="dc">${escapeHtml(line)}</span></div>`;
      rows++;
      continue;
    }
    if (inHunk && (line.startsWith("Index: ") || line.startsWith("diff --git "))) inHunk = false;
    if (!inHunk) {
      if (line.startsWith("+++ ")) {
        out += `<div class="dr dr-file"><span class="dc">${escapeHtml(line.slice(4).replace(/^b\//, ""))}</span></div>`;
        rows++;
        continue;
      }
      if (/^(Index: |={10,}|--- |\+\+\+ |diff --git |new file mode|deleted file mode|similarity index|rename (from|to) |index [0-9a-f])/.test(line)) continue;
      out += `<div class="dr dr-ctx"><span class="dc">${escapeHtml(line)}</span></div>`;
      rows++;
      continue;
    }
    const sign = line[0];
    const text = escapeHtml(line.slice(1));
    if (sign === "+") {
      out += `<div class="dr dr-add" data-n="${newNo++}"><span class="dc">${text}</span></div>`;
    } else if (sign === "-") {
      out += `<div class="dr dr-del" data-o="${oldNo++}"><span class="dc">${text}</span></div>`;
    } else if (sign === "\\") {
      out += `<div class="dr dr-note"><span class="dc">${escapeHtml(line)}</span></div>`;
    } else {
      out += `<div class="dr dr-ctx" data-o="${oldNo++}" data-n="${newNo++}"><span class="dc">${text}</span></div>`;
    }
    rows++;
  }
  return out + "</div>";
}
