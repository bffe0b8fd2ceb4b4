// Native-protocol sync benchmark (zero-plugin mode), against the compiled
// binary on both share stores:
//   cost of a sync carrying one new part into shares of ~100 KB, 2 MB and
//   20 MB (ratio to the 100 KB case; the goal is ≤ 2× at 20 MB), and
//   throughput of sync batches with 1, 4 and 16 shares syncing at once.


import { buildBinary, run, startBinary, type Server } from "../test/helpers/binary.ts";
import { freshDatabase } from "../test/helpers/postgres.ts";
import type { ShareData } from "../src/core/model.ts";
import { toNativeItems } from "../src/core/share-data.ts";
import { fmt, table, percentile } from "./lib.ts";
import { generateSession } from "../test/helpers/sessions.ts";
import { tempDir } from "../test/helpers/tmp.ts";

const LIMITS = { RATE_LIMIT_SHARES_PER_HOUR: "1000000000", RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000000" };
const SYNCS = Number(process.env.BENCH_SYNCS ?? 150);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function createShare(s: Server, sessionID: string) {
  const r = await post(`${s.url}/api/share`, { sessionID });
  if (r.status !== 200) throw new Error(`create ${r.status} ${await r.text()}`);
  return (await r.json()) as { id: string; secret: string };
}

function newPart(data: ShareData, n: number) {
  const last = data.messages[data.messages.length - 1]!;
  return {
    type: "part",
    data: { id: `prt_zz${String(n).padStart(6, "0")}`, sessionID: data.sessionId, messageID: last.info.id, type: "text", text: `new text ${n} `.repeat(20) },
  };
}


async function syncCost(s: Server, label: string) {
  const sizes = [
    { name: "100 KB", messages: 40, out: 1400 },
    { name: "2 MB", messages: 400, out: 4300 },
    { name: "20 MB", messages: 2000, out: 13500 },
  ];
  const rows: Array<Record<string, string | number>> = [];
  let base = 0;
  for (const [i, sz] of sizes.entries()) {
    const data = generateSession({ messages: sz.messages, outputChars: sz.out, shareId: `Sync${label.slice(0, 2)}${i}x`, seed: i + 1 });
    const share = await createShare(s, data.sessionId);
    const items = toNativeItems(data);
    const bytes = Buffer.byteLength(JSON.stringify(items));
    const t0 = performance.now();
    const full = await post(`${s.url}/api/share/${share.id}/sync`, { secret: share.secret, data: items });
    const fullMs = performance.now() - t0;
    if (full.status !== 200) throw new Error(`full sync ${full.status} ${await full.text()}`);
    // A page view in between, so the server holds the assembled share as it would when watched.
    await fetch(`${s.url}/api/share/${share.id}`).then((r) => r.arrayBuffer());
    const lat: number[] = [];
    for (let n = 0; n < SYNCS; n++) {
      const t = performance.now();
      const r = await post(`${s.url}/api/share/${share.id}/sync`, { secret: share.secret, data: [newPart(data, n), { type: "session", data: data.session }] });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`sync ${r.status}`);
      lat.push(performance.now() - t);
    }
    const p50 = percentile(lat, 0.5);
    if (i === 0) base = p50;
    rows.push({
      store: label,
      session: `${sz.name} (${(bytes / 1e6).toFixed(2)} MB)`,
      "first full sync ms": fmt(fullMs, 0),
      "1-part sync p50 ms": fmt(p50),
      "p99 ms": fmt(percentile(lat, 0.99)),
      "× 100 KB p50": fmt(p50 / base),
    });
  }
  return rows;
}

async function throughput(s: Server, label: string) {
  const rows: Array<Record<string, string | number>> = [];
  let base = 0;
  for (const shares of [1, 4, 16]) {
    const made = await Promise.all(
      Array.from({ length: shares }, async (_, k) => {
        const data = generateSession({ messages: 20, outputChars: 500, shareId: `T${label[0]}${String(shares).padStart(2, "0")}${String(k).padStart(4, "0")}`, seed: 100 + k });
        const sh = await createShare(s, data.sessionId);
        await post(`${s.url}/api/share/${sh.id}/sync`, { secret: sh.secret, data: toNativeItems(data) });
        return { sh, data };
      }),
    );
    let batches = 0;
    const until = performance.now() + SECONDS * 1000;
    await Promise.all(
      made.map(async ({ sh, data }) => {
        let n = 0;
        while (performance.now() < until) {
          const batch = [newPart(data, n++), newPart(data, n++), newPart(data, n++), { type: "session", data: data.session }];
          const r = await post(`${s.url}/api/share/${sh.id}/sync`, { secret: sh.secret, data: batch });
          await r.arrayBuffer();
          if (r.status === 200) batches++;
        }
      }),
    );
    const rate = batches / SECONDS;
    if (shares === 1) base = rate;
    rows.push({ store: label, "concurrent shares": shares, "batches/s": fmt(rate, 0), "× 1 share": fmt(rate / base) });
  }
  return rows;
}

const bin = buildBinary();
const cost: Array<Record<string, string | number>> = [];
const tput: Array<Record<string, string | number>> = [];
{
  const s = await startBinary(bin, { DATA_DIR: tempDir("bs-bench-"), ...LIMITS });
  cost.push(...(await syncCost(s, "sqlite")));
  tput.push(...(await throughput(s, "sqlite")));
  await s.stop();
}
{
  const db = await freshDatabase("benchsync");
  await run(bin, ["migrate"], { DATABASE_URL: db }).exited;
  const s = await startBinary(bin, { DATABASE_URL: db, DATA_DIR: tempDir("bs-bench-"), ...LIMITS });
  cost.push(...(await syncCost(s, "postgres")));
  tput.push(...(await throughput(s, "postgres")));
  await s.stop();
}
console.log(`\n## Native sync: one new part into a share of growing size (${SYNCS} syncs each)\n`);
console.log(table(cost));
console.log(`\n## Native sync throughput (batches of 4 items, ${SECONDS}s)\n`);
console.log(table(tput));
process.exit(0);
