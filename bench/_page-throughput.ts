// Cached share page throughput, measured from outside (see _outside.ts).
import { SHARE_DATA_PATH } from "../test/helpers/fixtures.ts";
import { capture, cleanup, describeRounds, interleave, reportRow, shareOn, startBaseline, startOurs, CONNECTIONS, ROUNDS, SECONDS, THREADS } from "./_outside.ts";
import { fmt } from "./lib.ts";

export async function pageThroughput(opts: { gzip: boolean; today: string }): Promise<void> {
  try {
    const ours = await startOurs();
    const id = await shareOn(ours.url, await Bun.file(SHARE_DATA_PATH).text());
    const path = `/share/${id}`;
    const headers = { "accept-encoding": opts.gzip ? "gzip" : "identity" };
    const canned = await capture(ours.url, path, headers); // also fills the render cache
    if (canned.status !== 200) throw new Error(`GET ${path}: ${canned.status}`);
    if (opts.gzip !== canned.headers.some(([k, v]) => k.toLowerCase() === "content-encoding" && v === "gzip")) throw new Error("unexpected encoding");
    const base = await startBaseline([canned]);
    const r = await interleave(ours.url + path, base.url + path, headers);
    const errors = r.ours.concat(r.base).reduce((n, x) => n + x.non2xx, 0);
    console.log(`Cached GET ${path} (${fmt(canned.body.byteLength / 1024, 1)} KB ${opts.gzip ? "gzip" : "uncompressed"}), wrk -t${THREADS} -c${CONNECTIONS} ${SECONDS}s × ${ROUNDS} rounds, interleaved; server log to a file`);
    console.log(describeRounds(r));
    if (errors) console.log(`non-2xx answers: ${errors}`);
    reportRow({
      row: `cached GET /share/:id${opts.gzip ? " gzip" : ""} req/s ÷ Bun.serve`,
      today: opts.today,
      goal: "≥ 0.9×",
      now: `${fmt(r.ratio)}×`,
      met: r.ratio >= 0.9 && errors === 0,
    });
  } finally {
    await cleanup();
  }
}
