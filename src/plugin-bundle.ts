// The OpenCode plugin as one ESM file, built from plugin/src when the server
// is bundled: imported `with { type: "macro" }`, this runs inside `bun build`
// (scripts/build.sh) and the file's text is inlined into the binary; from
// source (`bun src/cli.ts`, tests) it runs when the importing module loads.
// The entry is plugin/src/server.ts, whose default export serves both OpenCode
// generations. The plugin has no runtime dependencies, so the file stands alone.
import { join } from "node:path";

export function pluginBundle(): string {
  const root = join(import.meta.dir, "..", "plugin");
  // Bun.build cannot run inside a macro (the bundler would wait on itself): use the CLI.
  const r = Bun.spawnSync([process.execPath, "build", join(root, "src", "server.ts"), "--target=bun", "--format=esm"], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, BUN_BE_BUN: "1" },
  });
  if (r.exitCode !== 0) throw new Error(`bundling the plugin failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
}
