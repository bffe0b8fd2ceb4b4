// Real OpenCode data the tests and benchmarks use, kept in the repository
// (test/fixtures/): a two-turn OpenCode 1.18.33 session with the requests its
// native share client sent, and a captured OpenCode 2.0-preview turn.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import shareData from "../fixtures/opencode-1.18.33/share-data.json";
import nativeData from "../fixtures/opencode-1.18.33/native-data.json";

export const FIXTURES_DIR = join(import.meta.dir, "../fixtures");
export const V1_FIXTURES = join(FIXTURES_DIR, "opencode-1.18.33");
export const V2_FIXTURES = join(FIXTURES_DIR, "opencode-2-preview");
export const SHARE_DATA_PATH = join(V1_FIXTURES, "share-data.json");

/** The ShareData OpenCode 1.18.33's session became (imported once; copy before changing it). */
export const shareDataFixture = shareData;
/** The `GET /api/share/:id/data` array `opencode import` accepted. */
export const nativeDataFixture = nativeData as unknown[];

export interface CapturedRequest {
  seq: number;
  method: string;
  path: string;
  body: any;
  response: { status: number; body: any };
}

/** Every request OpenCode 1.18.33's native share client sent, in order. */
export function nativeSyncCapture(): CapturedRequest[] {
  return readFileSync(join(V1_FIXTURES, "native-sync.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}
