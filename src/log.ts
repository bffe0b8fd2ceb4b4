// The server's log: one line per request and a few lines about the process,
// as plain text or one JSON object per line (LOG_FORMAT). Lines are gathered
// in memory and written in batches — at most FLUSH_MS after they were logged,
// or sooner when a batch grows big — never one write per request. `close()`
// writes whatever is left, so a SIGTERM loses nothing.
//
// What is logged is chosen so that nothing secret can be: the request path
// without its query string (signed upload URLs carry their signature there),
// never headers or bodies (share secrets, tokens).

export type LogFormat = "text" | "json";
export const LOG_FORMATS: readonly LogFormat[] = ["text", "json"];

export interface AccessEntry {
  method: string;
  /** The route pattern that matched (`/share/:id`), or null when none did. */
  route: string | null;
  /** The URL path, without query string. */
  path: string;
  status: number;
  ms: number;
  shareId: string | null;
}

export interface Logger {
  readonly format: LogFormat;
  access(entry: AccessEntry): void;
  info(message: string): void;
  error(message: string): void;
  /** Writes what is buffered; resolves when the sink has taken it. */
  flush(): Promise<void>;
}

/** Where batches go: stdout in the server, an array or a file in tests. */
export interface LogSink {
  write(chunk: string): void | number | Promise<unknown>;
  flush?(): void | number | Promise<unknown>;
}

/** Paths longer than this are cut (a 10 KB path still gets its line, shortened). */
export const MAX_LOGGED_PATH = 1024;
export const FLUSH_MS = 50;
const FLUSH_BYTES = 64 * 1024;

export function loggedPath(path: string): string {
  return path.length <= MAX_LOGGED_PATH ? path : `${path.slice(0, MAX_LOGGED_PATH)}…(${path.length - MAX_LOGGED_PATH} more characters)`;
}

let isoSecond = -1;
let isoPrefix = "";

/** new Date().toISOString(), with the part up to the second made once per second: every request asks for it. */
export function isoNow(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const ms = now - second * 1000;
  return `${isoPrefix}${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}Z`;
}

/** Printable ASCII but for `"` and `\`: a JSON string of it is the text between quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const jsonString = (s: string | null): string => (s === null ? "null" : PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

function formatAccess(format: LogFormat, e: AccessEntry): string {
  const path = loggedPath(e.path);
  const ms = Math.round(e.ms * 10) / 10;
  if (format === "text") return `${e.method} ${path} ${e.status} ${ms.toFixed(1)}ms`;
  // The same text as JSON.stringify of the object, written out: about a third of the cost per request.
  return `{"time":"${isoNow()}","level":"${e.status >= 500 ? "error" : "info"}","method":${jsonString(e.method)},"route":${jsonString(e.route)},"path":${jsonString(path)},"status":${e.status},"ms":${ms},"share":${jsonString(e.shareId)}}`;
}

function formatMessage(format: LogFormat, level: "info" | "error", message: string): string {
  if (format === "text") return message;
  return JSON.stringify({ time: isoNow(), level, msg: message });
}

/** Every line handed to `line` as it is logged (tests, and callers that buffer themselves). */
export function lineLogger(format: LogFormat, line: (text: string) => void): Logger {
  return {
    format,
    access: (e) => line(formatAccess(format, e)),
    info: (m) => line(formatMessage(format, "info", m)),
    error: (m) => line(formatMessage(format, "error", m)),
    flush: async () => {},
  };
}

/** Lines batched into `sink` every FLUSH_MS (or every 64 KB), and on flush(). */
export function bufferedLogger(format: LogFormat, sink: LogSink): Logger {
  // One growing string: appending is cheap (the engine joins it once, when it is written).
  let pending = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last: Promise<unknown> = Promise.resolve();

  const drain = (): Promise<unknown> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return last;
    const chunk = pending;
    pending = "";
    // Writes keep their order even when a sink answers asynchronously.
    last = last.then(async () => {
      await sink.write(chunk);
      await sink.flush?.();
    });
    return last;
  };
  const push = (text: string) => {
    pending += text + "\n";
    if (pending.length >= FLUSH_BYTES) void drain();
    else if (!timer) {
      timer = setTimeout(drain, FLUSH_MS);
      // A pending flush must not keep a finished process alive; close() flushes.
      (timer as { unref?: () => void }).unref?.();
    }
  };
  return {
    format,
    access: (e) => push(formatAccess(format, e)),
    info: (m) => push(formatMessage(format, "info", m)),
    error: (m) => push(formatMessage(format, "error", m)),
    flush: async () => {
      await drain();
    },
  };
}

/** The process's stdout as a sink (Bun's FileSink: writes do not block the event loop). */
export function stdoutSink(): LogSink {
  const writer = Bun.stdout.writer();
  return { write: (chunk) => writer.write(chunk), flush: () => writer.flush() };
}
