import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DiskBlobStore } from "../../src/stores/blob-store.disk.ts";
import { S3BlobStore } from "../../src/stores/blob-store.s3.ts";
import { startS3 } from "../helpers/s3.ts";
import { blobStoreContract, put } from "./blob-store.contract.ts";
import { tempDir } from "../helpers/tmp.ts";
import { eventually } from "../helpers/eventually.ts";

/** Serves a DiskBlobStore's upload route on a real port, as the server does. */
function serveDisk() {
  const dir = tempDir("bs-disk-");
  let store!: DiskBlobStore;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const id = url.pathname.split("/").pop()!;
      const check = store.checkUpload(id, url.searchParams);
      if (!check.ok) return new Response(check.message, { status: check.status });
      const r = await store.acceptUpload(id, req.body, { exactSize: check.size, maxBytes: 1 << 20 });
      return new Response(r.ok ? "ok" : r.message, { status: r.ok ? 200 : r.status });
    },
  });
  store = new DiskBlobStore(dir, `http://127.0.0.1:${server.port}`);
  return { dir, store, server };
}

blobStoreContract("disk", async () => {
  const { store, server } = serveDisk();
  return { store, close: async () => void server.stop(true) };
});

blobStoreContract("s3 (s3rver over HTTP)", async () => {
  const s3 = await startS3();
  return { store: new S3BlobStore(s3.config), close: () => s3.stop() };
});

describe("disk blob store specifics", () => {
  test("tampered, expired or re-targeted URLs are refused", async () => {
    const { store, server } = serveDisk();
    try {
      const url = new URL(await store.presignPut("sessions/Sign0001.json", { size: 2, expiresInSeconds: 60 }));
      const tampered = new URL(url);
      tampered.searchParams.set("size", "3");
      expect((await put(tampered.toString(), "abc")).status).toBe(403);
      const other = new URL(url.toString().replace("Sign0001", "Sign0002"));
      expect((await put(other.toString(), "ab")).status).toBe(403);
      const noSig = new URL(url);
      noSig.searchParams.delete("sig");
      expect((await put(noSig.toString(), "ab")).status).toBe(403);
      const expired = store.checkUpload("Sign0001", url.searchParams, Date.now() + 120_000);
      expect(expired.ok).toBe(false);
      if (!expired.ok) expect(expired.code).toBe("URL_EXPIRED");
    } finally {
      server.stop(true);
    }
  });

  test("blob keys other than sessions/<8 alnum>.json never become paths", async () => {
    const { store, server } = serveDisk();
    try {
      for (const key of ["../etc/passwd", "sessions/../../x.json", "sessions/abc.json", "sessions/ABCDEFGH.json/.."])
        await expect(store.get(key)).rejects.toThrow("invalid blob key");
    } finally {
      server.stop(true);
    }
  });

  test("uploads land atomically: no temp files remain and files are private", async () => {
    const { dir, store, server } = serveDisk();
    try {
      const body = "y".repeat(300_000);
      const urls = await Promise.all(
        Array.from({ length: 5 }, () => store.presignPut("sessions/Atom0001.json", { size: body.length, expiresInSeconds: 60 })),
      );
      const results = await Promise.all(urls.map((u) => put(u, body)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      const files = readdirSync(join(dir, "blobs", "sessions"));
      expect(files).toEqual(["Atom0001.json"]);
      expect(statSync(join(dir, "blobs", "sessions", "Atom0001.json")).size).toBe(body.length);
      expect(statSync(join(dir, "signing.key")).mode & 0o777).toBe(0o600);
    } finally {
      server.stop(true);
    }
  });

  test("stale temp files are removed and never read as shares; a running writer's are kept", async () => {
    const dir = tempDir("bs-disk-");
    const store = new DiskBlobStore(dir, "http://x");
    const sessions = join(dir, "blobs", "sessions");
    const tmp = join(dir, "blobs", "tmp");
    // A process that is certainly alive, standing for another instance mid-upload.
    const writer = spawn("sleep", ["30"]);
    try {
      const dead = 2 ** 22 + 12345; // above pid_max's default: no such process
      writeFileSync(join(tmp, `Temp0001.${dead}.aa11.tmp`), "x".repeat(1000));
      writeFileSync(join(tmp, `Temp0002.${process.pid}.bb22.tmp`), "y".repeat(10)); // our pid: from before this start
      writeFileSync(join(sessions, `Temp0003.json.${dead}.cc33.tmp`), "z"); // where earlier versions wrote them
      writeFileSync(join(tmp, `Temp0004.${writer.pid}.dd44.tmp`), "live");
      writeFileSync(join(tmp, `Temp0005.${writer.pid}.ee55.tmp`), "old");
      const hourAgo = (Date.now() - 2 * 3600_000) / 1000;
      utimesSync(join(tmp, `Temp0005.${writer.pid}.ee55.tmp`), hourAgo, hourAgo);
      writeFileSync(join(sessions, "notes.txt"), "not ours");
      expect((await store.get("sessions/Temp0003.json")).status).toBe("missing");
      expect(await store.removeStaleTemps()).toEqual({ files: 4, bytes: 1000 + 10 + 1 + 3 });
      expect(readdirSync(tmp)).toEqual([`Temp0004.${writer.pid}.dd44.tmp`]);
      expect(readdirSync(sessions)).toEqual(["notes.txt"]);
    } finally {
      writer.kill();
    }
  });

  test("uploads write their temp files outside sessions/", async () => {
    const { dir, store, server } = serveDisk();
    try {
      const url = await store.presignPut("sessions/Slow0001.json", { size: 6, expiresInSeconds: 60 });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const body = new ReadableStream<Uint8Array>({
        async start(ctl) {
          ctl.enqueue(new TextEncoder().encode("abc"));
          await gate;
          ctl.enqueue(new TextEncoder().encode("def"));
          ctl.close();
        },
      });
      // @ts-ignore Bun accepts duplex for streaming bodies
      const upload = fetch(url, { method: "PUT", body, headers: { "content-length": "6" }, duplex: "half" });
      const tmp = join(dir, "blobs", "tmp");
      await eventually("the upload to reach the temp dir", () => readdirSync(tmp).length > 0, Boolean, { intervalMs: 10 });
      expect(readdirSync(tmp).length).toBe(1);
      expect(readdirSync(join(dir, "blobs", "sessions"))).toEqual([]);
      release();
      expect((await upload).status).toBe(200);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      server.stop(true);
    }
  });

  test("the signing key survives a restart, so earlier URLs stay valid", async () => {
    const dir = tempDir("bs-disk-");
    const a = new DiskBlobStore(dir, "http://x");
    const url = new URL(await a.presignPut("sessions/Keep0001.json", { size: 1, expiresInSeconds: 60 }));
    const b = new DiskBlobStore(dir, "http://x");
    expect(b.checkUpload("Keep0001", url.searchParams).ok).toBe(true);
  });
});

describe("s3 blob store specifics", () => {
  test("presigned URLs sign Content-Length when a size is given and carry no checksum parameters", async () => {
    const s3 = await startS3();
    try {
      const store = new S3BlobStore(s3.config);
      const url = new URL(await store.presignPut("sessions/Sign0003.json", { size: 123, expiresInSeconds: 60 }));
      expect(url.searchParams.get("X-Amz-SignedHeaders")!.split(";")).toContain("content-length");
      expect([...url.searchParams.keys()].some((k) => /checksum/i.test(k))).toBe(false);
      expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    } finally {
      await s3.stop();
    }
  });

  test("the fast presigner produces the SDK's own URL layout, path-style and virtual-hosted", async () => {
    const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
    const { PutObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
    for (const forcePathStyle of [true, false]) {
      const cfg = { endpoint: "https://s3.example.com:8443", accessKeyId: "AKID", secretAccessKey: "SECRET", bucket: "my-bucket", region: "eu-west-1", forcePathStyle };
      const ours = new URL(await new S3BlobStore(cfg).presignPut("sessions/Layout01.json", { size: 42, expiresInSeconds: 300 }));
      const client = new S3Client({ ...cfg, credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey }, requestChecksumCalculation: "WHEN_REQUIRED" });
      const sdk = new URL(
        await getSignedUrl(client, new PutObjectCommand({ Bucket: cfg.bucket, Key: "sessions/Layout01.json", ContentLength: 42 }), {
          expiresIn: 300,
          signableHeaders: new Set(["content-length"]),
        }),
      );
      expect(ours.origin + ours.pathname).toBe(sdk.origin + sdk.pathname);
      const params = (u: URL) => [...u.searchParams.keys()].filter((k) => k !== "x-id").sort();
      expect(params(ours)).toEqual(params(sdk));
      for (const k of ["X-Amz-SignedHeaders", "X-Amz-Expires", "X-Amz-Credential", "X-Amz-Algorithm"])
        expect(ours.searchParams.get(k)).toBe(sdk.searchParams.get(k));
    }
  });

  test("ping fails for a bucket that does not exist", async () => {
    const s3 = await startS3();
    try {
      const store = new S3BlobStore({ ...s3.config, bucket: "no-such-bucket" });
      await expect(store.ping()).rejects.toThrow();
    } finally {
      await s3.stop();
    }
  });
});
