// Redaction runs on every string of the ShareData before it leaves the
// machine. Each rule targets a shape that is a secret with near certainty;
// the marker stays visible so the page shows that something was removed.

export interface RedactOptions {
  /** Absolute home directory; replaced by `~`. Empty or "/" disables that rule. */
  home?: string;
}

export interface RedactResult<T> {
  value: T;
  /** Count per kind, for the log line (never the secrets themselves). */
  counts: Record<string, number>;
}

export const marker = (kind: string) => `[REDACTED:${kind}]`;

interface Rule {
  kind: string;
  pattern: RegExp;
  /** Groups kept around the secret, e.g. the `KEY=` of an assignment. */
  replace?: (match: string, ...groups: string[]) => string;
}

// Values that are obviously not secrets even when the key says "password".
const PLACEHOLDER =
  /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^>]*>|\{\{.*\}\}|%[A-Za-z_]+%|x{3,}|\*{3,}|\.{3,}|changeme|password|secret|example|your[-_].*|none|null|undefined|true|false|[a-z]+|[0-9]{1,7}|\[REDACTED:[a-z-]+\])$/i;

const SECRET_KEY = String.raw`[A-Za-z0-9_.-]*(?:SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CREDENTIALS?|CLIENT_?SECRET)[A-Za-z0-9_.-]*`;

// An assignment's value is only taken for a secret when it looks like one:
// `token = getToken()`, `password: userPassword` and `KEY=${KEY}` are code.
function looksSecret(value: string): boolean {
  if (PLACEHOLDER.test(value)) return false;
  if (/[()]/.test(value)) return false;
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) return false;
  return /[0-9]/.test(value) || /[^A-Za-z0-9]/.test(value) || value.length >= 16;
}

function keepKey(kind: string) {
  return (match: string, key: string, sep: string, quote: string, value: string) =>
    looksSecret(value) ? `${key}${sep}${quote}${marker(kind)}${quote}` : match;
}

const RULES: Rule[] = [
  {
    kind: "private-key",
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { kind: "aws-key", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g },
  { kind: "github-token", pattern: /\bgithub_pat_[A-Za-z0-9_]{60,255}\b/g },
  { kind: "github-token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
  { kind: "gitlab-token", pattern: /\bgl(?:pat|dt|ptt|rt)-[A-Za-z0-9_-]{20,}\b/g },
  { kind: "anthropic-key", pattern: /\bsk-ant-[a-z]+\d{2}-[A-Za-z0-9_-]{80,}/g },
  { kind: "openai-key", pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}/g },
  { kind: "openai-key", pattern: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}/g },
  { kind: "api-key", pattern: /\bsk-[A-Za-z0-9]{32,}\b/g },
  { kind: "stripe-key", pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { kind: "slack-token", pattern: /\bxox[abposr]-(?:[0-9]+-)+[A-Za-z0-9-]{10,}\b/g },
  { kind: "slack-webhook", pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g },
  { kind: "google-api-key", pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { kind: "google-oauth-secret", pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g },
  { kind: "npm-token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: "pypi-token", pattern: /\bpypi-AgE[A-Za-z0-9_-]{50,}/g },
  { kind: "huggingface-token", pattern: /\bhf_[A-Za-z0-9]{34,}\b/g },
  { kind: "sendgrid-key", pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g },
  { kind: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  {
    kind: "url-password",
    // user:password@ in any scheme://; the user name stays readable.
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'`[\]]+:)([^\s@/"'`[\]]{3,})(@)/gi,
    replace: (match, head, pass, at) =>
      /^(?:\$\{?\w+\}?|<[^>]*>|\*+|x+)$/i.test(pass) ? match : `${head}${marker("url-password")}${at}`,
  },
  {
    kind: "auth-header",
    pattern: /\b((?:authorization|proxy-authorization)["']?\s*[:=]\s*["']?(?:bearer|basic|token|bot)\s+)([A-Za-z0-9._~+/=-]{12,})/gi,
    replace: (_match, head) => `${head}${marker("auth-header")}`,
  },
  {
    kind: "secret-assignment",
    // .env / shell: KEY=value, export KEY="value"
    pattern: new RegExp(String.raw`(\b${SECRET_KEY})(\s*=\s*)(["']?)([^\s"'\x60;]{6,})\3`, "gi"),
    replace: keepKey("secret-assignment") as Rule["replace"],
  },
  {
    kind: "secret-assignment",
    // JSON / YAML: "apiKey": "value", password: value
    pattern: new RegExp(String.raw`((?:^|[\s{,"'])${SECRET_KEY}["']?)(\s*:\s*)(["']?)([^\s"'\x60,}]{6,})\3`, "gim"),
    replace: keepKey("secret-assignment") as Rule["replace"],
  },
];

export function redactString(input: string, options: RedactOptions = {}, counts: Record<string, number> = {}): string {
  let out = input;
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    if (!rule.pattern.test(out)) continue;
    rule.pattern.lastIndex = 0;
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args.slice(1, -2) as string[];
      const replaced = rule.replace ? rule.replace(match, ...groups) : marker(rule.kind);
      if (replaced !== match) counts[rule.kind] = (counts[rule.kind] ?? 0) + 1;
      return replaced;
    });
  }
  const home = homePattern(options.home);
  if (home) {
    home.lastIndex = 0;
    out = out.replace(home, () => {
      counts.home = (counts.home ?? 0) + 1;
      return "~";
    });
  }
  return out;
}

const homePatterns = new Map<string, RegExp | undefined>();
function homePattern(home: string | undefined): RegExp | undefined {
  if (!home) return undefined;
  if (!homePatterns.has(home)) {
    const trimmed = home.replace(/[\\/]+$/, "");
    // "/" or "C:" alone would turn every path into "~".
    const usable = trimmed.length > 2 && /[\\/]/.test(trimmed);
    homePatterns.set(
      home,
      usable
        ? new RegExp(`${escapeRegExp(trimmed)}(?![A-Za-z0-9_.-])`, "g")
        : undefined,
    );
  }
  return homePatterns.get(home);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Deep copy of a JSON value with every string redacted; object keys are left alone. */
export function redact<T>(value: T, options: RedactOptions = {}): RedactResult<T> {
  const counts: Record<string, number> = {};
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactString(v, options, counts);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) out[k] = walk(child);
      return out;
    }
    return v;
  };
  return { value: walk(value) as T, counts };
}
