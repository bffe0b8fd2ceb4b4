// Removing what should no longer be stored: expired shares (swept by every
// `serve`, and by `shares gc`) and creations whose upload never came (`shares
// gc`). Safe with several processes at once: the blob goes first (deleting a
// missing blob succeeds), then the row, by a statement that re-checks the
// condition, so each share is removed exactly once and a crash in between is
// finished by the next run.
import { blobKey } from "./ids.ts";
import type { BlobStore } from "../stores/blob-store.ts";
import type { DeleteCondition, ShareStore } from "../stores/share-store.ts";

export type RemovalReason = "expired" | "never_uploaded";

export interface Removed {
  shareId: string;
  reason: RemovalReason;
}

export interface RunResult {
  /** Shares this run removed (or, in a dry run, would remove). */
  removed: Removed[];
  /** Shares that could not be removed this time (a store error); the next run retries them. */
  failed: Array<{ shareId: string; error: string }>;
}

export interface MaintenanceOptions {
  /** Lifetime of an upload URL: a creation is abandoned only after it and an hour more. */
  presignTtlSeconds: number;
  now?: () => number;
  /** Called after each removal, so a server can drop what it cached. */
  onRemoved?: (shareId: string) => void;
  /** Blob deletions in flight at once. */
  concurrency?: number;
}

const BATCH = 500;

export class Maintenance {
  private now: () => number;

  constructor(
    private shares: ShareStore,
    private blobs: BlobStore,
    private opts: MaintenanceOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Cut-off for abandoned creations: untouched since before this time and never uploaded. */
  abandonedBefore(now = this.now()): number {
    return now - (this.opts.presignTtlSeconds + 3600) * 1000;
  }

  /** Removes every share expired at the start of the run. */
  sweepExpired(opts: { dryRun?: boolean } = {}): Promise<RunResult> {
    const now = this.now();
    return this.run("expired", (limit) => this.shares.expiredIds(now, limit), { expiredAt: now }, opts.dryRun ?? false, async () => true);
  }

  /** Removes creations never uploaded (checking storage once for those not yet seen there). */
  collectAbandoned(opts: { dryRun?: boolean } = {}): Promise<RunResult> {
    const before = this.abandonedBefore();
    return this.run(
      "never_uploaded",
      (limit) => this.shares.notUploadedIds(before, limit),
      { notUploadedBefore: before },
      opts.dryRun ?? false,
      // An upload the server never noticed (straight to S3, never viewed) is found here and remembered.
      async (id) => {
        if (!(await this.blobs.stat(blobKey(id)))) return true;
        if (!opts.dryRun) await this.shares.markUploaded(id);
        return false;
      },
    );
  }

  private async run(
    reason: RemovalReason,
    candidates: (limit: number) => Promise<string[]>,
    cond: DeleteCondition,
    dryRun: boolean,
    confirm: (shareId: string) => Promise<boolean>,
  ): Promise<RunResult> {
    const result: RunResult = { removed: [], failed: [] };
    const tried = new Set<string>();
    // In a dry run nothing changes, so one listing holds every candidate.
    const limit = dryRun ? Number.MAX_SAFE_INTEGER : BATCH;
    for (;;) {
      const ids = (await candidates(Math.min(limit, tried.size + BATCH))).filter((id) => !tried.has(id));
      if (ids.length === 0) break;
      for (const id of ids) tried.add(id);
      await eachLimited(ids, this.opts.concurrency ?? 8, async (shareId) => {
        try {
          if (!(await confirm(shareId))) return;
          if (dryRun) {
            result.removed.push({ shareId, reason });
            return;
          }
          await this.blobs.delete(blobKey(shareId));
          if (await this.shares.deleteIf(shareId, cond)) {
            result.removed.push({ shareId, reason });
            this.opts.onRemoved?.(shareId);
          }
        } catch (e) {
          result.failed.push({ shareId, error: (e as Error).message });
        }
      });
      if (dryRun) break;
    }
    return result;
  }
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface Sweeper {
  stop(): void;
  /** Resolves when no sweep is running. */
  idle(): Promise<void>;
}

/**
 * Sweeps expired shares every `intervalMs` (and once soon after start, at a
 * random moment so instances started together do not sweep in step). A sweep
 * still running when the next is due is not doubled.
 */
export function startSweeper(m: Maintenance, intervalMs: number, log: (line: string) => void): Sweeper {
  let running: Promise<void> | null = null;
  let stopped = false;
  const sweep = () => {
    if (running || stopped) return;
    running = m
      .sweepExpired()
      .then(
        (r) => {
          if (r.removed.length) log(`sweep: deleted ${r.removed.length} expired share${r.removed.length === 1 ? "" : "s"}`);
          if (r.failed.length) log(`sweep: ${r.failed.length} expired share(s) could not be deleted (${r.failed[0]!.error}); the next sweep retries`);
        },
        (e) => log(`sweep: could not list expired shares (${(e as Error).message}); the next sweep retries`),
      )
      .finally(() => (running = null));
  };
  const first = setTimeout(sweep, Math.random() * Math.min(intervalMs, 10_000));
  const timer = setInterval(sweep, intervalMs);
  first.unref?.();
  timer.unref?.();
  return {
    stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
    },
    idle: async () => void (await running),
  };
}
