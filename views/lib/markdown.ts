// Markdown for text parts. Raw HTML is off, links are limited to http(s) and
// mailto, and images become plain links: a shared page must not load
// third-party resources (tracking pixels) or run anything from the share.
import type MarkdownItModule from "markdown-it";
import { escapeHtml } from "@kitajs/html";
import { highlight, languageFor } from "./highlight.ts";

/** Above this a text part is shown as preformatted text: markdown-it is linear but not free. */
export const MARKDOWN_MAX_CHARS = 100_000;

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

let budget: { chars: number } | undefined;

// Built on the first render, not at start (see highlight.ts).
type MarkdownIt = InstanceType<typeof MarkdownItModule>;
let instance: MarkdownIt | undefined;
function markdownIt(): MarkdownIt {
  if (instance) return instance;
  const mod = require("markdown-it") as typeof MarkdownItModule | { default: typeof MarkdownItModule };
  const Ctor = "default" in mod && mod.default ? mod.default : (mod as typeof MarkdownItModule);
  const md = new Ctor({
    html: false,
    linkify: true,
    typographer: false,
    breaks: false,
    highlight(code, lang) {
      return highlight(code, languageFor(lang), budget) as string;
    },
  });

  md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
  // linkify's fuzzy matching turns "file.sh" into http://file.sh; only explicit URLs become links
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });

  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!;
    token.attrSet("rel", "nofollow noopener noreferrer");
    token.attrSet("target", "_blank");
    return self.renderToken(tokens, idx, options);
  };

  md.renderer.rules.image = (tokens, idx) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet("src") ?? "");
    const alt = token.content || "image";
    if (!SAFE_LINK.test(src)) return `<span class="md-img">[image: ${escapeHtml(alt)}]</span>`;
    return `<a class="md-img" href="${escapeHtml(src)}" rel="nofollow noopener noreferrer" target="_blank">[image: ${escapeHtml(alt)}]</a>`;
  };

  md.renderer.rules.fence = (tokens, idx, options) => {
    const token = tokens[idx]!;
    const info = token.info ? token.info.trim() : "";
    const lang = languageFor(info);
    const body = options.highlight ? options.highlight(token.content, info, "") : escapeHtml(token.content);
    const label = info ? `<span class="code-lang">${escapeHtml(info.split(/\s/)[0]!.slice(0, 30))}</span>` : "";
    return `<div class="code">${label}<button type="button" class="copy js-only" data-copy="code">Copy</button><pre><code${lang ? ` class="hljs language-${lang}"` : ' class="hljs"'}>${body}</code></pre></div>\n`;
  };
  return (instance = md);
}

/** Safe HTML for a markdown string; `hl` limits how much code gets highlighted. */
export function renderMarkdown(text: string, hl?: { chars: number }): JSX.Element {
  budget = hl;
  try {
    return markdownIt().render(text);
  } catch {
    return `<pre class="plain">${escapeHtml(text)}</pre>`;
  } finally {
    budget = undefined;
  }
}
