// step-start and step-finish bracket one model call; they carry the call's
// token use and cost, which the message header also sums up.
import { fmtCost, num, str, type Obj } from "../lib/format.ts";
import { tokenSummary } from "../lib/shapes.ts";

export function StepStartPart(part: Obj): JSX.Element {
  const snap = str(part.snapshot);
  return (
    <div class="step">
      <span>Step</span>
      {snap ? <code class="muted" title="snapshot" safe>{snap.slice(0, 8)}</code> : ""}
    </div>
  );
}

export function StepFinishPart(part: Obj): JSX.Element {
  const reason = str(part.reason);
  return (
    <div class="step step-finish">
      <span safe>{`Step finished${reason ? ` (${reason})` : ""}`}</span>
      <span class="muted" safe>{`${tokenSummary(part.tokens)} · ${fmtCost(num(part.cost))}`}</span>
    </div>
  );
}

export function SnapshotPart(part: Obj): JSX.Element {
  return (
    <div class="step">
      <span>Snapshot</span> <code class="muted" safe>{str(part.snapshot).slice(0, 40)}</code>
    </div>
  );
}
