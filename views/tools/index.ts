// The one table of tools: adding a tool is one file (page and Markdown form) plus one line here.
import { applyPatch } from "./apply-patch.tsx";
import { bash } from "./bash.tsx";
import { edit } from "./edit.tsx";
import { generic } from "./generic.tsx";
import { multiedit } from "./multiedit.tsx";
import { question } from "./question.tsx";
import { read } from "./read.tsx";
import { glob, grep, list } from "./search.tsx";
import { skill } from "./skill.tsx";
import { task } from "./task.tsx";
import { todo } from "./todo.tsx";
import type { ToolView } from "./types.ts";
import { webfetch, websearch } from "./webfetch.tsx";
import { write } from "./write.tsx";

const TOOLS: Record<string, ToolView> = {
  bash,
  edit,
  multiedit,
  write,
  read,
  grep,
  glob,
  list,
  webfetch,
  websearch,
  codesearch: websearch,
  todowrite: todo,
  todoread: todo,
  task,
  question,
  skill,
  patch: applyPatch,
  apply_patch: applyPatch,
};

export function toolView(name: string): ToolView {
  return Object.hasOwn(TOOLS, name) ? TOOLS[name]! : generic;
}
