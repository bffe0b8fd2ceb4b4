import { escapeHtml, type Children } from "@kitajs/html";
import { assetUrl, pageStyle } from "./lib/assets.ts";
import { HTML_OPEN, THEMES } from "./lib/theme.ts";

export { THEMES };

export interface Meta {
  title: string;
  description: string;
  /** Absolute canonical URL, for link previews. */
  url?: string;
  robots: string;
}

/**
 * `<head>` plus the top bar; `children` is the page body. Scripts are external
 * only (CSP). The page starts with HTML_OPEN: the reader's theme is added
 * there after rendering (lib/theme.ts), so one render serves every theme.
 */
export function Layout(props: { meta: Meta; topLinks?: Children; liveStatus?: boolean; children: Children }): JSX.Element {
  const { meta } = props;
  const safeTitle = escapeHtml(meta.title);
  const description = escapeHtml(meta.description);
  const url = meta.url ? escapeHtml(meta.url) : undefined;
  // our own stylesheet, allowed by its hash in the page CSP; nothing else is ever inlined
  const safeStyle = `<style>${pageStyle()}</style>`;
  return (
    <>
      {HTML_OPEN}
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="robots" content={escapeHtml(meta.robots)} />
          <meta name="referrer" content="no-referrer" />
          <title>{safeTitle}</title>
          <meta name="description" content={description} />
          <meta property="og:type" content="article" />
          <meta property="og:site_name" content="better-share" />
          <meta property="og:title" content={safeTitle} />
          <meta property="og:description" content={description} />
          {url ? <meta property="og:url" content={url} /> : ""}
          {url ? <link rel="canonical" href={url} /> : ""}
          <meta name="twitter:card" content="summary" />
          <meta name="twitter:title" content={safeTitle} />
          <meta name="twitter:description" content={description} />
          <link rel="icon" type="image/svg+xml" href={assetUrl("favicon.svg")} />
          {safeStyle}
          <script src={assetUrl("app.js")} defer></script>
        </head>
        <body>
          <a class="skip" href="#main">Skip to content</a>
          <nav class="topbar" aria-label="Site">
            <a class="brand" href="/">
              better<span>-share</span>
            </a>
            {props.liveStatus ? <span id="live-status" class="js-only" role="status" aria-live="polite" hidden></span> : ""}
            {props.topLinks ?? ""}
            <label class="js-only">
              <span class="visually-hidden">Theme</span>
              <select id="theme-picker" aria-label="Theme">
                {THEMES.map(([value, label]) => <option value={value} safe>{label}</option>)}
              </select>
            </label>
          </nav>
          <main id="main" class="wrap">{props.children}</main>
        </body>
      {"</html>"}
    </>
  );
}
