// question: what the agent asked the user, the choices it offered, and the answers.
import { arr, obj, str } from "../lib/format.ts";
import { fence, outputMarkdown } from "../lib/markdown-out.ts";
import type { ToolCall, ToolView } from "./types.ts";

interface Asked {
  header: string;
  question: string;
  options: Array<{ label: string; description: string }>;
  multiple: boolean;
  answer: string[];
}

function asked(c: ToolCall): Asked[] {
  const answers = arr(c.metadata.answers);
  return arr(c.input.questions).map((raw, i) => {
    const q = obj(raw);
    return {
      header: str(q.header),
      question: str(q.question),
      options: arr(q.options).map((o) => ({ label: str(obj(o).label), description: str(obj(o).description) })),
      multiple: q.multiple === true,
      answer: arr(answers[i]).map(str),
    };
  });
}

export const question: ToolView = {
  subject(c) {
    const qs = asked(c);
    return qs.length === 1 ? qs[0]!.header || qs[0]!.question : `${qs.length} questions`;
  },
  body(c) {
    const qs = asked(c);
    if (!qs.length) return c.output ? <pre class="plain" safe>{c.output.slice(0, 20_000)}</pre> : "";
    return (
      <>
        {qs.slice(0, 50).map((q) => (
          <div class="question">
            <p>
              {q.header ? <span class="badge" safe>{q.header}</span> : ""} <strong safe>{q.question}</strong>
              {q.multiple ? <span class="muted small"> (several answers allowed)</span> : ""}
            </p>
            <ul class="options">
              {q.options.slice(0, 50).map((o) => (
                <li class={q.answer.includes(o.label) ? "chosen" : undefined}>
                  <span safe>{o.label}</span>
                  {o.description ? <span class="muted" safe>{` — ${o.description}`}</span> : ""}
                  {q.answer.includes(o.label) ? <span class="badge">chosen</span> : ""}
                </li>
              ))}
            </ul>
            {q.answer.filter((a) => !q.options.some((o) => o.label === a)).map((a) => (
              <p class="small"><span class="muted">answered </span><span safe>{a}</span></p>
            ))}
            {!q.answer.length && c.status === "completed" ? <p class="muted small">Unanswered</p> : ""}
          </div>
        ))}
      </>
    );
  },
  markdown(c) {
    const qs = asked(c);
    if (!qs.length) return outputMarkdown(c);
    return qs
      .map((q) => {
        let out = `${q.header ? `**${q.header}:** ` : ""}${q.question}\n\n`;
        for (const o of q.options) out += `- [${q.answer.includes(o.label) ? "x" : " "}] ${o.label}${o.description ? ` — ${o.description}` : ""}\n`;
        const free = q.answer.filter((a) => !q.options.some((o) => o.label === a));
        if (free.length) out += `\nAnswered: ${free.join(", ")}\n`;
        return out;
      })
      .join("\n") + (c.output ? "\nOutput:\n\n" + fence(c.output) : "");
  },
};
