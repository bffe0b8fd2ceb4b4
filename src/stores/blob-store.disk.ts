// BlobStore on local disk. The "presigned URL" points at the server's own
// `PUT /api/blob/:shareId`, signed with an HMAC key kept in DATA_DIR.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import type { BigIntStats } from "node:fs";
import { dirname, join } from "node:path";
import { tooLarge } from "../core/errors.ts";
import { hmacSha256, randomBytes, sameBytes } from "../core/crypto.ts";
import { isShareId } from "../core/ids.ts";
import type { BlobRead, BlobStat, BlobStore, PresignOptions } from "./blob-store.ts";

export type UploadCheck =
  | { ok: true; shareId: string; size: number | null }
  | { ok: false; status: number; code: string; message: string };

// Loaded by the first upload or read, not at start: the start needs only the synchronous calls.
const fsp = () => require("node:fs/promises") as typeof import("node:fs/promises");

const KEY_RE = /^sessions\/([0-9A-Za-z]{8})\.json$/;
/** `<shareId>.<pid>.<random>.tmp`: the pid says whether its writer may still be running. */
const TEMP_RE = /^(?:[0-9A-Za-z]{8}(?:\.json)?)\.(\d+)\.[0-9a-f]+\.tmp$/;
/** A temp file this old is stale whoever wrote it: uploads time out long before. */
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e?.code === "EPERM";
  }
}

function loadSigningKey(dataDir: string): Buffer {
  const path = join(dataDir, "signing.key");
  if (existsSync(path)) {
    const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64url");
    if (key.length >= 32) return key;
    throw new Error(`${path} is damaged: delete it to generate a new key (outstanding upload URLs stop working).`);
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // "wx" fails if another process created it first; then use theirs.
  try {
    writeFileSync(path, key.toString("base64url"), { mode: 0o600, flag: "wx" });
    return key;
  } catch {
    return Buffer.from(readFileSync(path, "utf8").trim(), "base64url");
  }
}

/** A rename gives a new inode, so inode+size+mtime changes on every upload. */
function etagOf(s: BigIntStats): BlobStat {
  return { etag: `${s.ino.toString(36)}-${s.size.toString(36)}-${s.mtimeNs.toString(36)}`, size: Number(s.size) };
}

export class DiskBlobStore implements BlobStore {
  readonly kind = "disk" as const;
  readonly uploadsRecorded = true;
  readonly root: string;
  /**
   * Uploads are written here and renamed into sessions/ when complete. Temp
   * files never sit beside blobs, so nothing reading sessions/ can take one for
   * a share; a writer killed mid-upload leaves its file here for
   * removeStaleTemps() at the next start.
   */
  readonly tmpDir: string;
  private key: Buffer;

  constructor(
    dataDir: string,
    private baseUrl: string,
  ) {
    this.root = join(dataDir, "blobs");
    this.tmpDir = join(this.root, "tmp");
    mkdirSync(join(this.root, "sessions"), { recursive: true });
    mkdirSync(this.tmpDir, { recursive: true });
    this.key = loadSigningKey(dataDir);
  }

  private pathOf(key: string): string {
    // Only our own key shape ever becomes a path: no traversal is possible.
    if (!KEY_RE.test(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
    return join(this.root, key);
  }

  private tempPath(shareId: string): string {
    return join(this.tmpDir, `${shareId}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  }

  /**
   * Removes temp files left by writers that died mid-upload (also those left
   * beside blobs by versions that wrote them there). A file whose writer is
   * still running — another instance on this DATA_DIR — is kept unless it is
   * over an hour old; a file carrying this process's own pid predates it (pids
   * repeat, e.g. pid 1 in every container). Returns what was removed.
   * Synchronous: it runs once, before the server listens, on a directory that
   * is normally empty, where the thread-pool round trips of the async calls
   * were most of the cost.
   */
  removeStaleTemps(now = Date.now()): { files: number; bytes: number } {
    const removed = { files: 0, bytes: 0 };
    for (const dir of [this.tmpDir, join(this.root, "sessions")]) {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        const m = TEMP_RE.exec(name);
        if (!m) continue;
        const path = join(dir, name);
        const pid = Number(m[1]);
        try {
          const st = statSync(path);
          if (pid !== process.pid && processAlive(pid) && now - st.mtimeMs < TEMP_MAX_AGE_MS) continue;
          unlinkSync(path);
          removed.files++;
          removed.bytes += st.size;
        } catch {}
      }
    }
    return removed;
  }

  private sign(shareId: string, expires: number, size: number | null): Buffer {
    return hmacSha256(this.key, `${shareId}\n${expires}\n${size ?? ""}`);
  }

  async presignPut(key: string, opts: PresignOptions): Promise<string> {
    const m = KEY_RE.exec(key);
    if (!m) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
    const shareId = m[1]!;
    const expires = Math.floor(Date.now() / 1000) + opts.expiresInSeconds;
    const size = opts.size ?? null;
    const q = new URLSearchParams({ expires: String(expires) });
    if (size !== null) q.set("size", String(size));
    q.set("sig", this.sign(shareId, expires, size).toString("base64url"));
    return `${this.baseUrl}/api/blob/${shareId}?${q}`;
  }

  /** Checks an upload URL's signature and expiry, before any byte is read. */
  checkUpload(shareId: string, query: URLSearchParams, now = Date.now()): UploadCheck {
    const fail = (status: number, code: string, message: string): UploadCheck => ({ ok: false, status, code, message });
    if (!isShareId(shareId)) return fail(400, "INVALID_SHARE_ID", "Share ids are 8 letters or digits.");
    const expiresRaw = query.get("expires");
    const sigRaw = query.get("sig");
    const sizeRaw = query.get("size");
    if (!expiresRaw || !sigRaw || !/^\d{1,12}$/.test(expiresRaw) || (sizeRaw !== null && !/^\d{1,15}$/.test(sizeRaw)))
      return fail(403, "INVALID_SIGNATURE", "This upload URL is incomplete; ask the server for a new one.");
    const expires = Number(expiresRaw);
    const size = sizeRaw === null ? null : Number(sizeRaw);
    const expected = this.sign(shareId, expires, size);
    const given = Buffer.from(sigRaw, "base64url");
    if (!sameBytes(given, expected))
      return fail(403, "INVALID_SIGNATURE", "This upload URL's signature is not valid; ask the server for a new one.");
    if (expires * 1000 < now) return fail(403, "URL_EXPIRED", "This upload URL has expired; ask the server for a new one.");
    return { ok: true, shareId, size };
  }

  /**
   * Streams an upload to a temp file and renames it into place, so readers see
   * the old blob or the new one, never half of one. Fails without touching the
   * current blob when the body is longer or shorter than allowed.
   */
  async acceptUpload(
    shareId: string,
    body: ReadableStream<Uint8Array> | null,
    limits: { exactSize: number | null; maxBytes: number },
  ): Promise<{ ok: true; stat: BlobStat } | { ok: false; status: number; code: string; message: string }> {
    const final = this.pathOf(`sessions/${shareId}.json`);
    const tmp = this.tempPath(shareId);
    const cap = limits.exactSize ?? limits.maxBytes;
    let written = 0;
    const fd = openSync(tmp, "w", 0o600);
    let closed = false;
    try {
      if (body) {
        const reader = body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          written += value.byteLength;
          if (written > cap) {
            await reader.cancel().catch(() => {});
            return limits.exactSize !== null
              ? { ok: false, status: 400, code: "SIZE_MISMATCH", message: `The body is longer than the ${limits.exactSize} bytes this URL was signed for.` }
              : { ok: false, status: 413, code: "TOO_LARGE", message: tooLarge(limits.maxBytes).message };
          }
          let off = 0;
          while (off < value.byteLength) off += writeSync(fd, value, off, value.byteLength - off);
        }
      }
      if (limits.exactSize !== null && written !== limits.exactSize)
        return { ok: false, status: 400, code: "SIZE_MISMATCH", message: `The body has ${written} bytes but this URL was signed for exactly ${limits.exactSize}.` };
      fsyncSync(fd);
      closeSync(fd);
      closed = true;
      await fsp().rename(tmp, final);
      const st = await this.stat(`sessions/${shareId}.json`);
      return { ok: true, stat: st! };
    } finally {
      if (!closed) closeSync(fd);
      await fsp().unlink(tmp).catch(() => {});
    }
  }

  async get(key: string, opts: { ifNoneMatch?: string; maxBytes?: number } = {}): Promise<BlobRead> {
    const path = this.pathOf(key);
    const st = await this.stat(key);
    if (!st) return { status: "missing" };
    if (opts.ifNoneMatch && opts.ifNoneMatch === st.etag) return { status: "not_modified", etag: st.etag };
    // The file may be replaced (renamed over) at any moment: its ETag and body
    // are read from one open file, so they always belong together. (A stat by
    // path after the read could name the next upload while the body is this one.)
    let file;
    try {
      file = await fsp().open(path, "r");
    } catch (e: any) {
      if (e?.code === "ENOENT") return { status: "missing" };
      throw e;
    }
    try {
      const now = etagOf(await file.stat({ bigint: true }));
      if (opts.ifNoneMatch && opts.ifNoneMatch === now.etag) return { status: "not_modified", etag: now.etag };
      if (opts.maxBytes !== undefined && now.size > opts.maxBytes) return { status: "too_large", size: now.size };
      const body = await file.readFile();
      return { status: "ok", etag: now.etag, size: body.byteLength, body };
    } finally {
      await file.close();
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      // Synchronous on purpose: a stat of a local file takes microseconds, and
      // every API read makes one; the thread-pool round trip of the async call
      // took milliseconds on a busy machine, and reads queue behind it.
      return etagOf(statSync(this.pathOf(key), { bigint: true }));
    } catch (e: any) {
      if (e?.code === "ENOENT") return null;
      throw e;
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<BlobStat> {
    const final = this.pathOf(key);
    const tmp = this.tempPath(KEY_RE.exec(key)![1]!);
    try {
      mkdirSync(dirname(final), { recursive: true });
      const fd = openSync(tmp, "w", 0o600);
      try {
        const buf = typeof body === "string" ? Buffer.from(body) : body;
        let off = 0;
        while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      await fsp().rename(tmp, final);
    } finally {
      await fsp().unlink(tmp).catch(() => {});
    }
    return (await this.stat(key))!;
  }

  async delete(key: string): Promise<void> {
    await fsp().rm(this.pathOf(key), { force: true });
  }

  async ping(): Promise<void> {
    statSync(this.root);
  }

  async close(): Promise<void> {}
}
