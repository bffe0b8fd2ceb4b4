// Server-side highlighting with a fixed set of languages: loading all of
// highlight.js costs start-up time and binary size, and auto-detection runs
// every grammar over the text, which is far too slow for large blobs.
import { escapeHtml } from "@kitajs/html";

type HLJS = typeof import("highlight.js/lib/core").default;
type Grammar = Parameters<HLJS["registerLanguage"]>[1];

// Loaded on the first highlight, not at start: the server answers sooner and
// a process that never renders a page never pays for the grammars.
const grammars: Record<string, () => Grammar | { default: Grammar }> = {
  bash: () => require("highlight.js/lib/languages/bash"),
  c: () => require("highlight.js/lib/languages/c"),
  cpp: () => require("highlight.js/lib/languages/cpp"),
  csharp: () => require("highlight.js/lib/languages/csharp"),
  css: () => require("highlight.js/lib/languages/css"),
  diff: () => require("highlight.js/lib/languages/diff"),
  dockerfile: () => require("highlight.js/lib/languages/dockerfile"),
  go: () => require("highlight.js/lib/languages/go"),
  ini: () => require("highlight.js/lib/languages/ini"),
  java: () => require("highlight.js/lib/languages/java"),
  javascript: () => require("highlight.js/lib/languages/javascript"),
  json: () => require("highlight.js/lib/languages/json"),
  kotlin: () => require("highlight.js/lib/languages/kotlin"),
  lua: () => require("highlight.js/lib/languages/lua"),
  makefile: () => require("highlight.js/lib/languages/makefile"),
  markdown: () => require("highlight.js/lib/languages/markdown"),
  php: () => require("highlight.js/lib/languages/php"),
  python: () => require("highlight.js/lib/languages/python"),
  ruby: () => require("highlight.js/lib/languages/ruby"),
  rust: () => require("highlight.js/lib/languages/rust"),
  scss: () => require("highlight.js/lib/languages/scss"),
  shell: () => require("highlight.js/lib/languages/shell"),
  sql: () => require("highlight.js/lib/languages/sql"),
  swift: () => require("highlight.js/lib/languages/swift"),
  typescript: () => require("highlight.js/lib/languages/typescript"),
  xml: () => require("highlight.js/lib/languages/xml"),
  yaml: () => require("highlight.js/lib/languages/yaml"),
};

let engine: HLJS | undefined;
function hljs(): HLJS {
  if (engine) return engine;
  const core = require("highlight.js/lib/core") as HLJS | { default: HLJS };
  const h = "default" in core && core.default ? core.default : (core as HLJS);
  for (const [name, load] of Object.entries(grammars)) {
    const g = load();
    h.registerLanguage(name, typeof g === "function" ? g : g.default);
  }
  return (engine = h);
}

/** Larger blocks are shown plain: highlight.js runs at a few MB/s at best. */
export const HIGHLIGHT_MAX_CHARS = 10_000;

const EXTENSIONS: Record<string, string> = {
  sh: "bash", bash: "bash", zsh: "bash", fish: "bash", c: "c", h: "c", cc: "cpp", cpp: "cpp",
  cxx: "cpp", hpp: "cpp", cs: "csharp", css: "css", diff: "diff", patch: "diff", go: "go",
  ini: "ini", toml: "ini", cfg: "ini", conf: "ini", java: "java", js: "javascript",
  mjs: "javascript", cjs: "javascript", jsx: "javascript", json: "json", jsonc: "json",
  kt: "kotlin", kts: "kotlin", lua: "lua", mk: "makefile", md: "markdown", markdown: "markdown",
  php: "php", py: "python", rb: "ruby", rs: "rust", scss: "scss", sql: "sql", swift: "swift",
  ts: "typescript", tsx: "typescript", mts: "typescript", cts: "typescript", html: "xml",
  htm: "xml", xml: "xml", svg: "xml", vue: "xml", yml: "yaml", yaml: "yaml",
};

const FILENAMES: Record<string, string> = {
  dockerfile: "dockerfile", makefile: "makefile", gnumakefile: "makefile",
  ".bashrc": "bash", ".zshrc": "bash", ".profile": "bash",
};

/** A registered language for a fence info string or alias, else undefined. */
export function languageFor(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const key = name.trim().toLowerCase().split(/\s/)[0] ?? "";
  if (!key || key.length > 30) return undefined;
  if (hljs().getLanguage(key)) return key;
  return EXTENSIONS[key];
}

export function languageForPath(path: string): string | undefined {
  const file = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1).toLowerCase();
  if (FILENAMES[file]) return FILENAMES[file];
  const dot = file.lastIndexOf(".");
  return dot > 0 ? EXTENSIONS[file.slice(dot + 1)] : undefined;
}

/**
 * Highlighted HTML for `code`, or the escaped text when the language is
 * unknown or the block too large. The result is always safe HTML: the
 * highlighter escapes its input and only adds `<span class="hljs-…">`.
 */
export function highlight(code: string, language: string | undefined, budget?: { chars: number }): JSX.Element {
  if (language && code.length <= HIGHLIGHT_MAX_CHARS && hljs().getLanguage(language) && (!budget || budget.chars >= code.length)) {
    try {
      const out = hljs().highlight(code, { language, ignoreIllegals: true }).value;
      if (budget) budget.chars -= code.length;
      return out;
    } catch {
      // grammar bugs on odd input fall through to plain text
    }
  }
  return escapeHtml(code);
}
