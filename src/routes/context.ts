// What every API route gets from the app: the service, the limiter, limits,
// and the client address the outer handler resolved for this request.
import type { Config } from "../config.ts";
import { ApiError } from "../core/errors.ts";
import { isShareId } from "../core/ids.ts";
import type { ShareService } from "../core/shares.ts";
import type { CreateAccess } from "../http/create-access.ts";
import type { RateLimiter } from "../http/rate-limit.ts";

export interface RouteDeps {
  service: ShareService;
  limiter: RateLimiter;
  access: CreateAccess;
  config: Pick<Config, "maxShareBytes" | "baseUrl" | "readOnly">;
  ipOf: (request: Request) => string;
  version: string;
  /** Views this process has counted but not yet written to the store. */
  views: { unwritten(shareId: string): number };
}

export function shareIdParam(raw: string | undefined): string {
  if (!isShareId(raw))
    throw new ApiError(400, "INVALID_SHARE_ID", "Share ids are exactly 8 letters or digits (the last 8 characters of the session id).");
  return raw;
}

/**
 * READ_ONLY=true: creations, syncs, uploads and expiry changes are refused
 * before anything else is looked at; reads and deletes keep working.
 */
export function assertWritable(deps: RouteDeps): void {
  if (deps.config.readOnly)
    throw new ApiError(
      503,
      "READ_ONLY",
      "This server is read-only for now (maintenance): shares can be read but not created or changed. Try again later.",
    );
}

/** Small JSON bodies of the upload protocol; native syncs use MAX_SHARE_BYTES. */
export const SMALL_BODY = 16 * 1024;

/**
 * Runs a share creation under the per-hour creation limit. Only successful
 * creations count: the reservation is given back when `create` fails.
 */
export async function underShareLimit<T>(deps: RouteDeps, request: Request, create: () => Promise<T>): Promise<T> {
  const release = await deps.limiter.reserveShare(deps.ipOf(request));
  try {
    return await create();
  } catch (e) {
    await release();
    throw e;
  }
}
