// BlobStore on any S3-compatible service (R2, AWS, MinIO, Garage).
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { S3Config } from "../config.ts";
import type { BlobRead, BlobStat, BlobStore, PresignOptions } from "./blob-store.ts";

const statusOf = (e: unknown): number | undefined =>
  e instanceof S3ServiceException ? e.$metadata?.httpStatusCode : (e as any)?.$metadata?.httpStatusCode;

export class S3BlobStore implements BlobStore {
  readonly kind = "s3" as const;
  private client: S3Client;
  private bucket: string;

  constructor(cfg: S3Config) {
    this.bucket = cfg.bucket;
    this.client = new S3Client({
      endpoint: cfg.endpoint,
      region: cfg.region,
      forcePathStyle: cfg.forcePathStyle,
      credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
      // Checksum query parameters in presigned URLs are rejected by R2.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 3,
    });
  }

  async presignPut(key: string, opts: PresignOptions): Promise<string> {
    const cmd = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(opts.size !== undefined ? { ContentLength: opts.size } : {}),
    });
    return getSignedUrl(this.client, cmd, {
      expiresIn: opts.expiresInSeconds,
      // Content-Length is signed so the store itself refuses any other length.
      ...(opts.size !== undefined ? { signableHeaders: new Set(["content-length"]) } : {}),
    });
  }

  async get(key: string, opts: { ifNoneMatch?: string; maxBytes?: number } = {}): Promise<BlobRead> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(opts.ifNoneMatch ? { IfNoneMatch: opts.ifNoneMatch } : {}) }),
      );
      const size = res.ContentLength ?? 0;
      if (opts.maxBytes !== undefined && size > opts.maxBytes) {
        await res.Body?.transformToByteArray().catch(() => {});
        return { status: "too_large", size };
      }
      const body = (await res.Body?.transformToByteArray()) ?? new Uint8Array();
      return { status: "ok", etag: res.ETag ?? "", size: body.byteLength, body };
    } catch (e) {
      const s = statusOf(e);
      if (s === 304) return { status: "not_modified", etag: opts.ifNoneMatch! };
      if (s === 404) return { status: "missing" };
      throw e;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { etag: res.ETag ?? "", size: res.ContentLength ?? 0 };
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<BlobStat> {
    const buf = typeof body === "string" ? Buffer.from(body) : body;
    const res = await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: buf, ContentType: "application/json", ContentLength: buf.byteLength }),
    );
    return { etag: res.ETag ?? "", size: buf.byteLength };
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
