// The plugin built from plugin/src with the package's own build config into a
// directory of the calling run: another run rebuilding plugin/dist at the same
// moment would otherwise make OpenCode load a half-deleted plugin.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, makeTempDir } from "./processes.ts";

export const PLUGIN_DIR = join(REPO_ROOT, "plugin");

/**
 * Builds the plugin into a temp dir of this run and returns it: index.js for
 * OpenCode 1.x, server.js (the `./server` entry) for both generations.
 */
export function buildPlugin(): string {
  const dir = makeTempDir("better-share-e2e-plugin-");
  const run = (cmd: string[]) => {
    const r = Bun.spawnSync(cmd, { cwd: PLUGIN_DIR, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  };
  if (!existsSync(join(PLUGIN_DIR, "node_modules/typescript"))) run([process.execPath, "install", "--frozen-lockfile"]);
  run([join(PLUGIN_DIR, "node_modules/.bin/tsc"), "-p", "tsconfig.build.json", "--outDir", dir]);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  return dir;
}
