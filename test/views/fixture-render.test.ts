// Each part and tool renderer, on the real OpenCode 1.18.33 fixture.
import { beforeAll, describe, expect, test } from "bun:test";
import type { ShareData } from "../../src/core/model.ts";
import { loadFixture, pagesApp } from "./app.ts";

let data: ShareData;
let html: string;

/** The HTML of the part with this id (up to the next part). */
function partHtml(id: string): string {
  const start = html.indexOf(`id="p-${id}"`);
  expect(start).toBeGreaterThan(-1);
  const next = html.indexOf(`<div class="part `, start + 10);
  const end = html.indexOf(`</article>`, start);
  return html.slice(start, next > -1 && next < end ? next : end);
}

function partsOf(type: string, tool?: string) {
  return data.messages.flatMap((m) => m.parts).filter((p) => p.type === type && (!tool || (p as { tool?: string }).tool === tool));
}

beforeAll(async () => {
  data = await loadFixture();
  const { source, get } = pagesApp();
  source.put(data);
  const res = await get(`/share/${data.shareId}`);
  expect(res.status).toBe(200);
  html = await res.text();
});

describe("fixture page", () => {
  test("every message is in the page, in order, with its permalink anchor", () => {
    let last = -1;
    for (const m of data.messages) {
      const at = html.indexOf(`id="m-${m.info.id}"`);
      expect(at).toBeGreaterThan(last);
      expect(html).toContain(`href="#m-${m.info.id}"`);
      last = at;
    }
  });

  test("parts keep their true order inside each message", () => {
    for (const m of data.messages) {
      let last = -1;
      for (const p of m.parts) {
        const at = html.indexOf(`id="p-${p.id}"`);
        expect(at).toBeGreaterThan(last);
        last = at;
      }
    }
  });

  test("user and assistant messages are marked differently", () => {
    expect(html.match(/class="msg msg-user"/g)?.length).toBe(2);
    expect(html.match(/class="msg msg-assistant"/g)?.length).toBe(10);
  });

  test("header shows title, model, agent, totals, files changed and version", () => {
    const head = html.slice(html.indexOf('class="session-head"'), html.indexOf('id="conversation"'));
    expect(head).toContain("Create and parameterize greet.sh");
    expect(head).toContain("mock/mock-model");
    expect(head).toContain("agent build");
    expect(head).toContain("OpenCode 1.18.33");
    expect(head).toContain("10k in"); // 10,431 input tokens summed over assistant messages
    expect(head).toContain("297 out");
    expect(head).toContain("2 user · 10 assistant");
    expect(head).toContain("+4");
    expect(head).toContain("took 49s");
  });

  test("text parts are markdown: headings, tables, lists, highlighted code", () => {
    const last = partsOf("text").find((p) => (p as { text: string }).text.startsWith("## Done"))!;
    const part = partHtml(last.id);
    expect(part).toContain("<h2>Done: <code>greet.sh</code> is ready</h2>");
    expect(part).toContain("<table>");
    expect(part).toContain('class="hljs language-bash"');
    expect(part).toContain('<span class="hljs-built_in">echo</span>');
    expect(part).toContain("<blockquote>");
  });

  test("reasoning is collapsed in a details element", () => {
    const part = partHtml(partsOf("reasoning")[0]!.id);
    expect(part).toContain('<details class="reasoning">');
    expect(part).not.toContain("<details class=\"reasoning\" open");
    expect(part).toContain("The user wants a shell script.");
  });

  test("bash shows command, output and exit code", () => {
    const part = partHtml(partsOf("tool", "bash")[0]!.id);
    expect(part).toContain('class="tool-name">bash<');
    expect(part).toContain("checking project");
    expect(part).toContain("README.md");
    expect(part).toContain("exit 0");
    expect(part).toContain('data-copy="cmd"');
    expect(part).toContain("status-completed");
  });

  test("write shows the path and highlighted content", () => {
    const part = partHtml(partsOf("tool", "write")[0]!.id);
    expect(part).toContain("Created /home/dev/greet-demo/greet.sh");
    expect(part).toContain('class="hljs language-bash"');
    expect(part).toContain("pipefail");
  });

  test("read shows path, line range and content", () => {
    const part = partHtml(partsOf("tool", "read")[0]!.id);
    expect(part).toContain("lines 1–3 of 3");
    expect(part).toContain("Hello, world!");
  });

  test("edit shows a unified diff with line numbers and +/- rows", () => {
    const part = partHtml(partsOf("tool", "edit")[0]!.id);
    expect(part).toContain('class="dr dr-hunk"');
    expect(part).toContain('<div class="dr dr-del" data-o="3">');
    expect(part).toContain('<div class="dr dr-add" data-n="3">');
    expect(part).toContain('<div class="dr dr-ctx" data-o="1" data-n="1">');
    expect(part).toContain(">+2<");
    expect(part).toContain(">−1<");
  });

  test("todowrite shows a checklist with each status", () => {
    const part = partHtml(partsOf("tool", "todowrite")[0]!.id);
    expect(part.match(/class="todo todo-completed"/g)?.length).toBe(2);
    expect(part.match(/class="todo todo-pending"/g)?.length).toBe(1);
    expect(part).toContain("Run the script with and without an argument");
    expect(part).toContain("2/3 done");
  });

  test("glob shows pattern and results", () => {
    const part = partHtml(partsOf("tool", "glob")[0]!.id);
    expect(part).toContain("*.sh");
    expect(part).toContain("/home/dev/greet-demo/greet.sh");
  });

  test("step-start and step-finish show snapshot, tokens and cost", () => {
    expect(partHtml(partsOf("step-start")[0]!.id)).toContain("3717ed2a");
    const finish = partHtml(partsOf("step-finish")[0]!.id);
    expect(finish).toContain("1.0k in · 33 out");
    expect(finish).toContain("$0");
  });

  test("patch parts list the changed files relative to the project", () => {
    const part = partHtml(partsOf("patch")[0]!.id);
    expect(part).toContain("Changed 1 file");
    expect(part).toContain(">greet.sh<");
  });

  test("session diff summary lists files with their diff", () => {
    const files = html.slice(html.indexOf('id="files"'));
    expect(files).toContain("greet.sh");
    expect(files).toContain('class="dr dr-add" data-n="1"');
  });

  test("link previews: title, description with first prompt, Open Graph and Twitter tags", () => {
    expect(html).toContain("<title>Create and parameterize greet.sh · better-share</title>");
    expect(html).toMatch(/<meta name="description" content="Create a small greet.sh script[^"]*12 messages/);
    expect(html).toContain('<meta property="og:title"');
    expect(html).toContain('<meta property="og:url" content="https://share.example.com/share/8O3MpUrh"');
    expect(html).toContain('<meta name="twitter:card" content="summary"');
    expect(html).toContain('<meta name="robots" content="noindex"');
  });

  test("the page is small: the fixture renders under 75 KB of HTML", () => {
    expect(html.length).toBeLessThan(75_000);
  });
});

describe("Markdown export", () => {
  test("has every message and tool call in order, untruncated", async () => {
    const { source, get } = pagesApp();
    source.put(data);
    const res = await get(`/share/${data.shareId}.md`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const md = await res.text();
    expect(md.startsWith("# Create and parameterize greet.sh\n")).toBe(true);
    expect(md.match(/^## User/gm)?.length).toBe(2);
    expect(md.match(/^## Assistant/gm)?.length).toBe(10);
    expect(md).toContain("**Tool: bash** (completed)");
    expect(md).toContain("-echo \"Hello, world!\"\n+NAME=");
    const order = ["Create a small greet.sh", "**Tool: write**", "**Tool: edit**", "## Done", "Run the script with and without an argument and mark", "**Tool: glob**"];
    let last = -1;
    for (const s of order) {
      const at = md.indexOf(s);
      expect(at).toBeGreaterThan(last);
      last = at;
    }
  });

  test("code fences are longer than any backtick run in the content", async () => {
    const { source, get } = pagesApp();
    const d = structuredClone(data);
    const tool = d.messages[1]!.parts.find((p) => p.type === "tool") as { state: { output: string } };
    tool.state.output = "before\n````\nstill inside\n";
    source.put(d);
    const md = await (await get(`/share/${d.shareId}.md`)).text();
    expect(md).toContain("`````\nbefore\n````\nstill inside\n`````");
  });
});
