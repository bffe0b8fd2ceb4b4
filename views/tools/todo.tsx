import { arr, obj, str } from "../lib/format.ts";
import { outputMarkdown } from "../lib/markdown-out.ts";
import type { ToolCall, ToolView } from "./types.ts";

const MARK: Record<string, string> = { completed: "☑", in_progress: "◐", pending: "☐", cancelled: "☒" };

function todosOf(c: ToolCall): unknown[] {
  const fromMeta = arr(c.metadata.todos);
  if (fromMeta.length) return fromMeta;
  const fromInput = arr(c.input.todos);
  if (fromInput.length) return fromInput;
  // todoread keeps the list only in its output
  if (c.output.startsWith("[") && c.output.length < 200_000) {
    try {
      return arr(JSON.parse(c.output));
    } catch {}
  }
  return [];
}

export const todo: ToolView = {
  subject(c) {
    const todos = todosOf(c);
    const done = todos.filter((t) => str(obj(t).status) === "completed").length;
    return `${done}/${todos.length} done`;
  },
  body(c) {
    const todos = todosOf(c);
    if (!todos.length) return <p class="muted">No todos.</p>;
    return (
      <ul class="todos">
        {todos.slice(0, 1000).map((t) => {
          const item = obj(t);
          const status = str(item.status) || "pending";
          const priority = str(item.priority);
          return (
            <li class={`todo todo-${/^[a-z_]{1,20}$/.test(status) ? status : "other"}`}>
              <span class="todo-mark" aria-hidden="true" safe>{MARK[status] ?? "•"}</span>{" "}
              <span class="todo-text" safe>{str(item.content)}</span>
              <span class="visually-hidden" safe>{` (${status})`}</span>
              {priority ? <span class="badge" safe>{priority}</span> : ""}
            </li>
          );
        })}
      </ul>
    );
  },
  markdown(c) {
    const todos = todosOf(c);
    if (!todos.length) return outputMarkdown(c);
    return (
      todos
        .map((t) => {
          const item = obj(t);
          const status = str(item.status) || "pending";
          const priority = str(item.priority);
          return `- [${status === "completed" ? "x" : " "}] ${str(item.content).replace(/\n/g, " ")} (${status}${priority ? `, ${priority}` : ""})`;
        })
        .join("\n") + "\n"
    );
  },
};
