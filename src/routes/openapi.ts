// GET /api/openapi.json: the API described as OpenAPI 3.1. The routes read
// their bodies by hand (bounded, with one sentence per mistake) rather than
// through schema validation, so this document is kept beside them and
// test/api/openapi.test.ts holds it to the real routes: every /api route must
// be here, and every status a route answers must be documented with the body
// it sends. No docs UI is served (a CDN-hosted one would break offline
// installs and the CSP); point any OpenAPI viewer or client generator at it.
import { newElysia } from "../http/elysia.ts";

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string): Schema => (description ? { type: "string", description } : { type: "string" });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties), extra = false): Schema => ({
  type: "object",
  properties,
  required,
  additionalProperties: extra,
});

const errorCodes = (codes: string[]) => codes.join(", ");
/** An error answer: always `{error, code}`; `codes` lists the codes this status carries here. */
const err = (codes: string[], what?: string) => ({
  description: `${what ? what + ". " : ""}Codes: ${errorCodes(codes)}.`,
  content: { "application/json": { schema: ref("Error") } },
});
const ok = (description: string, schema: Schema, headers?: Record<string, unknown>) => ({
  description,
  content: { "application/json": { schema } },
  ...(headers ? { headers } : {}),
});
const jsonBody = (schema: Schema, required = true) => ({ required, content: { "application/json": { schema } } });

const idParam = {
  name: "id",
  in: "path",
  required: true,
  description: "Share id: exactly 8 letters or digits (the last 8 characters of the session id).",
  schema: { type: "string", pattern: "^[0-9A-Za-z]{8}$" },
};
const secretHeader = {
  name: "X-Share-Secret",
  in: "header",
  required: false,
  description: "The share's secret, returned once at creation.",
  schema: { type: "string" },
};

// Answers every /api route can give besides its own.
const limited = { 429: err(["RATE_LIMITED"], "Too many requests from this client; see Retry-After") };
const unavailable = { 503: err(["STORE_UNAVAILABLE", "UNAVAILABLE", "READ_ONLY"], "A store is unreachable or the server is read-only; retry later") };
const badBody = (codes: string[] = []) =>
  err(["INVALID_JSON", "JSON_TOO_DEEP", "INVALID_BODY", "UNKNOWN_FIELD", ...codes], "The body is not the JSON object this route takes");
const unsupported = { 415: err(["UNSUPPORTED_MEDIA_TYPE"], "Send JSON with Content-Type: application/json") };
const tooBig = (codes: string[]) => ({ 413: err(codes, "The body or the declared size is over the limit") });
const badId = { 400: err(["INVALID_SHARE_ID"], "The id is not a share id") };
const notFound = { 404: err(["NOT_FOUND"], "No such share (or it was deleted)") };
const secretErrors = {
  401: err(["MISSING_SECRET"], "No secret was sent"),
  403: err(["INVALID_SECRET"], "The secret does not match"),
};
const gone = { 410: err(["EXPIRED"], "The share's lifetime has ended; it answers 410 until the server sweeps it") };
const shareExpiresAt = { type: ["string", "null"], description: "When the share expires (ISO 8601); null = never." };
const creationAuth = {
  401: err(["TOKEN_REQUIRED"], "CREATE_ACCESS=token and no creation token was sent"),
  403: err(["INVALID_TOKEN"], "The creation token is unknown, revoked or expired"),
};

export function openApiDocument(baseUrl: string, version: string): Schema {
  return {
    openapi: "3.1.0",
    info: {
      title: "better-share",
      version,
      description:
        "Self-hosted session sharing for OpenCode. Every error is `{error, code}` with a sentence saying what to do. " +
        "Share ids are checked before any store is touched; then body shape, existence, secret and limits, in that order.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: baseUrl }],
    components: {
      securitySchemes: {
        creationToken: { type: "http", scheme: "bearer", description: "A creation token (bst_…) when the server runs with CREATE_ACCESS=token." },
        shareSecret: { type: "apiKey", in: "header", name: "X-Share-Secret" },
      },
      schemas: {
        Error: obj({ error: str("What went wrong and what to do about it."), code: str("A stable machine-readable code.") }),
        UploadCreated: obj({
          presignedUrl: str("PUT the ShareData JSON here (exactly `size` bytes when a size was given)."),
          secret: str("Returned once; needed to sync or delete."),
          url: str("The share page."),
          expiresAt: str("When presignedUrl stops working (ISO 8601)."),
          shareExpiresAt,
        }, ["presignedUrl", "secret", "url", "expiresAt", "shareExpiresAt"], true),
        SyncPresigned: obj({ presignedUrl: str(), url: str(), expiresAt: str(), shareExpiresAt }, ["presignedUrl", "url", "expiresAt", "shareExpiresAt"], true),
        ShareStats: obj({
          views: { type: "integer", description: "Page and Markdown views by readers (not bots, prefetches, HEADs or 304s)." },
          sizeBytes: { type: ["integer", "null"] },
          createdAt: str(),
          updatedAt: str(),
          shareExpiresAt,
          owner: { type: ["string", "null"], description: "Name of the creation token that made the share." },
        }),
        NativeCreated: obj({ id: str("Share id."), url: str(), secret: str() }, ["id", "url", "secret"], true),
        NativeItem: obj({
          type: { type: "string", enum: ["session", "message", "part", "session_diff", "model"] },
          data: { description: "An object (session, message, part) or an array (session_diff, model), as OpenCode sends it." },
        }),
        ShareData: {
          type: "object",
          description: "A shared session: OpenCode's own Session and messages (1.x `{info, parts}`; 2.x messages as the host gives them).",
          properties: {
            shareId: str(),
            sessionId: str(),
            createdAt: { type: "number" },
            updatedAt: { type: "number" },
            session: { type: "object" },
            messages: { type: "array" },
            subsessions: { type: "object", description: "Sub-agent sessions by session id: `{session, messages}` each." },
            format: { type: "string", enum: ["opencode-v2"], description: "Present on a share made from OpenCode 2; absent on 1.x ShareData." },
          },
          required: ["shareId", "sessionId"],
        },
        Ok: obj({ ok: { type: "boolean", const: true } }),
        Health: obj({ ok: { type: "boolean" }, version: str(), stores: obj({ share: str(), blob: str() }) }),
      },
    },
    paths: {
      "/api/share/presign": {
        post: {
          summary: "Create a share (upload protocol, used by the plugin) and get an upload URL",
          security: [{}, { creationToken: [] }],
          requestBody: jsonBody(
            obj(
              {
                shareId: str(),
                sessionId: str("OpenCode session id (ses_…)."),
                size: { type: "integer", minimum: 1 },
                expiresIn: { type: "integer", minimum: 60, description: "Lifetime in seconds; longer than SHARE_TTL_MAX is shortened to it. Absent: SHARE_TTL_DEFAULT." },
              },
              ["shareId", "sessionId"],
            ),
          ),
          responses: {
            200: ok("Created.", ref("UploadCreated")),
            400: badBody(["INVALID_SHARE_ID", "INVALID_SESSION_ID", "ID_MISMATCH", "INVALID_SIZE", "INVALID_EXPIRES_IN"]),
            ...creationAuth,
            409: err(["SHARE_EXISTS"], "This session is already shared"),
            ...tooBig(["TOO_LARGE", "BODY_TOO_LARGE"]),
            ...unsupported,
            ...limited,
            ...unavailable,
          },
        },
      },
      "/api/share/{id}/presign": {
        post: {
          summary: "Get an upload URL for the next version of a share (upload protocol, used by the plugin)",
          parameters: [idParam, secretHeader],
          security: [{ shareSecret: [] }],
          requestBody: jsonBody(obj({ size: { type: "integer", minimum: 1 } }, []), false),
          responses: {
            200: ok("The next upload URL.", ref("SyncPresigned")),
            400: badBody(["INVALID_SHARE_ID", "INVALID_SIZE"]),
            ...secretErrors,
            ...notFound,
            ...gone,
            409: err(["WRONG_PROTOCOL"], "A native share is synced with POST /api/share/{id}/sync"),
            ...tooBig(["TOO_LARGE", "BODY_TOO_LARGE"]),
            ...unsupported,
            ...limited,
            ...unavailable,
          },
        },
      },
      "/api/share/{id}": {
        get: {
          summary: "Read a share as ShareData",
          parameters: [idParam, { name: "If-None-Match", in: "header", required: false, schema: { type: "string" } }],
          responses: {
            200: ok("The session.", ref("ShareData"), { ETag: { schema: { type: "string" } } }),
            304: { description: "Not modified since the ETag sent in If-None-Match." },
            ...badId,
            404: err(["NOT_FOUND"], "No such share, or its upload has not finished"),
            ...gone,
            422: err(["UNREADABLE"], "The stored session cannot be read"),
            ...limited,
            ...unavailable,
          },
        },
        delete: {
          summary: "Delete a share (both protocols): blob, then row",
          parameters: [idParam, secretHeader],
          security: [{ shareSecret: [] }],
          requestBody: jsonBody(obj({ secret: str("The secret, when not sent as X-Share-Secret.") }, []), false),
          responses: {
            200: ok("Deleted.", ref("Ok")),
            400: badBody(["INVALID_SHARE_ID", "INVALID_SECRET_FIELD"]),
            ...secretErrors,
            ...notFound,
            ...tooBig(["BODY_TOO_LARGE"]),
            ...unsupported,
            ...limited,
            ...unavailable,
          },
        },
      },
      "/api/share/{id}/expiry": {
        post: {
          summary: "Set or clear a share's expiry (its owner)",
          parameters: [idParam, secretHeader],
          security: [{ shareSecret: [] }],
          requestBody: jsonBody(
            obj({
              expiresIn: {
                type: ["integer", "null"],
                minimum: 60,
                description: "Seconds from now (shortened to SHARE_TTL_MAX), or null for as long as the server allows (never without a max).",
              },
            }),
          ),
          responses: {
            200: ok("The new expiry.", obj({ shareExpiresAt })),
            400: badBody(["INVALID_SHARE_ID", "INVALID_EXPIRES_IN"]),
            ...secretErrors,
            ...notFound,
            ...gone,
            ...tooBig(["BODY_TOO_LARGE"]),
            ...unsupported,
            ...limited,
            ...unavailable,
          },
        },
      },
      "/api/share/{id}/stats": {
        get: {
          summary: "A share's views, size, times, expiry and owner (its owner)",
          parameters: [idParam, secretHeader],
          security: [{ shareSecret: [] }],
          responses: {
            200: ok("The figures; views include those this server has counted but not yet written.", ref("ShareStats")),
            ...badId,
            ...secretErrors,
            ...notFound,
            ...gone,
            ...limited,
            ...unavailable,
          },
        },
      },
      "/api/share": {
        post: {
          summary: "Create a share (OpenCode's native protocol, `enterprise.url`)",
          security: [{}, { creationToken: [] }],
          requestBody: jsonBody(obj({ sessionID: str("OpenCode session id (ses_…).") })),
          responses: {
            200: ok("Created.", ref("NativeCreated")),
            400: badBody(["INVALID_SESSION_ID"]),
            ...creationAuth,
            409: err(["SHARE_EXISTS"], "This session is already shared"),
            ...tooBig(["BODY_TOO_LARGE"]),
            ...unsupported,
            ...limited,
            503: err(["STORE_UNAVAILABLE", "UNAVAILABLE", "READ_ONLY", "ID_EXHAUSTED"], "A store is unreachable, the server is read-only, or no free id was found; retry later"),
          },
        },
      },
      "/api/share/{id}/sync": {
        post: {
          summary: "Upsert items of a native share, all or nothing",
          parameters: [idParam],
          requestBody: jsonBody(obj({ secret: str(), data: { type: "array", items: ref("NativeItem") } }, ["data"])),
          responses: {
            200: ok("Stored.", obj({}, [])),
            400: badBody(["INVALID_SHARE_ID", "INVALID_SECRET_FIELD", "INVALID_BATCH", "UNKNOWN_ITEM_TYPE", "INVALID_ITEM", "FOREIGN_ITEM"]),
            ...secretErrors,
            ...notFound,
            ...gone,
            409: err(["WRONG_PROTOCOL"], "A share made by the upload protocol is updated through POST /api/share/{id}/presign"),
            ...tooBig(["BODY_TOO_LARGE"]),
            ...unsupported,
            ...limited,
            ...unavailable,
          },
        },
      },
      "/api/share/{id}/data": {
        get: {
          summary: "A share as OpenCode's native items (`opencode import` reads this)",
          parameters: [idParam],
          responses: {
            200: ok("Items: session, messages, parts, session_diff, model.", { type: "array", items: ref("NativeItem") }),
            ...badId,
            404: err(["NOT_FOUND"], "No such share, or its upload has not finished"),
            ...gone,
            409: err(["NOT_IMPORTABLE"], "The share was made with OpenCode 2, which `opencode import` cannot read"),
            422: err(["UNREADABLE"], "The stored session cannot be read"),
            ...limited,
            ...unavailable,
          },
        },
      },
      "/api/blob/{id}": {
        put: {
          summary: "Upload target of the disk blob store's signed URLs (use the presignedUrl as given)",
          description: "Not rate limited: the signature authorises the upload. With S3 storage the presigned URL points at the bucket instead and this route answers 404.",
          parameters: [
            idParam,
            { name: "expires", in: "query", required: true, schema: { type: "string" } },
            { name: "size", in: "query", required: false, schema: { type: "string" } },
            { name: "sig", in: "query", required: true, schema: { type: "string" } },
          ],
          requestBody: jsonBody(ref("ShareData")),
          responses: {
            200: ok("Stored.", obj({ ok: { type: "boolean", const: true }, etag: str() }), { ETag: { schema: { type: "string" } } }),
            400: err(["INVALID_SHARE_ID", "SIZE_MISMATCH", "INVALID_JSON", "JSON_TOO_DEEP", "INVALID_BODY"], "The id, the body or its size is wrong"),
            403: err(["INVALID_SIGNATURE", "URL_EXPIRED"], "The signature does not match or has expired"),
            404: err(["NOT_FOUND", "NOT_FOUND_ROUTE"], "The share was deleted, or this server stores sessions in S3"),
            ...tooBig(["TOO_LARGE", "BODY_TOO_LARGE"]),
            ...unavailable,
          },
        },
      },
      "/api/health": {
        get: {
          summary: "Store checks, for load balancers and container health checks (not rate limited)",
          responses: {
            200: ok("Both stores answer.", ref("Health")),
            503: ok("A store is down.", ref("Health")),
          },
        },
      },
      "/api/openapi.json": {
        get: {
          summary: "This document",
          responses: {
            200: ok("OpenAPI 3.1.", { type: "object" }),
            ...limited,
          },
        },
      },
    },
  };
}

export function openApiRoutes(baseUrl: string, version: string) {
  // Built on the first request for it, not at start.
  let text: string | null = null;
  return newElysia({ name: "openapi" }).get(
    "/api/openapi.json",
    () => new Response((text ??= JSON.stringify(openApiDocument(baseUrl, version))), { headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" } }),
  );
}
