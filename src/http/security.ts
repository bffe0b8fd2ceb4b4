// Security headers on every response. Pages set their own, stricter-for-them
// CSP; everything else (JSON, errors) gets one that allows nothing at all.
const DEFAULTS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

export function applySecurityHeaders(res: Response): void {
  try {
    for (const [k, v] of Object.entries(DEFAULTS)) if (!res.headers.has(k)) res.headers.set(k, v);
  } catch {
    // Responses passed through from fetch() have immutable headers; they are never ours to decorate.
  }
}
