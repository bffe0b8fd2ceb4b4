// Row 1: cached GET /share/:id (the fixture's page) req/s from wrk, without
// compression, ÷ a bare Bun.serve handing out the same bytes and headers.
import { pageThroughput } from "./_page-throughput.ts";

await pageThroughput({ gzip: false, today: "0.54–0.64×" });
