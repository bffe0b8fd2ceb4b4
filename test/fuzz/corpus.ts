// A seeded generator of malformed and hostile requests for the fuzz suite:
// every route, with ids, bodies, headers, methods and signed URLs bent in the
// ways clients (and attackers) bend them. The same seed gives the same corpus.

export interface FuzzTargets {
  /** A share made through the upload protocol and a native share with items; their secrets are known. */
  upload: { id: string; secret: string; presignedUrl: string };
  native: { id: string; secret: string; sessionId: string };
}

export interface FuzzCase {
  n: number;
  label: string;
  method: string;
  /** Path and query, or a full URL (signed uploads to an S3 server). */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  /** The request must fail (4xx): it carries a real secret but something is wrong. */
  mustFail: boolean;
}

/** mulberry32: small, fast, good enough to pick cases reproducibly. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

type R = ReturnType<typeof rng>;

const deep = (n: number, open = "[", close = "]") => open.repeat(n) + close.repeat(n);
const deepObj = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);

/** Path segments standing where a share id goes. */
function hostileId(r: R, t: FuzzTargets): string {
  return r.pick([
    "..",
    "../..",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e",
    "%00",
    "abc%00defg",
    "%ZZ",
    "%",
    "%E0%A4%A",
    "%C0%AF",
    "%FF%FE%FD",
    encodeURIComponent("ümlautüö"),
    encodeURIComponent("😀😀😀😀😀😀😀😀"),
    encodeURIComponent("Ａｂｃｄｅｆｇｈ"),
    "a".repeat(10_000),
    "A".repeat(7),
    "A".repeat(9),
    "",
    " ",
    "%20abcdefg",
    "abcd efgh".replace(" ", "%20"),
    "abcdefg!",
    "abcdefg;",
    "ABCDEFGH.json",
    "ABCDEFGH.md.md",
    `${t.upload.id}.md`,
    `${t.upload.id}%2F`,
    t.upload.id.toLowerCase(),
    t.upload.id,
    t.native.id,
    "zzzzzzzz",
    "%3Cscript%3E",
    "${jndi:ldap}",
    encodeURIComponent("'; DROP TABLE shares; --"),
  ]);
}

/** A value of the wrong type, size or encoding for some field. */
function hostileValue(r: R): unknown {
  return r.pick<() => unknown>([
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 1.5,
    () => 1e308,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => "",
    () => "x".repeat(100_000),
    () => "\u0000\u0000",
    () => "ses_\u0000abcdefgh",
    () => "\ud800",
    () => "ünïcødé 😀",
    () => "<script>alert(1)</script>",
    () => [],
    () => [1, 2, 3],
    () => ({}),
    () => ({ $ne: null }),
    () => JSON.parse(deep(40)),
    () => "ses_" + "a".repeat(5000),
    () => "ses_abcdefgh../..",
  ])();
}

/** A body that is broken as JSON, as UTF-8, or by size. */
function brokenBody(r: R): { body: string | Uint8Array; label: string } {
  return r.pick<() => { body: string | Uint8Array; label: string }>([
    () => ({ body: "{", label: "truncated JSON" }),
    () => ({ body: "{'a': 1}", label: "single quotes" }),
    () => ({ body: '{"a":1,}', label: "trailing comma" }),
    () => ({ body: "null", label: "null body" }),
    () => ({ body: "[]", label: "array body" }),
    () => ({ body: '"str"', label: "string body" }),
    () => ({ body: "1e999999", label: "huge number" }),
    () => ({ body: '{"a":1,"a":2}', label: "duplicate keys" }),
    () => ({ body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), label: "invalid UTF-8" }),
    () => ({ body: new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), label: "UTF-8 BOM" }),
    () => ({ body: "\u0000".repeat(100), label: "NUL bytes" }),
    () => ({ body: deep(50_000), label: "50,000 nested arrays" }),
    () => ({ body: `{"data":${deep(20_000)}}`, label: "nested arrays in a field" }),
    () => ({ body: deepObj(5_000), label: "5,000 nested objects" }),
    () => ({ body: "{}" + " ".repeat(200_000), label: "200 KB of trailing spaces" }),
    () => ({ body: `{"x":"${"y".repeat(300_000)}"}`, label: "300 KB string" }),
    () => ({ body: "", label: "empty body" }),
  ])();
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PROPFIND", "PURGE"];

const CONTENT_TYPES = [
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "application/jsonx",
  "",
  "json",
  "application/json\u00e9".replace("\u00e9", "e"),
];

/** Routes by template; `:id` is filled with hostile or real ids. */
const ROUTES: Array<{ method: string; path: string; body?: "uploadCreate" | "presign" | "native" | "sync" | "delete" | "expiry" | "blob" }> = [
  { method: "POST", path: "/api/share/presign", body: "uploadCreate" },
  { method: "POST", path: "/api/share/:id/presign", body: "presign" },
  { method: "GET", path: "/api/share/:id" },
  { method: "DELETE", path: "/api/share/:id", body: "delete" },
  { method: "POST", path: "/api/share", body: "native" },
  { method: "POST", path: "/api/share/:id/sync", body: "sync" },
  { method: "GET", path: "/api/share/:id/data" },
  { method: "POST", path: "/api/share/:id/expiry", body: "expiry" },
  { method: "GET", path: "/api/share/:id/stats" },
  { method: "PUT", path: "/api/blob/:id", body: "blob" },
  { method: "GET", path: "/share/:id" },
  { method: "GET", path: "/share/:id.md" },
  { method: "GET", path: "/" },
  { method: "GET", path: "/static/:id" },
  { method: "GET", path: "/api/health" },
  { method: "GET", path: "/api/openapi.json" },
  { method: "GET", path: "/api/:id" },
];

function fieldsFor(kind: string, t: FuzzTargets): Record<string, unknown> {
  switch (kind) {
    case "uploadCreate":
      return { shareId: "Fuzz0001", sessionId: "ses_fuzzfuzzFuzz0001", size: 100 };
    case "presign":
      return { size: 100 };
    case "native":
      return { sessionID: "ses_fuzzfuzzNative01" };
    case "sync":
      return { secret: "wrong-secret", data: [{ type: "session", data: { id: t.native.sessionId, title: "fuzzed" } }] };
    case "delete":
      return { secret: "wrong-secret" };
    case "expiry":
      return { expiresIn: 3600 };
    default:
      return {};
  }
}

/** A native batch that must be refused whole: a real secret, and one bad item among good ones. */
function poisonedBatch(r: R, t: FuzzTargets): { body: string; label: string } {
  const good = { type: "message", data: { id: "msg_fuzzAAAA", sessionID: t.native.sessionId, role: "user", time: { created: 1 } } };
  const bad = r.pick<[string, unknown]>([
    ["unknown type", { type: "evil", data: {} }],
    ["message without id", { type: "message", data: { sessionID: t.native.sessionId } }],
    ["foreign session", { type: "message", data: { id: "msg_x", sessionID: "ses_someoneelse0000" } }],
    ["part without messageID", { type: "part", data: { id: "prt_x", sessionID: t.native.sessionId } }],
    ["data not an object", { type: "session", data: "str" }],
    ["session_diff not an array", { type: "session_diff", data: {} }],
    ["NUL in a message id", { type: "message", data: { id: "msg_\u0000x", sessionID: t.native.sessionId } }],
    ["item is null", null],
    ["item is an array", [1, 2]],
    ["deep item", { type: "part", data: { id: "prt_d", messageID: "msg_d", sessionID: t.native.sessionId, x: JSON.parse(deep(150)) } }],
  ]);
  const items = r.int(2) ? [good, bad[1]] : [bad[1], good];
  if (bad[0] === "deep item") {
    // JSON.stringify of the parsed value keeps the nesting: build the text directly.
    return { body: `{"secret":${JSON.stringify(t.native.secret)},"data":[${JSON.stringify(good)},{"type":"part","data":{"id":"prt_d","messageID":"msg_d","sessionID":"${t.native.sessionId}","x":${deep(150)}}}]}`, label: "sync with a real secret and a too-deep item" };
  }
  return { body: JSON.stringify({ secret: t.native.secret, data: items }), label: `sync with a real secret and a bad item (${bad[0]})` };
}

/** Signed upload URLs, bent: tampered, expired, for another share, for another size. */
function bentUpload(r: R, t: FuzzTargets): { path: string; label: string; body: string } {
  const u = new URL(t.upload.presignedUrl);
  const kind = r.int(7);
  const body = '{"not":"the share"}';
  if (u.pathname.startsWith("/api/blob/")) {
    const q = u.searchParams;
    const rel = (p: string, qs: URLSearchParams) => `${p}?${qs}`;
    switch (kind) {
      case 0: {
        const sig = q.get("sig")!;
        q.set("sig", (sig[0] === "A" ? "B" : "A") + sig.slice(1));
        return { path: rel(u.pathname, q), label: "disk upload URL with a tampered signature", body };
      }
      case 1:
        q.set("expires", String(Math.floor(Date.now() / 1000) - 60));
        return { path: rel(u.pathname, q), label: "disk upload URL with expires moved into the past", body };
      case 2:
        return { path: rel(`/api/blob/${t.native.id}`, q), label: "disk upload URL used for another share", body };
      case 3:
        q.set("size", "1");
        return { path: rel(u.pathname, q), label: "disk upload URL with another size", body };
      case 4:
        q.delete("sig");
        return { path: rel(u.pathname, q), label: "disk upload URL without signature", body };
      case 5:
        q.set("expires", "9".repeat(40));
        return { path: rel(u.pathname, q), label: "disk upload URL with a huge expiry", body };
      default:
        return { path: rel(u.pathname, new URLSearchParams({ expires: "%%", sig: "\u0000", size: "-1" })), label: "disk upload URL with garbage parameters", body };
    }
  }
  // S3: the URL points at the S3 server; bend it the same ways.
  const q = u.searchParams;
  switch (kind) {
    case 0:
      q.set("X-Amz-Signature", "0".repeat(64));
      break;
    case 1:
      q.set("X-Amz-Date", "20200101T000000Z");
      break;
    case 2:
      u.pathname = u.pathname.replace(t.upload.id, t.native.id);
      break;
    case 3:
      q.set("X-Amz-Expires", "999999");
      break;
    default:
      q.delete("X-Amz-Signature");
  }
  return { path: u.toString(), label: `S3 upload URL bent (${kind})`, body };
}

export function generateCorpus(seed: number, count: number, t: FuzzTargets): FuzzCase[] {
  const r = rng(seed);
  const out: FuzzCase[] = [];
  for (let n = 0; n < count; n++) {
    const route = r.pick(ROUTES);
    const roll = r.int(100);
    const headers: Record<string, string> = {};
    let method = route.method;
    let label: string;
    let body: string | Uint8Array | undefined;
    let mustFail = false;
    let id = r.int(4) === 0 ? r.pick([t.upload.id, t.native.id]) : hostileId(r, t);
    if (route.path === "/static/:id") id = r.pick(["..%2F..%2Fsrc%2Fapp.ts", "%ZZ", "app.css%00", "a".repeat(5000), "../../etc/passwd"]);
    let path = route.path.replace(":id", id);
    const fields = fieldsFor(route.body ?? "", t);
    if (route.body) headers["content-type"] = "application/json";

    if (roll < 20) {
      label = "hostile id";
      if (route.body) body = JSON.stringify(fields);
    } else if (roll < 40 && route.body) {
      const keys = Object.keys(fields);
      const key = keys.length && r.int(4) ? r.pick(keys) : r.pick(["__proto__", "constructor", "unknownField", "", "a".repeat(300)]);
      const value = hostileValue(r);
      label = `field ${key.slice(0, 20)} = ${JSON.stringify(value)?.slice(0, 40)}`;
      body = JSON.stringify({ ...fields, [key]: value });
    } else if (roll < 55) {
      const b = brokenBody(r);
      if (!route.body) {
        // Broken bodies go to routes that read bodies.
        method = "POST";
        path = `/api/share/${r.pick([t.native.id, id])}/sync`;
      }
      label = `broken body: ${b.label}`;
      body = b.body;
      headers["content-type"] = "application/json";
    } else if (roll < 62) {
      headers["content-type"] = r.pick(CONTENT_TYPES);
      label = `content type ${JSON.stringify(headers["content-type"])}`;
      body = JSON.stringify(fields);
    } else if (roll < 70) {
      method = r.pick(METHODS);
      label = `method ${method}`;
      if (method !== "GET" && method !== "HEAD") body = JSON.stringify(fields);
    } else if (roll < 77) {
      const which = r.int(5);
      if (which === 0) headers["x-share-secret"] = r.pick(["", "x".repeat(8000), "wrong", "\u00e9".repeat(10)].map((s) => s.replace(/[^\x00-\xff]/g, "?")));
      if (which === 1) headers["authorization"] = r.pick(["Bearer", "Bearer " + "x".repeat(6000), "Basic Zm9vOmJhcg==", "Bearer bst_" + "0".repeat(40)]);
      if (which === 2) headers["x-forwarded-for"] = r.pick(["1.2.3.4, 5.6.7.8", "x".repeat(3000), "::1", "not-an-ip"]);
      if (which === 3) headers["if-none-match"] = r.pick(["*", '"x"', "W/" + "\"a\"".repeat(500)]);
      if (which === 4) headers["accept-encoding"] = r.pick(["gzip;q=0", "br, gzip, deflate, *", "x".repeat(4000)]);
      label = `headers ${Object.keys(headers).join(",")}`;
      if (route.body) body = JSON.stringify(fields);
    } else if (roll < 82) {
      // Over Bun's ~16 KB header limit: Bun's own 431 is the documented answer.
      headers["x-padding"] = "p".repeat(r.pick([9_000, 17_000, 40_000]));
      label = `oversized header (${headers["x-padding"].length} bytes)`;
    } else if (roll < 88) {
      const b = poisonedBatch(r, t);
      method = "POST";
      path = `/api/share/${t.native.id}/sync`;
      headers["content-type"] = "application/json";
      body = b.body;
      label = b.label;
      mustFail = true;
    } else if (roll < 94) {
      const b = bentUpload(r, t);
      method = "PUT";
      path = b.path;
      body = b.body;
      headers["content-type"] = "application/json";
      label = b.label;
      mustFail = true;
    } else {
      // A real secret with a body that is wrong in shape.
      method = r.pick(["POST", "DELETE"]);
      path = method === "POST" ? `/api/share/${t.upload.id}/presign` : `/api/share/${t.native.id}`;
      headers["x-share-secret"] = method === "POST" ? t.upload.secret : t.native.secret;
      headers["content-type"] = "application/json";
      body = r.pick([JSON.stringify({ size: -5 }), JSON.stringify({ size: "100" }), JSON.stringify({ secret: 7 }), JSON.stringify({ extra: 1 }), "{", deep(5000)]);
      label = `real secret, malformed body ${String(body).slice(0, 30)}`;
      mustFail = true;
    }
    if (r.int(10) === 0 && !path.includes("?") && !path.startsWith("http")) path += r.pick(["?page=%ZZ", "?page=-1", "?page=" + "9".repeat(40), "?a=" + "b".repeat(5000), "?&&&==", "?page=1e9"]);
    // fetch cannot send a body with GET or HEAD; the rest of the case still applies.
    if ((method === "GET" || method === "HEAD") && body !== undefined) body = undefined;
    out.push({ n, label, method, path, headers, body, mustFail });
  }
  return out;
}
