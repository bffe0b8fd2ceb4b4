// What watching the server costs: cached GET /share/:id throughput with
// METRICS=true and LOG_FORMAT=json against both off (text log, no metrics),
// and the JSON log's CPU cost per request (LOG_FORMAT=json against text, no
// metrics). Three compiled servers, each logging to its own file, measured in
// turn by wrk (a separate process) round after round; medians of the rounds.
import { statSync } from "node:fs";
import { SHARE_DATA_PATH } from "../test/helpers/fixtures.ts";
import { cleanup, cpuMs, shareOn, startOurs, wrk, CONNECTIONS, ROUNDS, SECONDS, THREADS } from "./_outside.ts";
import { fmt, load1, reportRow, median } from "./lib.ts";

interface Round {
  rps: number;
  /** Server CPU time per request, µs. */
  cpuUs: number;
  non2xx: number;
}

try {
  const json = await Bun.file(SHARE_DATA_PATH).text();
  const variants = {
    off: await startOurs(),
    on: await startOurs({ METRICS: "true", LOG_FORMAT: "json" }),
    jsonOnly: await startOurs({ LOG_FORMAT: "json" }),
  };
  const paths: Record<string, string> = {};
  for (const [name, s] of Object.entries(variants)) {
    const id = await shareOn(s.url, json);
    paths[name] = `${s.url}/share/${id}`;
    const warm = await fetch(paths[name]!, { headers: { "accept-encoding": "identity" } });
    if (warm.status !== 200) throw new Error(`${name}: GET /share/${id} answered ${warm.status}`);
    await warm.arrayBuffer();
  }
  const headers = { "accept-encoding": "identity" };
  for (const name of Object.keys(variants)) await wrk(paths[name]!, headers, 1);

  const rounds: Record<string, Round[]> = { off: [], on: [], jsonOnly: [] };
  const loads: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    loads.push(load1());
    for (const [name, s] of Object.entries(variants)) {
      const before = cpuMs(s.pid);
      const r = await wrk(paths[name]!, headers);
      const requests = r.rps * SECONDS;
      rounds[name]!.push({ rps: r.rps, cpuUs: ((cpuMs(s.pid) - before) * 1000) / requests, non2xx: r.non2xx });
    }
  }

  const med = (name: string, k: "rps" | "cpuUs") => median(rounds[name]!.map((r) => r[k]));
  const ratio = median(rounds.on!.map((r, i) => r.rps / rounds.off![i]!.rps));
  const jsonCostUs = median(rounds.jsonOnly!.map((r, i) => r.cpuUs - rounds.off![i]!.cpuUs));
  const errors = Object.values(rounds).flat().reduce((n, r) => n + r.non2xx, 0);
  const bytesPerLine = (s: { logFile: string }, total: number) => statSync(s.logFile).size / total;
  const served = (name: string) => rounds[name]!.reduce((n, r) => n + r.rps * SECONDS, 0);

  // The metrics server really counted: its scrape shows the page requests.
  const scrape = await (await fetch(`${variants.on.url}/metrics`)).text();
  const counted = Number(/better_share_http_requests_total\{route="\/share\/:id",method="GET",status="200"\} (\d+)/.exec(scrape)?.[1] ?? 0);

  console.log(`Cached GET /share/:id (uncompressed), wrk -t${THREADS} -c${CONNECTIONS} ${SECONDS}s × ${ROUNDS} rounds, three servers in turn; each server logs to its own file`);
  for (const name of Object.keys(variants))
    console.log(
      `${name.padEnd(8)} req/s: ${rounds[name]!.map((r) => fmt(r.rps, 0)).join(" ")} (median ${fmt(med(name, "rps"), 0)}); CPU per request ${fmt(med(name, "cpuUs"), 1)} µs; log ${fmt(bytesPerLine(variants[name as keyof typeof variants], served(name)), 0)} bytes/request`,
    );
  console.log(`METRICS=true + LOG_FORMAT=json ÷ both off, per round: ${rounds.on!.map((r, i) => fmt(r.rps / rounds.off![i]!.rps)).join(" ")}; median ${fmt(ratio)}×`);
  console.log(`JSON log cost (LOG_FORMAT=json − text CPU per request, metrics off): ${fmt(jsonCostUs, 1)} µs per request`);
  console.log(`requests the metrics server counted on /share/:id: ${counted}; load average (1 min) per round: ${loads.join(" ")}`);
  if (errors) console.log(`non-2xx answers: ${errors}`);
  reportRow({
    row: "cached page req/s, METRICS=true + LOG_FORMAT=json ÷ both off",
    today: "n/a (no metrics, text log only)",
    goal: "≥ 0.95×",
    now: `${fmt(ratio)}×`,
    met: ratio >= 0.95 && errors === 0 && counted > 0,
  });
} finally {
  await cleanup();
}
