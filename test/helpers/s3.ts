// A real S3-protocol server over HTTP for tests (s3rver), on a free port,
// behind a gate that enforces presigned-URL signatures as S3 and R2 do.
import { rmSync } from "node:fs";
import S3rver from "s3rver";
import type { S3Config } from "../../src/config.ts";
import { startSigV4Gate } from "./sigv4-gate.ts";
import { tempDir } from "./tmp.ts";

export interface TestS3 {
  config: S3Config;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3(bucket = "better-share-test"): Promise<TestS3> {
  const dir = tempDir("bs-s3-");
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: bucket }] } as any);
  const info = (await server.run()) as unknown as { port: number };
  const gate = startSigV4Gate(`http://127.0.0.1:${info.port}`, "S3RVER");
  const config: S3Config = {
    endpoint: gate.url,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    bucket,
    region: "us-east-1",
    forcePathStyle: true,
  };
  return {
    config,
    env: {
      S3_ENDPOINT: config.endpoint,
      S3_ACCESS_KEY_ID: config.accessKeyId,
      S3_SECRET_ACCESS_KEY: config.secretAccessKey,
      S3_BUCKET: bucket,
      S3_REGION: config.region,
      S3_FORCE_PATH_STYLE: "true",
    },
    async stop() {
      gate.stop();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
