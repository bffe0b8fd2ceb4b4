// Who may create a share (README, "Creation tokens"): with CREATE_ACCESS=token, a creation
// needs `Authorization: Bearer bst_…` unless the client's address is in
// CREATE_ALLOW_CIDRS. Syncs and deletes stay authorised by the share secret.
import type { Config } from "../config.ts";
import { CidrMatcher } from "../core/cidr.ts";
import { ApiError } from "../core/errors.ts";
import { checkToken } from "../core/tokens.ts";
import type { ShareStore } from "../stores/share-store.ts";

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The bearer token of a request, if it sent one; surrounding whitespace is ignored. */
export function bearerToken(request: Request): string | null {
  const h = request.headers.get("authorization");
  if (h === null) return null;
  const m = /^\s*bearer\s+(\S*)\s*$/i.exec(h);
  return m && m[1] ? m[1] : null;
}

export class CreateAccess {
  private allow: CidrMatcher;

  constructor(
    private store: ShareStore,
    private config: Pick<Config, "createAccess" | "createAllowCidrs">,
    private now: () => number = Date.now,
  ) {
    this.allow = new CidrMatcher(config.createAllowCidrs);
  }

  /**
   * Decides whether this request may create a share. Returns the owner to
   * record (the token's name, or null when none was sent), or throws
   * 401 TOKEN_REQUIRED / 403 INVALID_TOKEN. A token that is sent is always
   * checked, even where none is needed, so a bad one is found out at once
   * and shares made with a good one remember their owner.
   */
  async check(request: Request, ip: string): Promise<string | null> {
    const presented = bearerToken(request);
    if (presented === null) {
      if (this.config.createAccess === "open" || this.allow.contains(ip)) return null;
      throw new ApiError(
        401,
        "TOKEN_REQUIRED",
        "This server only lets token holders create shares: send Authorization: Bearer <token> (the plugin's `token` option or BETTER_SHARE_TOKEN). Ask the server's operator for a token.",
      );
    }
    // Reads the store every time (no cache): a revocation holds on every instance at once.
    const r = await checkToken(this.store, presented, this.now());
    if (r.ok) {
      await this.store.markTokenUsed(r.id);
      return r.name;
    }
    const why =
      r.reason === "revoked"
        ? `This creation token was revoked on ${day(r.at!)}.`
        : r.reason === "expired"
          ? `This creation token expired on ${day(r.at!)}.`
          : r.reason === "malformed"
            ? "This is not a creation token (they look like bst_ followed by 43 letters, digits, - and _)."
            : "This creation token is not known to this server.";
    throw new ApiError(403, "INVALID_TOKEN", `${why} Ask the server's operator for a new one.`);
  }
}
