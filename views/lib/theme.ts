// The reader's theme: chosen with the picker (static/app.js), kept in a
// cookie, and written into <html data-theme> by the server, so the page
// paints in it at once — no script in <head>, and the same with JavaScript off.
// Bun.escapeHTML, not @kitajs/html's escapeHtml (the same output): the page
// fast path uses this module, and the views with @kitajs/html load only with
// the first render (src/routes/pages.tsx).

export const THEME_COOKIE = "better-share-theme";

export const THEMES: Array<[value: string, label: string]> = [
  ["system", "System"],
  ["light", "Light"],
  ["dark", "Dark"],
  ["opencode", "OpenCode"],
  ["tokyonight", "Tokyo Night"],
  ["catppuccin", "Catppuccin"],
  ["gruvbox", "Gruvbox"],
  ["nord", "Nord"],
  ["dracula", "Dracula"],
  ["one-dark", "One Dark"],
  ["everforest", "Everforest"],
  ["ayu", "Ayu"],
  ["kanagawa", "Kanagawa"],
  ["solarized", "Solarized Light"],
];

/** Themes a page can be rendered in; "system" is the page as rendered (the OS preference decides). */
const NAMED = new Set(THEMES.map(([value]) => value).filter((v) => v !== "system"));

/** The theme named by the request's cookie, or null for none, "system" or anything unknown. */
export function themeOf(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  const name = `${THEME_COOKIE}=`;
  // The name must start the header or follow "; ": in "my-better-share-theme=…" it is another cookie's.
  for (let at = cookieHeader.indexOf(name); at >= 0; at = cookieHeader.indexOf(name, at + 1)) {
    if (at > 0 && cookieHeader[at - 1] !== " " && cookieHeader[at - 1] !== ";") continue;
    const start = at + name.length;
    const end = cookieHeader.indexOf(";", start);
    const value = cookieHeader.slice(start, end < 0 ? undefined : end).trim();
    return NAMED.has(value) ? value : null;
  }
  return null;
}

/** Every page starts with this (views/layout.tsx); a themed page adds its attribute here. */
export const HTML_OPEN = `<!doctype html><html lang="en">`;

/**
 * A rendered page in a theme: the same bytes with `data-theme` on <html> and,
 * when the page carries its own ETag (the live view polls with it), that one
 * swapped for the themed page's. Cheaper than rendering the page again, and
 * only our own markup before any user text is touched.
 */
export function withTheme(html: string, theme: string, etags?: { from: string; to: string }): string {
  if (!html.startsWith(HTML_OPEN) || !NAMED.has(theme)) return html;
  let out = `<!doctype html><html lang="en" data-theme="${theme}">` + html.slice(HTML_OPEN.length);
  if (etags) out = out.replace(etagAttr(etags.from), etagAttr(etags.to));
  return out;
}

/** How views/share-page.tsx writes the page's ETag for the live view. */
export function etagAttr(etag: string): string {
  return `id="live" data-etag="${Bun.escapeHTML(etag)}"`;
}
