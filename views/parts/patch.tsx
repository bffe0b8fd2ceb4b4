import { arr, relPath, str, type Obj } from "../lib/format.ts";
import type { RenderCtx } from "../context.ts";

/** A snapshot patch: which files this step changed on disk. */
export function PatchPart(part: Obj, ctx: RenderCtx): JSX.Element {
  const files = arr(part.files).map(str).filter(Boolean);
  const hash = str(part.hash);
  return (
    <div class="patch">
      <span class="muted" safe>{`Changed ${files.length} file${files.length === 1 ? "" : "s"}${hash ? ` (snapshot ${hash.slice(0, 8)})` : ""}`}</span>
      {files.length ? (
        <ul class="file-list">
          {files.slice(0, 500).map((f) => <li class="path" safe>{relPath(f, ctx.root)}</li>)}
          {files.length > 500 ? <li class="muted" safe>{`… ${files.length - 500} more`}</li> : ""}
        </ul>
      ) : ""}
    </div>
  );
}
