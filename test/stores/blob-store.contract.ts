// One behaviour, every backend: run by blob-store.test.ts against disk and S3 (s3rver over HTTP).
// `upload` performs the presigned PUT with plain fetch, exactly as the plugin does.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BlobStore } from "../../src/stores/blob-store.ts";

export interface BlobHarness {
  store: BlobStore;
  close(): Promise<void>;
}

export const put = (url: string, body: string) =>
  fetch(url, { method: "PUT", body, headers: { "Content-Type": "application/json" } });

export function blobStoreContract(name: string, open: () => Promise<BlobHarness>) {
  describe(`BlobStore contract: ${name}`, () => {
    let h: BlobHarness;
    let store: BlobStore;
    beforeAll(async () => {
      h = await open();
      store = h.store;
    });
    afterAll(async () => {
      await h.close();
    });

    test("a presigned PUT made with fetch stores the body", async () => {
      const body = JSON.stringify({ hello: "world" });
      const url = await store.presignPut("sessions/Blob0001.json", { size: body.length, expiresInSeconds: 60 });
      const res = await put(url, body);
      expect(res.status).toBe(200);
      const got = await store.get("sessions/Blob0001.json");
      expect(got.status).toBe("ok");
      if (got.status === "ok") expect(new TextDecoder().decode(got.body)).toBe(body);
    });

    test("a URL signed for a size refuses other lengths and keeps the old blob", async () => {
      await store.put("sessions/Size0002.json", "old");
      const url = await store.presignPut("sessions/Size0002.json", { size: 5, expiresInSeconds: 60 });
      expect((await put(url, "toolong")).status).toBeGreaterThanOrEqual(400);
      expect((await put(url, "shrt")).status).toBeGreaterThanOrEqual(400);
      const got = await store.get("sessions/Size0002.json");
      expect(got.status === "ok" && new TextDecoder().decode(got.body)).toBe("old");
      expect((await put(url, "exact")).status).toBe(200);
    });

    test("a URL for one key cannot write another", async () => {
      const url = await store.presignPut("sessions/Keyy0001.json", { size: 2, expiresInSeconds: 60 });
      const other = url.replace("Keyy0001", "Keyy0002");
      expect((await put(other, "{}")).status).toBe(403);
      expect(await store.stat("sessions/Keyy0002.json")).toBeNull();
    });

    test("presigned URL without size accepts any body", async () => {
      const url = await store.presignPut("sessions/Blob0002.json", { expiresInSeconds: 60 });
      expect((await put(url, "[1,2,3]")).status).toBe(200);
      expect((await store.stat("sessions/Blob0002.json"))!.size).toBe(7);
    });

    test("the ETag changes when the blob changes and conditional get skips the body", async () => {
      await store.put("sessions/Blob0003.json", "one");
      const a = await store.get("sessions/Blob0003.json");
      expect(a.status).toBe("ok");
      const etag = a.status === "ok" ? a.etag : "";
      expect(etag.length).toBeGreaterThan(0);
      expect((await store.get("sessions/Blob0003.json", { ifNoneMatch: etag })).status).toBe("not_modified");
      await store.put("sessions/Blob0003.json", "two!");
      const b = await store.get("sessions/Blob0003.json", { ifNoneMatch: etag });
      expect(b.status).toBe("ok");
      if (b.status === "ok") {
        expect(b.etag).not.toBe(etag);
        expect(new TextDecoder().decode(b.body)).toBe("two!");
      }
    });

    test("missing blobs read as missing and stat as null", async () => {
      expect((await store.get("sessions/NotThere.json")).status).toBe("missing");
      expect(await store.stat("sessions/NotThere.json")).toBeNull();
    });

    test("maxBytes refuses larger blobs", async () => {
      await store.put("sessions/Blob0004.json", "x".repeat(2000));
      const r = await store.get("sessions/Blob0004.json", { maxBytes: 1000 });
      expect(r).toEqual({ status: "too_large", size: 2000 });
    });

    test("delete is idempotent", async () => {
      await store.put("sessions/Blob0005.json", "{}");
      await store.delete("sessions/Blob0005.json");
      await store.delete("sessions/Blob0005.json");
      expect(await store.stat("sessions/Blob0005.json")).toBeNull();
    });

    test("ping answers", async () => {
      await store.ping();
    });
  });
}
