// Prometheus metrics (GET /metrics, METRICS=true) with prom-client: one
// registry per app, request series labelled by route pattern, the domain's
// counters (Telemetry) and the process's own metrics.
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { DeleteReason, StoreName, Telemetry } from "../core/telemetry.ts";
import type { Protocol } from "../stores/share-store.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/**
 * The per-request series, tallied in plain numbers and handed to the registry
 * only when it is scraped. prom-client's own Counter and Histogram hash their
 * label set on every call (several µs per request, a measurable share of a
 * cached page's cost); a request here is two map lookups and a few additions.
 */
class RequestSeries {
  private readonly counts = new Map<string, { labels: Labels; n: number }>();
  private readonly times = new Map<string, { labels: Labels; buckets: Float64Array; sum: number; count: number }>();

  record(route: string, method: string, status: number, seconds: number): void {
    const key = route + " " + method;
    const ckey = key + " " + status;
    const c = this.counts.get(ckey);
    if (c) c.n++;
    else this.counts.set(ckey, { labels: { route, method, status: String(status) }, n: 1 });
    let t = this.times.get(key);
    if (!t) this.times.set(key, (t = { labels: { route, method }, buckets: new Float64Array(BUCKETS.length), sum: 0, count: 0 }));
    t.sum += seconds;
    t.count++;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]!) {
        t.buckets[i]!++;
        break;
      }
    }
  }

  /** Metric objects in the shape prom-client's registry formats (name, help, type, get). */
  metrics() {
    const counter = {
      name: "better_share_http_requests_total",
      help: "HTTP requests answered, by route pattern, method and status.",
      type: "counter",
      get: () => ({ ...counter, values: [...this.counts.values()].map((c): Sample => ({ labels: c.labels, value: c.n })) }),
    };
    const hname = "better_share_http_request_duration_seconds";
    const histogram = {
      name: hname,
      help: "Time to answer an HTTP request, by route pattern and method.",
      type: "histogram",
      get: () => {
        const values: Sample[] = [];
        for (const t of this.times.values()) {
          let cumulative = 0;
          BUCKETS.forEach((le, i) => {
            cumulative += t.buckets[i]!;
            values.push({ labels: { ...t.labels, le: String(le) }, value: cumulative, metricName: `${hname}_bucket` });
          });
          values.push({ labels: { ...t.labels, le: "+Inf" }, value: t.count, metricName: `${hname}_bucket` });
          values.push({ labels: t.labels, value: t.sum, metricName: `${hname}_sum` });
          values.push({ labels: t.labels, value: t.count, metricName: `${hname}_count` });
        }
        return { ...histogram, values };
      },
    };
    return [counter, histogram];
  }
}

export class Metrics implements Telemetry {
  readonly registry = new Registry();
  private readonly requests = new RequestSeries();
  private readonly created: Counter<"protocol">;
  private readonly deleted: Counter<"reason">;
  private readonly syncs: Counter<"protocol">;
  private readonly cacheHits: Counter;
  private readonly cacheMisses: Counter;
  private readonly storeErrors: Counter<"store">;
  private pageCacheBytes: () => number = () => 0;

  constructor() {
    const registers = [this.registry];
    for (const m of this.requests.metrics()) this.registry.registerMetric(m as never);
    this.created = new Counter({ name: "better_share_shares_created_total", help: "Shares created, by protocol (upload: the plugin; native: OpenCode's own).", labelNames: ["protocol"], registers });
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
    for (const p of ["upload", "native"] satisfies Protocol[]) {
      this.created.inc({ protocol: p }, 0);
      this.syncs.inc({ protocol: p }, 0);
    }
    for (const r of ["unshare", "expired", "admin"]) this.deleted.inc({ reason: r }, 0);
    for (const s of ["share", "blob"]) this.storeErrors.inc({ store: s }, 0);
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one answered request; `route` is the pattern (null when no route matched). */
  request(route: string | null, method: string, status: number, seconds: number): void {
    this.requests.record(route ?? "unmatched", METHODS.has(method) ? method : "OTHER", status, seconds);
  }

  shareCreated(protocol: Protocol): void {
    this.created.inc({ protocol });
  }
  shareDeleted(reason: DeleteReason): void {
    this.deleted.inc({ reason });
  }
  synced(protocol: Protocol): void {
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
