// Static assets embedded at build time (text imports survive
// `bun build --compile`), named by content hash so they can be cached forever.
import appCss from "../../static/app.css" with { type: "text" };
import appJs from "../../static/app.js" with { type: "text" };
import favicon from "../../static/favicon.svg" with { type: "text" };

export interface Asset {
  /** Hashed public path, e.g. /static/app.3f9a1c2b7d.css */
  url: string;
  body: Uint8Array<ArrayBuffer>;
  type: string;
}

const SOURCES: Array<[name: string, text: string, type: string]> = [
  ["app.css", appCss as unknown as string, "text/css; charset=utf-8"],
  ["app.js", appJs as unknown as string, "text/javascript; charset=utf-8"],
  ["favicon.svg", favicon as unknown as string, "image/svg+xml"],
];

function shortHash(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex").slice(0, 12);
}

interface Assets {
  byName: Map<string, Asset>;
  byUrl: Map<string, Asset>;
  version: string;
  style: string;
  styleHash: string;
}

let assets: Assets | null = null;
/** Hashed on first use, not at start: the server answers its first request sooner. */
function load(): Assets {
  if (assets) return assets;
  const byName = new Map<string, Asset>();
  const byUrl = new Map<string, Asset>();
  for (const [name, text, type] of SOURCES) {
    const dot = name.lastIndexOf(".");
    const url = `/static/${name.slice(0, dot)}.${shortHash(text)}${name.slice(dot)}`;
    const asset = { url, body: new TextEncoder().encode(text), type };
    byName.set(name, asset);
    byUrl.set(url, asset);
  }
  // Comments and the space around braces, semicolons and ">" are left out (no
  // string in the sheet holds "/*", a brace, a semicolon, ">" or a newline).
  const style = (appCss as unknown as string)
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\s*([{};>])\s*/g, "$1")
    .replace(/\s*\n\s*/g, "\n")
    .trim();
  const styleHash = `'sha256-${new Bun.CryptoHasher("sha256").update(style).digest("base64")}'`;
  const version = shortHash([...byName.values()].map((a) => a.url).join("\n"));
  return (assets = { byName, byUrl, version, style, styleHash });
}

/** Changes whenever any asset changes; part of every page ETag so a deploy invalidates cached pages. */
export function assetsVersion(): string {
  return load().version;
}

/**
 * The stylesheet, inlined in every page's <head>: a linked one is a request
 * that holds up the first paint, and the whole sheet is a few KB gzipped.
 * The page CSP allows exactly this text by its hash (http/security.ts).
 */
export function pageStyle(): string {
  return load().style;
}

/** The CSP source for pageStyle(): `'sha256-<base64 of the UTF-8 text>'`. */
export function pageStyleHash(): string {
  return load().styleHash;
}

export function assetUrl(name: "app.css" | "app.js" | "favicon.svg"): string {
  return load().byName.get(name)!.url;
}

export function assetByPath(path: string): Asset | undefined {
  return load().byUrl.get(path);
}
