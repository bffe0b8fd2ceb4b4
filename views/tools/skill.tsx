// skill: the instructions a skill brought into the conversation (by the agent's
// skill tool, or a skill the user invoked in OpenCode 2).
import { str } from "../lib/format.ts";
import { Output } from "../lib/blocks.tsx";
import { outputMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

export const skill: ToolView = {
  subject: (c) => str(c.input.name) || str(c.metadata.name),
  body(c, ctx) {
    const directory = str(c.metadata.directory);
    return (
      <>
        {directory ? <div class="muted small path" safe>{directory}</div> : ""}
        {c.output ? <Output text={c.output} lang="markdown" ctx={ctx} label="skill content" /> : ""}
      </>
    );
  },
  markdown: (c) => `Skill \`${(str(c.input.name) || str(c.metadata.name)).replace(/`/g, "")}\`\n` + outputMarkdown(c),
};
