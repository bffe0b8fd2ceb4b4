// The upload protocol (README, "HTTP API"): the plugin creates a share, uploads the
// session straight to storage through a presigned URL, syncs and deletes.
import { newElysia } from "../http/elysia.ts";
import { ApiError, tooLarge } from "../core/errors.ts";
import { isSessionId, isShareId } from "../core/ids.ts";
import { json, onlyFields, Prebuilt, secretField, optionalSize, readJsonObject } from "../http/respond.ts";
import { expiresInField } from "./share-lifecycle.ts";
import type { ShareSnapshot } from "../core/share-source.ts";
import type { ShareService } from "../core/shares.ts";
import { securityHeaders } from "../http/security.ts";
import { assertWritable, shareIdParam, SMALL_BODY, underShareLimit, type RouteDeps } from "./context.ts";

const JSON_TYPE = "application/json; charset=utf-8";

/** The answers for one version of a share, complete with every header. */
interface JsonAnswers {
  etag: string;
  ok: Prebuilt;
  notModified: Prebuilt;
}

/** Built on a version's first API read and kept as long as the version's snapshot. */
const answers = new WeakMap<ShareSnapshot, JsonAnswers>();

/**
 * GET /api/share/:id: the share as uploaded (or assembled), as fresh as
 * ShareCache.readable promises: from a check of the stores that began after
 * the request came, or the last one when nothing has committed since.
 */
export async function shareJson(service: ShareService, id: string, request: Request): Promise<Response> {
  const r = await service.cache.readable(id);
  let a = answers.get(r.snapshot);
  if (!a) {
    const etag = `"${r.version.replace(/"/g, "")}"`;
    const headers = { ...securityHeaders(JSON_TYPE), "Content-Type": JSON_TYPE, "Cache-Control": "no-cache", ETag: etag };
    a = { etag, ok: new Prebuilt(r.json(), headers), notModified: new Prebuilt(null, headers, 304) };
    answers.set(r.snapshot, a);
  }
  return (request.headers.get("if-none-match") === a.etag ? a.notModified : a.ok).answer();
}

/** GET /api/health: both stores checked (at most once a second, shared by every caller). */
export async function health(service: ShareService, version: string): Promise<Response> {
  const h = await service.health();
  return json({ ok: h.ok, version, stores: h.stores }, h.ok ? 200 : 503);
}

export function shareApi(deps: RouteDeps) {
  const { service } = deps;
  return newElysia({ name: "share-api" })
    .post(
      "/api/share/presign",
      async ({ request }) => {
        assertWritable(deps);
        const body = await readJsonObject(request, SMALL_BODY);
        onlyFields(body, ["shareId", "sessionId", "size", "expiresIn"]);
        const { shareId, sessionId } = body;
        if (!isShareId(shareId))
          throw new ApiError(400, "INVALID_SHARE_ID", "shareId must be exactly 8 letters or digits (the last 8 characters of the session id).");
        if (!isSessionId(sessionId))
          throw new ApiError(400, "INVALID_SESSION_ID", 'sessionId must be an OpenCode session id ("ses_" followed by letters and digits).');
        if (!sessionId.endsWith(shareId))
          throw new ApiError(400, "ID_MISMATCH", "shareId must be the last 8 characters of sessionId.");
        const size = optionalSize(body);
        const expiresIn = expiresInField(body, { nullable: false }) ?? undefined;
        const owner = await deps.access.check(request, deps.ipOf(request));
        if (size !== undefined && size > deps.config.maxShareBytes) throw tooLarge(deps.config.maxShareBytes, size);
        return json(await underShareLimit(deps, request, () => service.createUpload({ shareId, sessionId, size, owner, expiresIn })));
      },
      { parse: "none" },
    )
    .post(
      "/api/share/:id/presign",
      async ({ params, request }) => {
        assertWritable(deps);
        const id = shareIdParam(params.id);
        const body = await readJsonObject(request, SMALL_BODY, { optional: true });
        onlyFields(body, ["size"]);
        const size = optionalSize(body);
        const secret = request.headers.get("x-share-secret") ?? undefined;
        return json(await service.presignSync(id, secret, size));
      },
      { parse: "none" },
    )
    .get("/api/share/:id", ({ params, request }) => shareJson(service, shareIdParam(params.id), request))
    .delete(
      "/api/share/:id",
      async ({ params, request }) => {
        const id = shareIdParam(params.id);
        const body = await readJsonObject(request, SMALL_BODY, { optional: true });
        onlyFields(body, ["secret"]);
        // A malformed body secret is a malformed request even when the header carries one.
        const bodySecret = secretField(body);
        const secret = request.headers.get("x-share-secret") ?? bodySecret;
        await service.delete(id, secret);
        return json({ ok: true });
      },
      { parse: "none" },
    )
    .get("/api/health", () => health(service, deps.version));
}
