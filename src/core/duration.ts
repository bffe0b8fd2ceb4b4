// Durations as operators write them: "90s", "15m", "12h", "30d", "4w", or
// "never". One spelling, so "7 days", "-1d", "0" and "1e9d" are refused with a
// sentence instead of being guessed at.

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** The longest duration accepted anywhere: 100 years. */
export const MAX_DURATION_SECONDS = 100 * 365 * 86_400;

export class DurationError extends Error {
  override name = "DurationError";
}

/**
 * Parses a duration into seconds; `null` means "never" when `allowNever`.
 * Throws DurationError with a sentence that names `what`.
 */
export function parseDuration(raw: string, what: string, opts: { allowNever?: boolean } = {}): number | null {
  const v = raw.trim();
  if (opts.allowNever && v.toLowerCase() === "never") return null;
  const m = /^(\d{1,12})([smhdw])$/.exec(v);
  const hint = `a whole number and a unit s, m, h, d or w, like 90s, 12h, 30d${opts.allowNever ? ", or never" : ""}`;
  if (!m) throw new DurationError(`${what} must be ${hint}; got "${raw.slice(0, 40)}".`);
  const seconds = Number(m[1]) * UNITS[m[2]!]!;
  if (seconds <= 0) throw new DurationError(`${what} must be longer than zero; got "${v}".`);
  if (seconds > MAX_DURATION_SECONDS) throw new DurationError(`${what} must be at most 100 years; got "${v}".`);
  return seconds;
}

/** "30d", "12h", "90s": the largest unit that divides the duration exactly. */
export function formatDuration(seconds: number): string {
  for (const u of ["w", "d", "h", "m"] as const) if (seconds % UNITS[u]! === 0) return `${seconds / UNITS[u]!}${u}`;
  return `${seconds}s`;
}
