// Scripted conversations and comparison helpers shared by the end-to-end
// suites (native protocol and plugin).
import type { Turn } from "./mock-model.ts";
import type { MessageWithParts } from "./opencode.ts";

export const FIRST_PROMPT = "Create greet.sh that prints a greeting, then make the name configurable.";
export const SECOND_PROMPT = "Run it with and without a name and list the shell scripts.";
export const SECOND_TURN_MARKER = "Second turn finished: greet.sh works with and without a name";

/** bash, write, read, edit, todowrite, glob, then a markdown answer. */
export function toolTurn(): Turn {
  return [
    {
      reasoning: "The user wants a shell script. Look at the project first.",
      text: "Let me look at the project first.",
      tools: [{ name: "bash", args: { command: "ls -a", description: "List project files" } }],
    },
    {
      text: "Creating the script.",
      tools: [
        {
          name: "write",
          args: { filePath: "greet.sh", content: '#!/usr/bin/env bash\nset -euo pipefail\necho "Hello, world!"\n' },
        },
      ],
    },
    { tools: [{ name: "read", args: { filePath: "greet.sh" } }] },
    {
      text: "Now making the name configurable.",
      tools: [
        {
          name: "edit",
          args: {
            filePath: "greet.sh",
            oldString: 'echo "Hello, world!"',
            newString: 'NAME="${1:-world}"\necho "Hello, ${NAME}!"',
          },
        },
      ],
    },
    {
      tools: [
        {
          name: "todowrite",
          args: {
            todos: [
              { id: "1", content: "Write greet.sh", status: "completed", priority: "high" },
              { id: "2", content: "Make the name configurable", status: "completed", priority: "medium" },
              { id: "3", content: "Try it out", status: "pending", priority: "low" },
            ],
          },
        },
      ],
    },
    { tools: [{ name: "glob", args: { pattern: "**/*.sh" } }] },
    {
      text:
        "## Done: `greet.sh` is ready\n\nI created **greet.sh**, checked it and made the name configurable:\n\n" +
        "```bash\nbash greet.sh Alice   # Hello, Alice!\n```\n\n- [x] script\n- [x] parameter\n",
    },
  ];
}

export function secondTurn(): Turn {
  return [
    { tools: [{ name: "bash", args: { command: "bash greet.sh Alice && bash greet.sh", description: "Run greet.sh" } }] },
    {
      text: `${SECOND_TURN_MARKER}.\n\n\`\`\`text\nHello, Alice!\nHello, world!\n\`\`\``,
    },
  ];
}

export function toolParts(messages: MessageWithParts[]): any[] {
  return messages.flatMap((m) => m.parts).filter((p) => p.type === "tool");
}

/** Messages and parts as comparable data, each sorted by id. */
export function normalize(messages: MessageWithParts[]) {
  return [...messages]
    .sort((a, b) => (a.info.id < b.info.id ? -1 : 1))
    .map((m) => ({ info: m.info, parts: [...m.parts].sort((a, b) => (a.id < b.id ? -1 : 1)) }));
}

/** A one-line outline of a conversation for readable assertion failures. */
export function outline(messages: MessageWithParts[]): string[] {
  return normalize(messages).map(
    (m) => `${m.info.role} ${m.info.id}: ${m.parts.map((p) => (p.type === "tool" ? `tool:${p.tool}:${p.state?.status}` : p.type)).join(" ")}`,
  );
}
