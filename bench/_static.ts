// The baseline server: a bare Bun.serve answering each path with bytes and
// headers captured from ours (see _outside.ts startBaseline). Usage: bun _static.ts DIR PORT
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, port] = process.argv.slice(2) as [string, string];
// A Blob body is shared by every answer; a Uint8Array one is copied per Response (20 MB a request).
interface Variant { status: number; headers: Array<[string, string]>; body: Blob }
const byPath = new Map<string, { plain?: Variant; gzip?: Variant }>();
for (const e of JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as Array<{ path: string; gzip: boolean; status: number; headers: Array<[string, string]>; file: string }>) {
  const slot = byPath.get(e.path) ?? {};
  slot[e.gzip ? "gzip" : "plain"] = { status: e.status, headers: e.headers, body: new Blob([readFileSync(join(dir, e.file))]) };
  byPath.set(e.path, slot);
}

Bun.serve({
  hostname: "127.0.0.1",
  port: Number(port),
  fetch(req) {
    const slot = byPath.get(new URL(req.url).pathname);
    const v = slot && ((req.headers.get("accept-encoding") ?? "").includes("gzip") ? slot.gzip ?? slot.plain : slot.plain ?? slot.gzip);
    return v ? new Response(v.body, { status: v.status, headers: v.headers }) : new Response("no", { status: 404 });
  },
});
