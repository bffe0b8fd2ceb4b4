// A share's lifetime and figures, for its owner (README, "Expiry"): change or clear
// its expiry, and read its views and size. Both need the share's secret.
import { newElysia } from "../http/elysia.ts";
import { ApiError } from "../core/errors.ts";
import { MAX_DURATION_SECONDS } from "../core/duration.ts";
import { json, onlyFields, readJsonObject } from "../http/respond.ts";
import { assertWritable, shareIdParam, SMALL_BODY, type RouteDeps } from "./context.ts";

/** Shortest lifetime a share may ask for. */
export const MIN_EXPIRES_IN = 60;

/**
 * `expiresIn` as clients send it: whole seconds, at least a minute. Longer
 * than the server's maximum is not an error: the service shortens it.
 */
export function expiresInField(body: Record<string, unknown>, opts: { nullable: boolean }): number | null | undefined {
  const v = body.expiresIn;
  if (v === undefined) return undefined;
  if (v === null && opts.nullable) return null;
  if (typeof v !== "number" || !Number.isInteger(v) || v < MIN_EXPIRES_IN)
    throw new ApiError(
      400,
      "INVALID_EXPIRES_IN",
      `expiresIn must be a whole number of seconds, at least ${MIN_EXPIRES_IN}${opts.nullable ? " (or null for the longest this server allows)" : ""}; got ${JSON.stringify(v)?.slice(0, 40)}.`,
    );
  return Math.min(v, MAX_DURATION_SECONDS);
}

const secretOf = (request: Request) => request.headers.get("x-share-secret") ?? undefined;

export function shareLifecycleApi(deps: RouteDeps) {
  const { service } = deps;
  return newElysia({ name: "share-lifecycle" })
    .post(
      "/api/share/:id/expiry",
      async ({ params, request }) => {
        assertWritable(deps);
        const id = shareIdParam(params.id);
        const body = await readJsonObject(request, SMALL_BODY);
        onlyFields(body, ["expiresIn"]);
        if (!("expiresIn" in body))
          throw new ApiError(400, "INVALID_EXPIRES_IN", "Send {\"expiresIn\": seconds} to set the expiry, or {\"expiresIn\": null} to keep the share as long as the server allows.");
        const expiresIn = expiresInField(body, { nullable: true }) as number | null;
        return json(await service.setExpiry(id, secretOf(request), expiresIn));
      },
      { parse: "none" },
    )
    .get("/api/share/:id/stats", async ({ params, request }) => {
      const id = shareIdParam(params.id);
      return json(await service.stats(id, secretOf(request), deps.views.unwritten(id)));
    });
}
