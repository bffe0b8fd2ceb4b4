// Redaction runs on every string of the ShareData before it leaves the
// machine. Each rule targets a shape that is a secret with near certainty;
// the marker stays visible so the page shows that something was removed.

export interface RedactOptions {
  /** Absolute home directory; replaced by `~`. Empty or "/" disables that rule. */
  home?: string;
  /** Remembers long strings between calls for one session (see RedactionMemo). */
  memo?: RedactionMemo;
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
  /**
   * Something every match contains, found far faster than the pattern runs:
   * the slow patterns (assignments, URLs) otherwise cost ~40 ms per MB of
   * text that holds no secret at all.
   */
  hint?: (text: string) => boolean;
}

// Values that are obviously not secrets even when the key says "password".
const PLACEHOLDER =
  /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^>]*>|\{\{.*\}\}|%[A-Za-z_]+%|x{3,}|\*{3,}|\.{3,}|changeme|password|secret|example|your[-_].*|none|null|undefined|true|false|[a-z]+|[0-9]{1,7}|\[REDACTED:[a-z-]+\])$/i;

const SECRET_WORDS = String.raw`SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CREDENTIALS?|CLIENT_?SECRET`;
const SECRET_KEY = String.raw`[A-Za-z0-9_.-]*(?:${SECRET_WORDS})[A-Za-z0-9_.-]*`;
const SECRET_WORD = new RegExp(SECRET_WORDS, "i");
const hasSecretWord = (text: string) => SECRET_WORD.test(text);

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
    hint: (text) => text.includes("PRIVATE KEY"),
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
  // better-share's own creation tokens, e.g. an `echo $BETTER_SHARE_TOKEN` in a shared session.
  { kind: "better-share-token", pattern: /\bbst_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
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
    hint: (text) => text.includes("://"),
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
    hint: hasSecretWord,
  },
  {
    kind: "secret-assignment",
    // JSON / YAML: "apiKey": "value", password: value
    pattern: new RegExp(String.raw`((?:^|[\s{,"'])${SECRET_KEY}["']?)(\s*:\s*)(["']?)([^\s"'\x60,}]{6,})\3`, "gim"),
    replace: keepKey("secret-assignment") as Rule["replace"],
    hint: hasSecretWord,
  },
];

export function redactString(input: string, options: RedactOptions = {}, counts: Record<string, number> = {}): string {
  let out = input;
  for (const rule of RULES) {
    if (rule.hint && !rule.hint(out)) continue;
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
  const memo = options.memo;
  memo?.begin(options.home);
  const text = (s: string): string => {
    if (!memo || s.length < MEMO_MIN_LENGTH) return redactString(s, options, counts);
    let entry = memo.get(s);
    if (!entry) {
      const own: Record<string, number> = {};
      entry = { out: redactString(s, options, own), counts: own };
    }
    memo.keep(s, entry);
    for (const [kind, n] of Object.entries(entry.counts)) counts[kind] = (counts[kind] ?? 0) + n;
    return entry.out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) out[k] = walk(child);
      return out;
    }
    return v;
  };
  try {
    return { value: walk(value) as T, counts };
  } finally {
    memo?.end();
  }
}

/** Shorter strings are cheaper to scan than to remember. */
const MEMO_MIN_LENGTH = 256;

interface MemoEntry {
  out: string;
  counts: Record<string, number>;
}

/**
 * The redacted form of every long string of one session's previous upload. A
 * shared session is re-uploaded whole after each change, yet almost all of it
 * (every earlier tool output) is unchanged: with a memo only new strings are
 * scanned, and a 20 MB session costs a map lookup per string instead of about
 * a second of regular expressions. Strings absent from the latest call are
 * dropped, so it holds at most one upload's worth of long strings.
 */
export class RedactionMemo {
  private previous = new Map<string, MemoEntry>();
  private current = new Map<string, MemoEntry>();
  private home: string | undefined;

  begin(home: string | undefined): void {
    if (home !== this.home) {
      this.previous.clear();
      this.home = home;
    }
    this.current = new Map();
  }

  get(text: string): MemoEntry | undefined {
    return this.current.get(text) ?? this.previous.get(text);
  }

  keep(text: string, entry: MemoEntry): void {
    this.current.set(text, entry);
  }

  end(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  get size(): number {
    return this.previous.size;
  }
}
