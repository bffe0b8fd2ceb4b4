// Row 6: GET /api/share/:id req/s from wrk for a 21 KB (the fixture), ~2 MB
// and ~20 MB share, each ÷ a bare Bun.serve handing out the same JSON bytes.
import { SHARE_DATA_PATH } from "../test/helpers/fixtures.ts";
import { generateSession } from "../test/helpers/sessions.ts";
import { capture, cleanup, describeRounds, interleave, reportRow, shareOn, startBaseline, startOurs, CONNECTIONS, ROUNDS, SECONDS, THREADS, type Canned } from "./_outside.ts";
import { fmt } from "./lib.ts";

function sized(shareId: string, messages: number, target: number): string {
  let outputChars = 18_000;
  let json = JSON.stringify(generateSession({ messages, outputChars, shareId, seed: 3 }));
  outputChars = Math.max(100, Math.round(outputChars * (target / json.length) ** 1.05));
  json = JSON.stringify(generateSession({ messages, outputChars, shareId, seed: 3 }));
  return json;
}

try {
  const ours = await startOurs();
  const sessions = [await Bun.file(SHARE_DATA_PATH).text(), sized("ApiRd2MB", 200, 2_000_000), sized("ApiRd20M", 2000, 20_000_000)];
  const canned: Canned[] = [];
  for (const json of sessions) {
    const id = await shareOn(ours.url, json);
    const c = await capture(ours.url, `/api/share/${id}`, { "accept-encoding": "identity" });
    if (c.status !== 200) throw new Error(`GET /api/share/${id}: ${c.status}`);
    canned.push(c);
  }
  const base = await startBaseline(canned);
  const ratios: string[] = [];
  let met = true;
  console.log(`GET /api/share/:id, wrk -t${THREADS} -c${CONNECTIONS} ${SECONDS}s × ${ROUNDS} rounds, interleaved with the baseline; server log to a file`);
  for (const c of canned) {
    // 32 connections each pulling 20 MB need a few seconds to finish any request at all
    const seconds = c.body.byteLength > 10e6 ? Math.max(SECONDS, 8) : SECONDS;
    const r = await interleave(ours.url + c.path, base.url + c.path, { "accept-encoding": "identity" }, seconds);
    console.log(`\n${c.path} (${fmt(c.body.byteLength / 1e6, 2)} MB JSON)`);
    console.log(describeRounds(r));
    ratios.push(`${fmt(r.ratio)}×`);
    if (r.ratio < 0.8 || r.ours.some((x) => x.non2xx)) met = false;
  }
  reportRow({ row: "GET /api/share/:id req/s ÷ static server (21 KB / 2 MB / 20 MB)", today: "0.12× / 0.10× / ~0.05×", goal: "≥ 0.8×", now: ratios.join(" / "), met });
} finally {
  await cleanup();
}
