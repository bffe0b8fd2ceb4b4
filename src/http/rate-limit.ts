// Fixed-window rate limits with counters in the ShareStore, so every server
// instance on one database sees the same counts.
import { ApiError } from "../core/errors.ts";
import type { ShareStore } from "../stores/share-store.ts";

export interface Limits {
  sharesPerHour: number;
  requestsPerMinute: number;
}

export class RateLimiter {
  private lastPrune = 0;

  constructor(
    private store: ShareStore,
    private limits: Limits,
    private now: () => number = Date.now,
  ) {}

  private window(seconds: number): { start: number; retryAfter: number } {
    const t = Math.floor(this.now() / 1000);
    const start = t - (t % seconds);
    return { start, retryAfter: Math.max(1, start + seconds - t) };
  }

  private limited(retryAfter: number, what: string): ApiError {
    return new ApiError(429, "RATE_LIMITED", `Too many ${what} from your address; try again in ${retryAfter} seconds.`, {
      "Retry-After": String(retryAfter),
    });
  }

  /** Counts one /api request; throws 429 when the per-minute budget is spent. */
  async request(ip: string): Promise<void> {
    const w = this.window(60);
    const n = await this.store.bump(`req:${ip}`, w.start, 1);
    if (n > this.limits.requestsPerMinute) throw this.limited(w.retryAfter, "requests");
    if (w.start - this.lastPrune > 3600) {
      this.lastPrune = w.start;
      void this.store.pruneCounters(w.start - 7200).catch(() => {});
    }
  }

  /**
   * Reserves one share creation. Only successful creations may count, so the
   * caller releases the reservation when the creation fails. Reserving before
   * creating keeps the limit exact under concurrency and across instances.
   */
  async reserveShare(ip: string): Promise<() => Promise<void>> {
    const w = this.window(3600);
    const bucket = `share:${ip}`;
    const n = await this.store.bump(bucket, w.start, 1);
    const release = async () => {
      await this.store.bump(bucket, w.start, -1).catch(() => {});
    };
    if (n > this.limits.sharesPerHour) {
      await release();
      throw this.limited(w.retryAfter, "new shares");
    }
    return release;
  }
}

/** The client's address: the socket peer, or the last X-Forwarded-For hop when a trusted proxy sets it. */
export function clientIp(request: Request, peer: string | null, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = request.headers.get("x-forwarded-for");
    if (xff) {
      const hops = xff.split(",").map((s) => s.trim()).filter(Boolean);
      const last = hops[hops.length - 1];
      if (last && last.length <= 64 && /^[0-9a-fA-F:.]+$/.test(last)) return last;
    }
  }
  return peer ?? "unknown";
}
