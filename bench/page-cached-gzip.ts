// Row 2: as page-cached.ts with Accept-Encoding: gzip; the baseline serves the same gzip bytes.
import { pageThroughput } from "./_page-throughput.ts";

await pageThroughput({ gzip: true, today: "0.46–0.53×" });
