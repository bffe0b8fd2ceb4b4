// Environment → typed, validated configuration. Every problem is reported as
// one sentence naming the variable, and the process exits with status 2.
import { resolve } from "node:path";
import { DurationError, parseDuration } from "./core/duration.ts";

/** A share lifetime in seconds; null = never. */
export type Ttl = number | null;

/** The shortest lifetime a share may have: anything shorter is a mistake, not a policy. */
export const MIN_SHARE_TTL_SECONDS = 60;
import { parseCidr, type Cidr } from "./core/cidr.ts";
import { LOG_FORMATS, type LogFormat } from "./log.ts";

export interface S3Config {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  region: string;
  forcePathStyle: boolean;
}

export interface Config {
  baseUrl: string;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  s3: S3Config | null;
  trustProxy: boolean;
  rateLimitSharesPerHour: number;
  rateLimitRequestsPerMinute: number;
  maxShareBytes: number;
  presignTtlSeconds: number;
  /** Lifetime of a new share that asks for none, in seconds; null = never. */
  shareTtlDefault: Ttl;
  /** Longest lifetime a share may have, in seconds; null = unlimited. */
  shareTtlMax: Ttl;
  /** How often each `serve` sweeps expired shares. */
  sweepIntervalSeconds: number;
  /** Whether page views are counted (README, "Views"). */
  countViews: boolean;
  /** Who may create shares: anyone, or holders of a creation token (and CREATE_ALLOW_CIDRS). */
  createAccess: "open" | "token";
  /** Client networks that may create without a token when createAccess is "token". */
  createAllowCidrs: Cidr[];
  /** Refuse creations, syncs and expiry changes with 503; reads keep working. */
  readOnly: boolean;
  logFormat: LogFormat;
  /** GET /metrics (Prometheus) is served. */
  metrics: boolean;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | null;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface EnvVarDoc {
  name: string;
  /** The default as `--help` and the README show it. */
  default: string;
  meaning: string;
  /** The typed value loadConfig falls back to, where a plain value is the default. */
  value?: string | number | boolean;
}

/** A variable whose default is a plain value: shown as that value, and read from here by loadConfig. */
const plain = (name: string, value: string | number | boolean, meaning: string): EnvVarDoc => ({ name, default: String(value), meaning, value });
/** A variable whose default is a behaviour (unset → something), described in words. */
const described = (name: string, when: string, meaning: string): EnvVarDoc => ({ name, default: when, meaning });

/** Every variable the server reads, in the order `--help` and the README list them, with its default. */
export const ENV_VARS: EnvVarDoc[] = [
  described("BASE_URL", "http://localhost:$PORT", "public origin used in share URLs"),
  plain("PORT", 3000, "listen port (--port overrides)"),
  plain("HOST", "0.0.0.0", "listen address (--host overrides)"),
  plain("DATA_DIR", "./data", "where the embedded stores live"),
  described("DATABASE_URL", "unset → SQLite in DATA_DIR", "Postgres connection URL for production"),
  described("S3_ENDPOINT", "unset → disk in DATA_DIR/blobs", "S3-compatible endpoint (R2, AWS, MinIO, Garage)"),
  described("S3_ACCESS_KEY_ID", "", "S3 access key id"),
  described("S3_SECRET_ACCESS_KEY", "", "S3 secret access key"),
  described("S3_BUCKET", "", "bucket holding sessions/{shareId}.json"),
  plain("S3_REGION", "auto", "S3 region"),
  plain("S3_FORCE_PATH_STYLE", false, "path-style bucket URLs (MinIO-style endpoints)"),
  plain("TRUST_PROXY", false, "take the client IP from X-Forwarded-For"),
  plain("RATE_LIMIT_SHARES_PER_HOUR", 10, "share creations per client IP per hour"),
  plain("RATE_LIMIT_REQUESTS_PER_MINUTE", 100, "/api requests per client IP per minute"),
  plain("MAX_SHARE_BYTES", 52_428_800, "largest ShareData accepted (50 MiB)"),
  plain("PRESIGN_TTL_SECONDS", 3600, "lifetime of an upload URL"),
  plain("SHARE_TTL_DEFAULT", "never", "lifetime of a share that asks for none (90s, 12h, 30d, never)"),
  plain("SHARE_TTL_MAX", "never", "longest lifetime a share may have; longer requests are shortened to it"),
  plain("SWEEP_INTERVAL_SECONDS", 300, "how often each server deletes expired shares (1-600)"),
  plain("COUNT_VIEWS", true, "count page views (false: keep no view counts)"),
  plain("CREATE_ACCESS", "open", "who may create shares: open (anyone) or token (Authorization: Bearer bst_…; see better-share tokens)"),
  described("CREATE_ALLOW_CIDRS", "", "with CREATE_ACCESS=token: comma-separated IPv4/IPv6 CIDRs that may create without a token (client IP per TRUST_PROXY)"),
  plain("READ_ONLY", false, "answer creations, syncs and expiry changes with 503 READ_ONLY; pages and reads keep working"),
  plain("LOG_FORMAT", "text", "text, or json: one object per line (time, level, method, route, status, ms, share)"),
  plain("METRICS", false, "true serves Prometheus metrics at GET /metrics"),
  described("METRICS_TOKEN", "", "when set, /metrics needs Authorization: Bearer <token>"),
];

const DEFAULTS = new Map(ENV_VARS.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));

function defaultOf<T extends string | number | boolean>(name: string, type: "string" | "number" | "boolean"): T {
  const value = DEFAULTS.get(name);
  if (typeof value !== type) throw new Error(`${name} has no ${type} default in ENV_VARS`);
  return value as T;
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function int(env: Env, name: string, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return defaultOf<number>(name, "number");
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}".`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${raw}.`);
  return n;
}

function bool(env: Env, name: string): boolean {
  const raw = read(env, name);
  if (raw === undefined) return defaultOf<boolean>(name, "boolean");
  const v = raw.toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}".`);
}

function httpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}".`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}".`);
  return url;
}

function ttl(env: Env, name: string): Ttl {
  const raw = read(env, name) ?? defaultOf<string>(name, "string");
  let seconds: Ttl;
  try {
    seconds = parseDuration(raw, name, { allowNever: true });
  } catch (e) {
    if (e instanceof DurationError) throw new ConfigError(e.message);
    throw e;
  }
  if (seconds !== null && seconds < MIN_SHARE_TTL_SECONDS) throw new ConfigError(`${name} must be at least 60s (or never); got "${raw}".`);
  return seconds;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[]): T {
  const raw = read(env, name) ?? String(DEFAULTS.get(name));
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be ${allowed.join(" or ")}, got "${raw}".`);
  return raw as T;
}

export interface Overrides {
  port?: string;
  host?: string;
}

export function loadConfig(env: Env = process.env, overrides: Overrides = {}): Config {
  const portRaw = overrides.port ?? read(env, "PORT");
  const portName = overrides.port !== undefined ? "--port" : "PORT";
  let port = defaultOf<number>("PORT", "number");
  if (portRaw !== undefined) {
    if (!/^\d+$/.test(portRaw) || Number(portRaw) > 65535)
      throw new ConfigError(`${portName} must be a port number between 0 and 65535, got "${portRaw}".`);
    port = Number(portRaw);
  }
  const host = overrides.host ?? read(env, "HOST") ?? defaultOf<string>("HOST", "string");

  const baseRaw = read(env, "BASE_URL");
  let baseUrl: string;
  if (baseRaw !== undefined) {
    const url = httpUrl("BASE_URL", baseRaw);
    if (url.search || url.hash) throw new ConfigError(`BASE_URL must be an origin without query or fragment, got "${baseRaw}".`);
    baseUrl = url.toString().replace(/\/+$/, "");
  } else {
    baseUrl = `http://localhost:${port}`;
  }

  const databaseUrl = read(env, "DATABASE_URL") ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql:// (unset it to use the embedded SQLite store).`);

  const s3Names = ["S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_BUCKET"] as const;
  const s3Set = s3Names.filter((n) => read(env, n) !== undefined);
  let s3: S3Config | null = null;
  if (s3Set.length > 0) {
    const missing = s3Names.filter((n) => read(env, n) === undefined);
    if (missing.length > 0)
      throw new ConfigError(
        `${missing.join(", ")} must be set too: S3 needs all of ${s3Names.join(", ")} (unset them all to use the disk blob store).`,
      );
    const endpoint = httpUrl("S3_ENDPOINT", read(env, "S3_ENDPOINT")!).toString().replace(/\/+$/, "");
    const bucket = read(env, "S3_BUCKET")!;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
      throw new ConfigError(`S3_BUCKET must be a valid bucket name (3-63 lowercase letters, digits, dots, hyphens), got "${bucket}".`);
    s3 = {
      endpoint,
      accessKeyId: read(env, "S3_ACCESS_KEY_ID")!,
      secretAccessKey: read(env, "S3_SECRET_ACCESS_KEY")!,
      bucket,
      region: read(env, "S3_REGION") ?? defaultOf<string>("S3_REGION", "string"),
      forcePathStyle: bool(env, "S3_FORCE_PATH_STYLE"),
    };
  } else {
    // Validate the flag even when unused so a typo is not silently ignored.
    bool(env, "S3_FORCE_PATH_STYLE");
  }

  const shareTtlMax = ttl(env, "SHARE_TTL_MAX");
  let shareTtlDefault = ttl(env, "SHARE_TTL_DEFAULT");
  if (shareTtlMax !== null && (shareTtlDefault === null || shareTtlDefault > shareTtlMax)) {
    // An unset default under a max means "as long as allowed"; an explicit longer one is a contradiction.
    if (read(env, "SHARE_TTL_DEFAULT") !== undefined)
      throw new ConfigError(`SHARE_TTL_DEFAULT (${read(env, "SHARE_TTL_DEFAULT")}) is longer than SHARE_TTL_MAX (${read(env, "SHARE_TTL_MAX")}); shorten it or raise the max.`);
    shareTtlDefault = shareTtlMax;
  }
  const accessRaw = (read(env, "CREATE_ACCESS") ?? defaultOf<string>("CREATE_ACCESS", "string")).toLowerCase();
  if (accessRaw !== "open" && accessRaw !== "token")
    throw new ConfigError(`CREATE_ACCESS must be "open" or "token", got "${read(env, "CREATE_ACCESS")}".`);
  const createAccess = accessRaw;
  const createAllowCidrs: Cidr[] = [];
  for (const item of (read(env, "CREATE_ALLOW_CIDRS") ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const c = parseCidr(item);
    if (typeof c === "string") throw new ConfigError(`CREATE_ALLOW_CIDRS: ${c} (expected comma-separated CIDRs like 10.0.0.0/8, fd00::/8).`);
    createAllowCidrs.push(c);
  }
  if (createAllowCidrs.length > 0 && createAccess !== "token")
    throw new ConfigError(
      "CREATE_ALLOW_CIDRS only applies with CREATE_ACCESS=token (with open access anyone may create); set CREATE_ACCESS=token or unset CREATE_ALLOW_CIDRS.",
    );

  return {
    baseUrl,
    port,
    host,
    dataDir: resolve(read(env, "DATA_DIR") ?? defaultOf<string>("DATA_DIR", "string")),
    databaseUrl,
    s3,
    trustProxy: bool(env, "TRUST_PROXY"),
    rateLimitSharesPerHour: int(env, "RATE_LIMIT_SHARES_PER_HOUR", 1, 1_000_000_000),
    rateLimitRequestsPerMinute: int(env, "RATE_LIMIT_REQUESTS_PER_MINUTE", 1, 1_000_000_000),
    maxShareBytes: int(env, "MAX_SHARE_BYTES", 1024, 4 * 1024 ** 3),
    presignTtlSeconds: int(env, "PRESIGN_TTL_SECONDS", 60, 7 * 24 * 3600),
    shareTtlDefault,
    shareTtlMax,
    createAccess,
    createAllowCidrs,
    readOnly: bool(env, "READ_ONLY"),
    logFormat: oneOf(env, "LOG_FORMAT", LOG_FORMATS),
    metrics: oneOf(env, "METRICS", ["true", "false"] as const) === "true",
    metricsToken: read(env, "METRICS_TOKEN") ?? null,
    sweepIntervalSeconds: int(env, "SWEEP_INTERVAL_SECONDS", 1, 600),
    countViews: bool(env, "COUNT_VIEWS"),
  };
}

/** A description of the stores in use, safe to log: no credentials. */
export function describeStores(config: Config): { share: string; blob: string } {
  let share = `sqlite (${config.dataDir}/better-share.sqlite)`;
  if (config.databaseUrl) {
    try {
      const u = new URL(config.databaseUrl);
      share = `postgres (${u.hostname}${u.port ? ":" + u.port : ""}${u.pathname})`;
    } catch {
      share = "postgres";
    }
  }
  const blob = config.s3 ? `s3 (${config.s3.endpoint}, bucket ${config.s3.bucket})` : `disk (${config.dataDir}/blobs)`;
  return { share, blob };
}
