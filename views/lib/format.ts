// Share data arrives from clients we do not control: every accessor here
// tolerates any shape and never throws, so one odd field cannot blank a page.

export type Obj = Record<string, unknown>;

export function obj(value: unknown): Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return "";
}

export function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** A finite number, or undefined when absent or nonsense. */
export function optNum(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Thousands separators without Intl, which costs microseconds per call on pages with thousands of numbers. */
export function fmtInt(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  let out = "";
  for (let i = s.length; i > 0; i -= 3) out = s.slice(Math.max(0, i - 3), i) + (out ? "," + out : "");
  return n < 0 ? "-" + out : out;
}

export function fmtTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(Math.round(n));
}

export function fmtCost(n: number): string {
  if (n === 0) return "$0";
  if (n < 0.01) return `$${n.toFixed(4)}`;
  return `$${n.toFixed(2)}`;
}

/** Valid epoch milliseconds between 2000 and 2200, else undefined. */
export function epoch(value: unknown): number | undefined {
  const n = optNum(value);
  return n !== undefined && n > 946684800000 && n < 7258118400000 ? n : undefined;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Server-side time text in UTC; the client script rewrites it in the reader's zone. */
export function fmtTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function fmtDuration(ms: number): string {
  if (!(ms >= 0)) return "";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${m % 60}m`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const ANCHOR_SAFE = /^[0-9A-Za-z_-]{1,80}$/;

/** An id usable in `id=` and `#fragment` without escaping, or the fallback. */
export function anchorId(raw: unknown, fallback: string): string {
  return typeof raw === "string" && ANCHOR_SAFE.test(raw) ? raw : fallback;
}

/** Last path segment, for compact titles; the full path stays visible nearby. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i >= 0 && i < path.length - 1 ? path.slice(i + 1) : path;
}

/** Path relative to the session directory when it lies inside it. */
export function relPath(path: string, root: string): string {
  if (root && path.startsWith(root + "/")) return path.slice(root.length + 1);
  return path;
}

/** JSON for display; cycles and absurd depth cannot happen in parsed JSON but the size can. */
export function prettyJson(value: unknown, max = 200_000): string {
  let out: string;
  try {
    out = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    out = String(value);
  }
  return out.length > max ? out.slice(0, max) + `\n… ${fmtInt(out.length - max)} more characters` : out;
}

export function countLines(text: string): number {
  let n = 1;
  let i = -1;
  while ((i = text.indexOf("\n", i + 1)) !== -1) n++;
  return n;
}
