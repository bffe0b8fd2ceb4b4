// OpenCode's own share protocol (README, "Native protocol"), so `"enterprise": {"url": …}`
// works without a plugin and `opencode import <share url>` can read shares.
import { newElysia } from "../http/elysia.ts";
import { ApiError } from "../core/errors.ts";
import { isSessionId } from "../core/ids.ts";
import type { NativeItem, NativeItemType } from "../core/model.ts";
import { json, onlyFields, secretField, readJsonObject } from "../http/respond.ts";
import { assertWritable, shareIdParam, SMALL_BODY, underShareLimit, type RouteDeps } from "./context.ts";

const TYPES = new Set<NativeItemType>(["session", "message", "part", "session_diff", "model"]);

function parseItems(raw: unknown): NativeItem[] {
  if (!Array.isArray(raw)) throw new ApiError(400, "INVALID_BATCH", "data must be an array of {type, data} items.");
  return raw.map((it, i) => {
    if (typeof it !== "object" || it === null || Array.isArray(it))
      throw new ApiError(400, "INVALID_BATCH", `Item ${i} must be an object {type, data}.`);
    const { type, data } = it as { type?: unknown; data?: unknown };
    if (typeof type !== "string" || !TYPES.has(type as NativeItemType))
      throw new ApiError(400, "UNKNOWN_ITEM_TYPE", `Item ${i} has type ${JSON.stringify(String(type).slice(0, 40))}; expected one of ${[...TYPES].join(", ")}.`);
    const wantsArray = type === "session_diff" || type === "model";
    if (wantsArray ? !Array.isArray(data) : typeof data !== "object" || data === null || Array.isArray(data))
      throw new ApiError(400, "INVALID_ITEM", `Item ${i} (${type}) must carry ${wantsArray ? "an array" : "an object"} in data.`);
    // Ids become keys in the share store, and Postgres text cannot hold NUL.
    if (!wantsArray) {
      const d = data as Record<string, unknown>;
      for (const f of ["id", "messageID", "sessionID"])
        if (typeof d[f] === "string" && (d[f] as string).includes("\u0000"))
          throw new ApiError(400, "INVALID_ITEM", `Item ${i} (${type}) has a NUL character in data.${f}; ids are plain text.`);
    }
    return { type: type as NativeItemType, data };
  });
}

export function nativeApi(deps: RouteDeps) {
  const { service } = deps;
  return newElysia({ name: "native-api" })
    .post(
      "/api/share",
      async ({ request }) => {
        assertWritable(deps);
        const body = await readJsonObject(request, SMALL_BODY);
        onlyFields(body, ["sessionID"]);
        if (!isSessionId(body.sessionID))
          throw new ApiError(400, "INVALID_SESSION_ID", 'sessionID must be an OpenCode session id ("ses_" followed by letters and digits).');
        const sessionID = body.sessionID;
        const owner = await deps.access.check(request, deps.ipOf(request));
        return json(await underShareLimit(deps, request, () => service.createNative(sessionID, owner)));
      },
      { parse: "none" },
    )
    .post(
      "/api/share/:id/sync",
      async ({ params, request }) => {
        assertWritable(deps);
        const id = shareIdParam(params.id);
        const body = await readJsonObject(request, deps.config.maxShareBytes);
        onlyFields(body, ["secret", "data"]);
        const secret = secretField(body);
        await service.syncNative(id, secret, parseItems(body.data));
        return json({});
      },
      { parse: "none" },
    )
    .get(
      "/api/share/:id/data",
      async ({ params }) => {
        const id = shareIdParam(params.id);
        return json(await service.nativeItems(id), 200, { "Cache-Control": "no-cache" });
      },
    );
}
