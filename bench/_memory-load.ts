// The load process for bench/memory.ts (a separate process, so the server's
// RSS is the server's alone): `total` mixed requests — page views, API reads,
// native syncs and bad requests — at a fixed concurrency, printing a progress
// line every 10,000.
const [url, uploadId, nativeId, secret, sessionId, totalArg] = process.argv.slice(2);
const total = Number(totalArg);
const CONCURRENCY = 16;
let sent = 0;
let errors = 0;
const statuses = new Map<number, number>();

function request(i: number): [string, RequestInit?] {
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return [`${url}/share/${uploadId}`];
    case 3:
      return [`${url}/share/${nativeId}`];
    case 4:
      return [`${url}/api/share/${uploadId}`];
    case 5:
      return [`${url}/api/share/${nativeId}/data`];
    case 6: {
      // A sync rewrites one of 50 parts: the share changes all the time but keeps
      // its size, so RSS that keeps growing would be a leak, not a bigger share.
      const body = JSON.stringify({
        secret,
        data: [{ type: "part", data: { id: `prt_${i % 50}`, messageID: "msg_mem00001", sessionID: sessionId, type: "text", text: `turn ${i}` } }],
      });
      return [`${url}/api/share/${nativeId}/sync`, { method: "POST", headers: { "content-type": "application/json" }, body }];
    }
    case 7:
      return [`${url}/share/%ZZ`];
    case 8:
      return [`${url}/api/share/${nativeId}/sync`, { method: "POST", headers: { "content-type": "application/json" }, body: "{broken" }];
    default:
      return [`${url}/api/share/zzzz${i % 10000}`];
  }
}

async function worker() {
  while (sent < total) {
    const i = sent++;
    try {
      const [u, init] = request(i);
      const r = await fetch(u, init);
      await r.arrayBuffer();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    } catch {
      errors++;
    }
    if ((i + 1) % 10_000 === 0) {
      console.log(`done ${i + 1}`);
      console.error(`memory bench: ${i + 1} requests sent`);
    }
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
export {};
console.log(`statuses ${[...statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${v}`).join(" ")} errors ${errors}`);
