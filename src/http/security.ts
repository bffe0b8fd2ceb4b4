// Security headers on every response, set here and nowhere else. HTML pages
// get a CSP that lets them load their own scripts, styles and images;
// everything else (JSON, errors, assets, exports) one that allows nothing.
import { pageStyleHash } from "../../views/lib/assets.ts";

const COMMON: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

let pageCspText: string | null = null;
/** The one inline stylesheet every page carries is allowed by its hash; no other inline style or script runs. */
export function pageCsp(): string {
  return (pageCspText ??=
    `default-src 'none'; script-src 'self'; style-src 'self' ${pageStyleHash()}; img-src 'self' data:; connect-src 'self'; ` +
    "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
}

/** Every security header for an answer of this Content-Type: for answers built once and served many times. */
export function securityHeaders(contentType: string | null): Record<string, string> {
  return { "Content-Security-Policy": contentType?.startsWith("text/html") ? pageCsp() : API_CSP, ...COMMON };
}

export function applySecurityHeaders(res: Response): void {
  try {
    if (!res.headers.has("Content-Security-Policy"))
      res.headers.set("Content-Security-Policy", res.headers.get("Content-Type")?.startsWith("text/html") ? pageCsp() : API_CSP);
    for (const [k, v] of Object.entries(COMMON)) if (!res.headers.has(k)) res.headers.set(k, v);
  } catch {
    // Responses passed through from fetch() have immutable headers; they are never ours to decorate.
  }
}
