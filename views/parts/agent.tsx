import { obj, str, type Obj } from "../lib/format.ts";

/** An @agent mention in a prompt. */
export function AgentPart(part: Obj): JSX.Element {
  const source = str(obj(part.source).value);
  return (
    <div class="agent-ref">
      <span class="badge">agent</span> <strong safe>{`@${str(part.name)}`}</strong>
      {source ? <span class="muted" safe>{` ${source.slice(0, 200)}`}</span> : ""}
    </div>
  );
}
