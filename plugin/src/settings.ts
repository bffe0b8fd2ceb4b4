// Plugin options and environment, validated once at start-up. A bad base URL
// turns sharing off with one clear reason instead of failing OpenCode.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { parseDuration } from "./duration.js";

export type Mode = "auto" | "native" | "commands";

export interface BetterShareOptions {
  /** Origin of the better-share server, e.g. https://share.example.com. Overrides BETTER_SHARE_BASE_URL. */
  baseUrl?: string;
  /** Redact well-known secret shapes and the home directory before upload (default true). */
  redact?: boolean;
  /** auto: OpenCode's built-in /share where it exists, own commands elsewhere. */
  mode?: Mode;
  /** Creation token (bst_…) for a server with CREATE_ACCESS=token. Overrides BETTER_SHARE_TOKEN. Sent only when creating a share. */
  token?: string;
  /** Lifetime of a new share when `/share` names none: "7d", "12h", or seconds (at least 60). The server may shorten it. */
  expiresIn?: string | number;
}

export interface Settings {
  baseUrl?: string;
  disabledReason?: string;
  redact: boolean;
  mode: Mode;
  /** Creation token, trimmed; absent when none is configured. */
  token?: string;
  /** Default lifetime of a new share, in seconds; absent = the server's default. */
  expiresIn?: number;
  problems: string[];
}

/**
 * Set by a better-share server when it serves this plugin as one file
 * (`GET /plugin.js`, installed by `GET /install`): the server's own origin,
 * used when neither the option nor BETTER_SHARE_BASE_URL names one. In any
 * other build it stays the placeholder and means nothing.
 */
export const served = { baseUrl: "__BETTER_SHARE_SERVED_BASE_URL__" };

function servedBaseUrl(): string | undefined {
  return served.baseUrl.startsWith("__") ? undefined : served.baseUrl;
}

/** Where the install script keeps the creation token (mode 0600): <config>/opencode/better-share/token. */
export function defaultTokenPath(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const configHome = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".config");
  return join(configHome, "opencode", "better-share", "token");
}

/** The token file's content, or undefined when there is none (or it cannot be read). */
export function readTokenFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

export function resolveSettings(
  options: Record<string, unknown> | undefined,
  env: Record<string, string | undefined>,
  /** Content of the token file, the last place a creation token is looked for. */
  fileToken?: string,
): Settings {
  const opts = options ?? {};
  const problems: string[] = [];

  let redact = true;
  if (opts.redact !== undefined) {
    if (typeof opts.redact === "boolean") redact = opts.redact;
    else problems.push(`option "redact" must be true or false; keeping redaction on`);
  }

  let mode: Mode = "auto";
  const rawMode = opts.mode ?? env.BETTER_SHARE_MODE;
  if (rawMode !== undefined && rawMode !== "") {
    if (rawMode === "auto" || rawMode === "native" || rawMode === "commands") mode = rawMode;
    else problems.push(`option "mode" must be "auto", "native" or "commands"; using "auto"`);
  }

  const token = resolveToken(opts.token, env.BETTER_SHARE_TOKEN, fileToken, problems);
  const expiresIn = resolveExpiresIn(opts.expiresIn, problems);

  const fromOption = typeof opts.baseUrl === "string" && opts.baseUrl.trim() !== "";
  const fromEnv = !fromOption && env.BETTER_SHARE_BASE_URL !== undefined && env.BETTER_SHARE_BASE_URL.trim() !== "";
  const raw = fromOption ? (opts.baseUrl as string) : fromEnv ? env.BETTER_SHARE_BASE_URL : servedBaseUrl();
  const source = fromOption ? `option "baseUrl"` : fromEnv ? "BETTER_SHARE_BASE_URL" : "the server this plugin was installed from";
  if (raw === undefined || raw.trim() === "") {
    return { redact, mode, token, expiresIn, problems, disabledReason: "no server configured: set BETTER_SHARE_BASE_URL or the plugin option baseUrl" };
  }
  const baseUrl = normalizeBaseUrl(raw.trim());
  if (!baseUrl) {
    return { redact, mode, token, expiresIn, problems, disabledReason: `${source} is not an http(s) URL: ${JSON.stringify(raw)}` };
  }
  return { baseUrl, redact, mode, token, expiresIn, problems };
}

/**
 * The creation token from the option, BETTER_SHARE_TOKEN or the token file. Surrounding
 * whitespace is dropped: a token pasted into an env file or read with
 * `$(cat token-file)` often carries a newline, which no HTTP header may hold.
 * A value that still is not one printable word is reported and not sent.
 */
function resolveToken(option: unknown, fromEnv: string | undefined, fromFile: string | undefined, problems: string[]): string | undefined {
  if (option !== undefined && typeof option !== "string") {
    problems.push(`option "token" must be a string; sending no creation token`);
    return undefined;
  }
  const optionSet = typeof option === "string" && option.trim() !== "";
  const envSet = !optionSet && fromEnv !== undefined && fromEnv.trim() !== "";
  const raw = optionSet ? option : envSet ? fromEnv : fromFile;
  if (raw === undefined || raw.trim() === "") return undefined;
  const token = raw.trim();
  if (!/^[\x21-\x7e]+$/.test(token)) {
    problems.push(`${optionSet ? `option "token"` : envSet ? "BETTER_SHARE_TOKEN" : "the token file"} is not a creation token (it holds spaces or unprintable characters); sending none`);
    return undefined;
  }
  return token;
}

/** The `expiresIn` option: a duration ("7d") or seconds; anything else is reported and the server's default used. */
function resolveExpiresIn(option: unknown, problems: string[]): number | undefined {
  if (option === undefined) return undefined;
  const seconds =
    typeof option === "number" ? (Number.isInteger(option) && option >= 60 ? option : undefined) : typeof option === "string" ? parseDuration(option) : undefined;
  if (seconds === undefined) {
    problems.push(`option "expiresIn" must be a duration of at least a minute, like "7d" or "12h" (or seconds); using the server's default`);
    return undefined;
  }
  return seconds ?? undefined;
}

export function normalizeBaseUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.search || url.hash || url.username || url.password) return undefined;
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
