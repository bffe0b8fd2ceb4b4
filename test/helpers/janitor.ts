// Clean-up that runs when the test process ends, however it ends. `bun test`
// does not fire process "exit" handlers, and a killed run fires nothing, so a
// detached watcher waits for this process to go and then runs the commands.
import { spawn } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";

let script: string | null = null;

export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function atProcessEnd(command: string): void {
  if (!script) {
    script = `/tmp/bs-janitor-${process.pid}.sh`;
    writeFileSync(script, "");
    const watcher = spawn(
      "bash",
      ["-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done; bash ${script} >/dev/null 2>&1; rm -f ${script}`],
      { detached: true, stdio: "ignore" },
    );
    watcher.unref();
  }
  appendFileSync(script, command + "\n");
}
