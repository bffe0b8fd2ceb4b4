import { escapeHtml } from "@kitajs/html";
import { obj, relPath, str, type Obj } from "../lib/format.ts";
import type { RenderCtx } from "../context.ts";

/** Raster images only: an SVG is a document and has no business inline here. */
const INLINE_IMAGE = /^data:image\/(png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/=\s]+$/;
const INLINE_MAX = 4 * 1024 * 1024;

export function FilePart(part: Obj, ctx: RenderCtx): JSX.Element {
  const mime = str(part.mime);
  const url = str(part.url);
  const source = obj(part.source);
  const path = str(source.path);
  const name = str(part.filename) || (path ? relPath(path, ctx.root) : "") || "attachment";
  const isImage = url.length <= INLINE_MAX && INLINE_IMAGE.test(url.slice(0, 64)) && INLINE_IMAGE.test(url);
  const link = /^https?:\/\//i.test(url) ? url : "";
  const snippet = str(obj(source.text).value);
  return (
    <figure class="file">
      {isImage ? <img src={escapeHtml(url)} alt={escapeHtml(name)} loading="lazy" decoding="async" /> : ""}
      <figcaption>
        <span class="file-icon" aria-hidden="true">📎</span>{" "}
        {link ? (
          <a href={escapeHtml(link)} rel="nofollow noopener noreferrer" target="_blank" safe>{name}</a>
        ) : (
          <span class="path" safe>{name}</span>
        )}
        {mime ? <span class="muted" safe>{` ${mime}`}</span> : ""}
        {path && path !== name ? <span class="muted path" safe>{` ${path}`}</span> : ""}
      </figcaption>
      {str(part.description) ? <p class="muted small" safe>{str(part.description).slice(0, 2000)}</p> : ""}
      {snippet ? <pre class="file-snippet" safe>{snippet.slice(0, 2000)}</pre> : ""}
    </figure>
  );
}
