// Uploads for the disk blob store: the target of its HMAC-signed URLs.
import { newElysia } from "../http/elysia.ts";
import { ApiError, tooLarge } from "../core/errors.ts";
import type { DiskBlobStore } from "../stores/blob-store.disk.ts";
import { json } from "../http/respond.ts";
import { assertWritable, shareIdParam, type RouteDeps } from "./context.ts";

export function blobRoutes(deps: RouteDeps, disk: DiskBlobStore | null) {
  return newElysia({ name: "blob" }).put(
    "/api/blob/:id",
    async ({ params, request }) => {
      assertWritable(deps);
      const id = shareIdParam(params.id);
      if (!disk) throw new ApiError(404, "NOT_FOUND_ROUTE", "This server stores sessions in S3; upload to the presigned URL the API returned.");
      const check = disk.checkUpload(id, new URL(request.url).searchParams);
      if (!check.ok) throw new ApiError(check.status, check.code, check.message);
      const declared = request.headers.get("content-length");
      if (check.size !== null && declared !== null && declared !== String(check.size))
        throw new ApiError(400, "SIZE_MISMATCH", `This URL was signed for exactly ${check.size} bytes but Content-Length is ${declared}.`);
      if (declared !== null && Number(declared) > deps.config.maxShareBytes)
        throw tooLarge(deps.config.maxShareBytes);
      // The row must still exist: a URL signed before a delete must not resurrect the blob.
      if (!(await deps.service.exists(id))) throw new ApiError(404, "NOT_FOUND", "This share was deleted; create it again.");
      const res = await disk.acceptUpload(id, request.body, { exactSize: check.size, maxBytes: deps.config.maxShareBytes });
      if (!res.ok) throw new ApiError(res.status, res.code, res.message);
      await deps.service.uploaded(id);
      return json({ ok: true, etag: res.stat.etag }, 200, { ETag: `"${res.stat.etag}"` });
    },
    { parse: "none" },
  );
}
