// A share made from OpenCode 2, uploaded through the compiled ./better-share's
// real API the way the plugin uploads it, then read back as page, Markdown,
// JSON and native export.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildBinary, startBinary, type Server } from "../helpers/binary.ts";
import { tempDir } from "../helpers/tmp.ts";
import { capturedShare, hostileV2Share } from "../views/v2-corpus.ts";
import { auditHtml } from "../views/html-audit.ts";

let s: Server;
beforeAll(async () => {
  s = await startBinary(buildBinary(), { DATA_DIR: tempDir("bs-v2-") });
}, 180_000);
afterAll(async () => {
  await s?.stop();
});

/** Creates a share for `body` (JSON text) and uploads it to the presigned URL, as the plugin does. */
async function upload(shareId: string, sessionId: string, body: string): Promise<void> {
  const created = await fetch(`${s.url}/api/share/presign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ shareId, sessionId, size: Buffer.byteLength(body) }),
  });
  expect(created.status).toBe(200);
  const { presignedUrl } = (await created.json()) as { presignedUrl: string };
  expect((await fetch(presignedUrl, { method: "PUT", headers: { "content-type": "application/json" }, body })).status).toBe(200);
}

describe("OpenCode 2 share through the binary", () => {
  test("the captured 2.x turn: JSON back byte for byte, page, Markdown, and /data explains it cannot be imported", async () => {
    const data = capturedShare("V2turn01");
    const body = JSON.stringify(data);
    await upload(data.shareId, data.sessionId, body);

    const raw = await fetch(`${s.url}/api/share/V2turn01`);
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe(body);

    const page = await fetch(`${s.url}/share/V2turn01`);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const want of ["Run echo hi and tell me what it printed.", 'id="p-call_1796153658749"', "exit 0", "The command printed: hi", "240 in · 24 out", "mock/mock-1"]) expect(html).toContain(want);
    expect((await auditHtml(html, s.url)).problems).toEqual([]);

    const md = await fetch(`${s.url}/share/V2turn01.md`);
    expect(md.status).toBe(200);
    expect(await md.text()).toContain("```bash\necho hi\n```");

    const native = await fetch(`${s.url}/api/share/V2turn01/data`);
    expect(native.status).toBe(409);
    expect(native.headers.get("content-type")).toContain("application/json");
    const err = (await native.json()) as { code: string; error: string };
    expect(err.code).toBe("NOT_IMPORTABLE");
    expect(err.error).toContain("/share/V2turn01.md");
  }, 60_000);

  test("a hostile 2.x share renders safely; a format newer than the server is a clear cannot-display page", async () => {
    const hostile = hostileV2Share("V2hostil");
    hostile.sessionId = "ses_v2hostilesessionV2hostil";
    await upload("V2hostil", hostile.sessionId, JSON.stringify(hostile));
    const page = await fetch(`${s.url}/share/V2hostil`);
    expect(page.status).toBe(200);
    expect((await auditHtml(await page.text(), s.url)).problems).toEqual([]);

    const future = JSON.stringify({ ...capturedShare("V3future"), format: "opencode-v3" });
    await upload("V3future", capturedShare("V3future").sessionId, future);
    const refused = await fetch(`${s.url}/share/V3future`);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("newer than this server knows");
    // the API says the same in its error shape, as for any share it cannot read
    const api = await fetch(`${s.url}/api/share/V3future`);
    expect(api.status).toBe(422);
    expect(((await api.json()) as { code: string }).code).toBe("UNREADABLE");
  }, 60_000);
});
