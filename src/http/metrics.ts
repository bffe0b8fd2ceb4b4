// Prometheus metrics (GET /metrics, METRICS=true) with prom-client: one
// registry per app, request series labelled by route pattern, the domain's
// counters (Telemetry) and the process's own metrics.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DeleteReason, ShareProtocol, StoreName, Telemetry } from "../core/telemetry.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

export class Metrics implements Telemetry {
  readonly registry = new Registry();
  private readonly requests: Counter<"route" | "method" | "status">;
  private readonly duration: Histogram<"route" | "method">;
  private readonly created: Counter<"protocol">;
  private readonly deleted: Counter<"reason">;
  private readonly syncs: Counter<"protocol">;
  private readonly cacheHits: Counter;
  private readonly cacheMisses: Counter;
  private readonly storeErrors: Counter<"store">;
  private pageCacheBytes: () => number = () => 0;
  // prom-client hashes labels on every call; the children of seen label sets are kept instead.
  private readonly requestChildren = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();

  constructor() {
    const registers = [this.registry];
    this.requests = new Counter({ name: "better_share_http_requests_total", help: "HTTP requests answered, by route pattern, method and status.", labelNames: ["route", "method", "status"], registers });
    this.duration = new Histogram({
      name: "better_share_http_request_duration_seconds",
      help: "Time to answer an HTTP request, by route pattern and method.",
      labelNames: ["route", "method"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.created = new Counter({ name: "better_share_shares_created_total", help: "Shares created, by protocol (seed: the plugin; native: OpenCode's own).", labelNames: ["protocol"], registers });
    this.deleted = new Counter({ name: "better_share_shares_deleted_total", help: "Shares deleted, by reason (unshare, expired, admin).", labelNames: ["reason"], registers });
    this.syncs = new Counter({ name: "better_share_syncs_total", help: "Share updates: native sync batches and plugin upload URLs for an existing share.", labelNames: ["protocol"], registers });
    this.cacheHits = new Counter({ name: "better_share_page_cache_hits_total", help: "Share pages served from the rendered-page cache.", registers });
    this.cacheMisses = new Counter({ name: "better_share_page_cache_misses_total", help: "Share pages rendered because the cache did not hold them.", registers });
    const self = this;
    new Gauge({
      name: "better_share_page_cache_bytes",
      help: "Memory held by the rendered-page cache.",
      registers,
      collect() {
        this.set(self.pageCacheBytes());
      },
    });
    this.storeErrors = new Counter({ name: "better_share_store_errors_total", help: "Failed calls to a store, by store (share: SQLite/Postgres; blob: disk/S3).", labelNames: ["store"], registers });
    // Every label value known up front is exported from the start, so rates work from the first scrape.
    for (const p of ["seed", "native"]) {
      this.created.inc({ protocol: p }, 0);
      this.syncs.inc({ protocol: p }, 0);
    }
    for (const r of ["unshare", "expired", "admin"]) this.deleted.inc({ reason: r }, 0);
    for (const s of ["share", "blob"]) this.storeErrors.inc({ store: s }, 0);
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one answered request; `route` is the pattern (null when no route matched). */
  request(route: string | null, method: string, status: number, seconds: number): void {
    const r = route ?? "unmatched";
    const m = METHODS.has(method) ? method : "OTHER";
    const key = `${r} ${m} ${status}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      child = { count: this.requests.labels(r, m, String(status)), time: this.duration.labels(r, m) };
      this.requestChildren.set(key, child);
    }
    child.count.inc();
    child.time.observe(seconds);
  }

  shareCreated(protocol: ShareProtocol): void {
    this.created.inc({ protocol });
  }
  shareDeleted(reason: DeleteReason): void {
    this.deleted.inc({ reason });
  }
  synced(protocol: ShareProtocol): void {
    this.syncs.inc({ protocol });
  }
  pageCache(hit: boolean): void {
    (hit ? this.cacheHits : this.cacheMisses).inc();
  }
  watchPageCacheBytes(bytes: () => number): void {
    this.pageCacheBytes = bytes;
  }
  storeError(store: StoreName): void {
    this.storeErrors.inc({ store });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
