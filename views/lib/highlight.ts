// Server-side highlighting with a fixed set of languages: loading all of
// highlight.js costs start-up time and binary size, and auto-detection runs
// every grammar over the text, which is far too slow for large blobs.
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import kotlin from "highlight.js/lib/languages/kotlin";
import lua from "highlight.js/lib/languages/lua";
import makefile from "highlight.js/lib/languages/makefile";
import markdown from "highlight.js/lib/languages/markdown";
import php from "highlight.js/lib/languages/php";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import scss from "highlight.js/lib/languages/scss";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import swift from "highlight.js/lib/languages/swift";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import { escapeHtml } from "@kitajs/html";

const grammars = {
  bash, c, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, kotlin, lua,
  makefile, markdown, php, python, ruby, rust, scss, shell, sql, swift, typescript, xml, yaml,
};
for (const [name, grammar] of Object.entries(grammars)) hljs.registerLanguage(name, grammar);

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
  if (hljs.getLanguage(key)) return key;
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
  if (language && code.length <= HIGHLIGHT_MAX_CHARS && hljs.getLanguage(language) && (!budget || budget.chars >= code.length)) {
    try {
      const out = hljs.highlight(code, { language, ignoreIllegals: true }).value;
      if (budget) budget.chars -= code.length;
      return out;
    } catch {
      // grammar bugs on odd input fall through to plain text
    }
  }
  return escapeHtml(code);
}
