// Temp dirs for tests, removed when the test process ends (also on failure).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { atProcessEnd, shellQuote } from "./janitor.ts";

export function tempDir(prefix = "bs-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  atProcessEnd(`rm -rf ${shellQuote(d)}`);
  return d;
}
