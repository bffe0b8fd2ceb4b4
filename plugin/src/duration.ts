// Lifetimes as people type them after /share or in the expiresIn option.

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `/share 7d` → seconds; `null` for "never" or nothing (no expiry); undefined when it is not a duration the server accepts (>= 60 s). */
export function parseDuration(text: string): number | null | undefined {
  const t = text.trim().toLowerCase();
  if (t === "" || t === "never") return null;
  const m = /^(\d{1,9})\s*([smhdw]?)$/.exec(t);
  if (!m) return undefined;
  const seconds = Number(m[1]) * UNITS[m[2] || "s"]!;
  return seconds >= 60 ? seconds : undefined;
}

