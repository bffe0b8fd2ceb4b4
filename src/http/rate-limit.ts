// Fixed-window rate limits with counters in the ShareStore, so every server
// instance on one database sees the same counts.
import { ApiError } from "../core/errors.ts";
import type { ShareStore } from "../stores/share-store.ts";

export interface Limits {
  sharesPerHour: number;
  requestsPerMinute: number;
}

/** One address's requests in the current minute, as this instance knows them. */
interface RequestCount {
  window: number;
  /** The shared counter's value after this instance's last write to it (every instance's requests). */
  stored: number;
  /** Requests counted here and not yet added to the shared counter. */
  pending: number;
  /** Requests being added to the shared counter by the write in flight (at most one per address). */
  writing: number;
  /** When the last write ended (performance.now), and the timer for the next one. */
  wrote: number;
  timer: Timer | null;
}

/**
 * Writes per address are this far apart at least: a SQLite commit can stall
 * the event loop for milliseconds when it checkpoints on a busy disk, and one
 * per request held API reads at a tenth of what the runtime can serve.
 */
const WRITE_EVERY_MS = 500;

export class RateLimiter {
  private lastPrune = 0;
  private sweptWindow = 0;
  private readonly requests = new Map<string, RequestCount>();

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

  /**
   * Counts one /api request; throws 429 when the per-minute budget is spent.
   * Counted in memory and added to the shared counter behind the request:
   * one write per address at a time, at most every WRITE_EVERY_MS, carrying
   * everything counted meanwhile (a store write per request cost more than
   * the rest of an API read). This instance's own count is exact; other
   * instances' requests show once this one's next write returns the shared
   * total.
   */
  async request(ip: string): Promise<void> {
    const w = this.window(60);
    let c = this.requests.get(ip);
    if (!c || c.window !== w.start) {
      // Once per minute, not per new address: a sweep per request would cost
      // in proportion to the number of addresses seen.
      if (w.start !== this.sweptWindow) {
        this.sweptWindow = w.start;
        this.dropOldWindows(w.start);
      }
      c = { window: w.start, stored: 0, pending: 0, writing: 0, wrote: -Infinity, timer: null };
      this.requests.set(ip, c);
    }
    c.pending++;
    if (c.stored + c.writing + c.pending > this.limits.requestsPerMinute) throw this.limited(w.retryAfter, "requests");
    if (c.writing === 0 && c.timer === null) this.schedule(ip, c);
    if (w.start - this.lastPrune > 3600) {
      this.lastPrune = w.start;
      void this.store.pruneCounters(w.start - 7200).catch(() => {});
    }
  }

  private schedule(ip: string, c: RequestCount): void {
    const wait = c.wrote + WRITE_EVERY_MS - performance.now();
    if (wait <= 0) {
      void this.write(ip, c);
      return;
    }
    c.timer = setTimeout(() => {
      c.timer = null;
      void this.write(ip, c);
    }, wait);
    c.timer.unref?.();
  }

  private async write(ip: string, c: RequestCount): Promise<void> {
    c.writing = c.pending;
    c.pending = 0;
    try {
      c.stored = await this.store.bump(`req:${ip}`, c.window, c.writing);
    } catch {
      // The store is down: the count waits for the next request's write.
      c.pending += c.writing;
      return;
    } finally {
      c.writing = 0;
      c.wrote = performance.now();
    }
    if (c.pending > 0) this.schedule(ip, c);
  }

  private dropOldWindows(current: number): void {
    for (const [ip, c] of this.requests) if (c.window !== current && c.writing === 0 && c.timer === null) this.requests.delete(ip);
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
