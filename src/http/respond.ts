// Small helpers shared by the API routes: JSON responses with an explicit
// Content-Type (never left to auto-detection) and bounded JSON body reading.
import { ApiError } from "../core/errors.ts";
import { jsonTooDeep, tooDeepSentence } from "../core/json-depth.ts";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/**
 * An answer whose parts are built once: a Blob body is shared by every
 * Response made from it (a Uint8Array would be copied into each), and a
 * Headers object is copied natively instead of parsed again from an object
 * (cheaper than Response.clone() too).
 */
export class Prebuilt {
  private readonly body: Blob | null;
  private readonly init: { status: number; headers: Headers };
  constructor(body: Uint8Array<ArrayBuffer> | string | null, headers: Record<string, string>, status = 200) {
    this.body = body === null ? null : new Blob([body]);
    this.init = { status, headers: new Headers(headers) };
  }
  answer(): Response {
    return new Response(this.body, this.init);
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a JSON object body of at most `maxBytes`. A missing Content-Type is
 * read as JSON (some clients omit it); any other declared type is refused.
 */
export async function readJsonObject(
  request: Request,
  maxBytes: number,
  opts: { optional?: boolean } = {},
): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type");
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes)
    throw new ApiError(413, "BODY_TOO_LARGE", `The request body is larger than ${maxBytes} bytes.`);
  let buf: Uint8Array;
  try {
    buf = new Uint8Array(await request.arrayBuffer());
  } catch {
    throw new ApiError(400, "INVALID_BODY", "The request body could not be read; send it again.");
  }
  if (buf.byteLength > maxBytes) throw new ApiError(413, "BODY_TOO_LARGE", `The request body is larger than ${maxBytes} bytes.`);
  if (buf.byteLength === 0) {
    if (opts.optional) return {};
    throw new ApiError(400, "INVALID_JSON", "The request body is empty; send a JSON object.");
  }
  if (type !== null && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type.trim()))
    throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", `Send the body as JSON with Content-Type: application/json (got "${type.slice(0, 100)}").`);
  let text: string;
  try {
    text = decoder.decode(buf);
  } catch {
    throw new ApiError(400, "INVALID_JSON", "The request body is not valid UTF-8.");
  }
  if (jsonTooDeep(text)) throw new ApiError(400, "JSON_TOO_DEEP", tooDeepSentence("The request body"));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof SyntaxError ? e.message.slice(0, 200) : "syntax error";
    throw new ApiError(400, "INVALID_JSON", `The request body is not valid JSON (${detail}).`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ApiError(400, "INVALID_JSON", "The request body must be a JSON object.");
  return value as Record<string, unknown>;
}

/** Rejects fields the route does not know, so typos are caught instead of ignored. */
export function onlyFields(body: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    throw new ApiError(400, "UNKNOWN_FIELD", `Unknown field${extra.length > 1 ? "s" : ""} ${extra.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 50))).join(", ")}; allowed: ${allowed.join(", ")}.`);
}

export function optionalSize(body: Record<string, unknown>): number | undefined {
  const size = body.size;
  if (size === undefined || size === null) return undefined;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1)
    throw new ApiError(400, "INVALID_SIZE", "size must be a positive whole number of bytes.");
  return size;
}

/** `secret` in a JSON body is optional but, when sent, must be a string. */
export function secretField(body: Record<string, unknown>): string | undefined {
  if (body.secret !== undefined && typeof body.secret !== "string") throw new ApiError(400, "INVALID_SECRET_FIELD", "secret must be a string.");
  return body.secret;
}
