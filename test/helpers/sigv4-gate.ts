// s3rver does not check SigV4 signatures, so presigned URLs would be accepted
// whatever was signed into them. This gate sits in front of it and verifies
// presigned (query-string) requests the way S3 and R2 do — canonical request
// over the signed headers as actually sent, expiry — then forwards to s3rver.
import { createHash, createHmac } from "node:crypto";

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

function verify(req: Request, url: URL, secretKey: string, now: number): string | null {
  const q = url.searchParams;
  const signature = q.get("X-Amz-Signature");
  const credential = q.get("X-Amz-Credential");
  const date = q.get("X-Amz-Date");
  const expires = Number(q.get("X-Amz-Expires"));
  const signedHeaders = q.get("X-Amz-SignedHeaders");
  if (!signature || !credential || !date || !signedHeaders || !Number.isFinite(expires)) return "AuthorizationQueryParametersError";
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (!m) return "AuthorizationQueryParametersError";
  const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (now > signedAt + expires * 1000) return "AccessDenied (Request has expired)";
  const [, scopeDate, region, service] = credential.split("/");
  const query = [...q.entries()]
    .filter(([k]) => k !== "X-Amz-Signature")
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const names = signedHeaders.split(";");
  const headers = names.map((n) => `${n}:${(req.headers.get(n) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const path = url.pathname.split("/").map((seg) => enc(decodeURIComponent(seg))).join("/");
  const payload = q.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD";
  const canonical = [req.method, path, query, headers, signedHeaders, payload].join("\n");
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", date, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  let key = hmac(`AWS4${secretKey}`, scopeDate!);
  key = hmac(key, region!);
  key = hmac(key, service!);
  key = hmac(key, "aws4_request");
  const expected = createHmac("sha256", key).update(toSign).digest("hex");
  return expected === signature ? null : "SignatureDoesNotMatch";
}

export function startSigV4Gate(upstream: string, secretKey: string) {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.searchParams.has("X-Amz-Signature")) {
        const problem = verify(req, url, secretKey, Date.now());
        if (problem)
          return new Response(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${problem}</Code></Error>`, {
            status: 403,
            headers: { "content-type": "application/xml" },
          });
      }
      const headers = new Headers(req.headers);
      headers.delete("host");
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
      const res = await fetch(upstream + url.pathname + url.search, { method: req.method, headers, body, redirect: "manual" });
      return new Response(res.body, { status: res.status, headers: res.headers });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
