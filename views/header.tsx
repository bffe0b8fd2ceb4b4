import { escapeHtml, type Children } from "@kitajs/html";
import { fmtCost, fmtDuration, fmtInt, fmtTime, fmtTokens, isoTime } from "./lib/format.ts";
import type { SessionStats } from "./lib/stats.ts";

function Stat(props: { name: string; children: Children }): JSX.Element {
  return (
    <div class="stat">
      <dt safe>{props.name}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

export function SessionHeader(props: { stats: SessionStats; filesHref: string; expiresAt?: number | null }): JSX.Element {
  const s = props.stats;
  const t = s.tokens;
  const duration = s.created !== undefined && s.updated !== undefined && s.updated >= s.created ? fmtDuration(s.updated - s.created) : "";
  return (
    <section class="session-head" aria-label="Session summary">
      <h1 safe>{s.title}</h1>
      <div class="session-meta">
        {s.agents.length ? <span safe>{`agent ${s.agents.join(", ")}`}</span> : ""}
        {s.models.length ? <span safe>{s.models.join(", ")}</span> : ""}
        {s.created !== undefined ? (
          <span>
            {"created "}
            <time datetime={isoTime(s.created)} safe>{fmtTime(s.created)}</time>
          </span>
        ) : ""}
        {s.updated !== undefined ? (
          <span>
            {"updated "}
            <time datetime={isoTime(s.updated)} safe>{fmtTime(s.updated)}</time>
          </span>
        ) : ""}
        {duration ? <span safe>{`took ${duration}`}</span> : ""}
        {props.expiresAt != null ? (
          <span class="expires">
            {"expires "}
            <time datetime={isoTime(props.expiresAt)} safe>{fmtTime(props.expiresAt)}</time>
          </span>
        ) : ""}
        {s.version ? <span safe>{`OpenCode ${s.version}`}</span> : ""}
        {s.directory ? <span class="path" safe>{s.directory}</span> : ""}
      </div>
      <dl class="stats">
        <Stat name="Messages">
          {escapeHtml(fmtInt(s.messages))}
          <span class="sub" safe>{`${s.userMessages} user · ${s.assistantMessages} assistant`}</span>
        </Stat>
        <Stat name="Tokens">
          {escapeHtml(`${fmtTokens(t.input)} in · ${fmtTokens(t.output)} out`)}
          <span class="sub" safe>{`${fmtTokens(t.reasoning)} reasoning · cache ${fmtTokens(t.cacheRead)} read / ${fmtTokens(t.cacheWrite)} write`}</span>
        </Stat>
        <Stat name="Cost">
          {escapeHtml(fmtCost(s.cost))}
          {s.subsessions ? <span class="sub" safe>{`+ ${fmtCost(s.subCost)} in ${s.subsessions} sub-agent session${s.subsessions === 1 ? "" : "s"}`}</span> : ""}
        </Stat>
        <Stat name="Files changed">
          {s.files.length ? <a href={escapeHtml(props.filesHref)}>{escapeHtml(fmtInt(s.files.length))}</a> : "0"}{" "}
          <span class="add" safe>{`+${fmtInt(s.additions)}`}</span> <span class="del" safe>{`−${fmtInt(s.deletions)}`}</span>
        </Stat>
      </dl>
    </section>
  );
}
