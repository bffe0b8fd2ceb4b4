// Page views (README, "Views"): counted in memory on the page's hot path, written to
// the ShareStore in one batch at most every few seconds and at shutdown.
import type { ShareStore } from "../stores/share-store.ts";

/** User agents that name themselves a bot, crawler, spider or link preview. */
const NOT_A_READER = /bot\b|bot\/|crawl|spider|slurp|preview|facebookexternalhit|embedly|iframely|linkexpand|whatsapp|skypeuripreview|bingpreview/i;

/** Whether a request for a page or its Markdown is a person reading it (the caller checks the 200). */
export function isReaderRequest(request: Request): boolean {
  if (request.method !== "GET") return false;
  const h = request.headers;
  // Chromium sends Sec-Purpose (older: Purpose), Firefox X-Moz, Safari X-Purpose.
  const purpose = h.get("sec-purpose") ?? h.get("purpose") ?? h.get("x-moz") ?? h.get("x-purpose");
  if (purpose !== null && /prefetch|prerender|preview/i.test(purpose)) return false;
  const ua = h.get("user-agent");
  return ua === null || !NOT_A_READER.test(ua);
}

export class ViewCounter {
  private pending = new Map<string, number>();
  /** Counts taken by a flush that has not reached the store yet. */
  private flushing = new Map<string, number>();
  private timer: Timer | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private store: Pick<ShareStore, "addViews">,
    private log: (line: string) => void = () => {},
  ) {}

  count(shareId: string): void {
    this.pending.set(shareId, (this.pending.get(shareId) ?? 0) + 1);
  }

  /** Views this process has counted but not yet written. */
  unwritten(shareId: string): number {
    return (this.pending.get(shareId) ?? 0) + (this.flushing.get(shareId) ?? 0);
  }

  /** Writes what has been counted; counts survive a failed write and go with the next one. */
  flush(): Promise<void> {
    return (this.running ??= this.write().finally(() => (this.running = null)));
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    this.flushing = this.pending;
    this.pending = new Map();
    try {
      await this.store.addViews([...this.flushing]);
    } catch (e) {
      for (const [id, n] of this.flushing) this.pending.set(id, (this.pending.get(id) ?? 0) + n);
      this.log(`views: could not write counts (${(e as Error).message}); keeping them for the next flush`);
    } finally {
      this.flushing = new Map();
    }
  }

  start(intervalMs = 5000): void {
    this.timer ??= setInterval(() => void this.flush(), intervalMs);
    this.timer.unref?.();
  }

  /** Stops the timer and writes what is left (a running flush first). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.flush();
  }
}
